"""Layers of the NumPy engine; :mod:`sklearn_rnn.nn.layers.base` gives the protocol."""

from .activation import Activation
from .base import Layer
from .bidirectional import Bidirectional
from .conv import Conv1D
from .dense import Dense
from .downsample import Downsample
from .dropout import Dropout
from .embedding import Embedding
from .flatten import Flatten
from .normalization import BatchNorm, InstanceNorm
from .parallel import Parallel
from .pooling import POOLINGS, LastStatePooling, MaxPooling, MeanPooling
from .recurrent import Recurrent
from .simple_rnn import SimpleRNN

__all__ = [
    "Activation",
    "BatchNorm",
    "Bidirectional",
    "Conv1D",
    "Dense",
    "Downsample",
    "Dropout",
    "Embedding",
    "Flatten",
    "InstanceNorm",
    "LastStatePooling",
    "Layer",
    "MaxPooling",
    "MeanPooling",
    "Parallel",
    "POOLINGS",
    "Recurrent",
    "SimpleRNN",
]
