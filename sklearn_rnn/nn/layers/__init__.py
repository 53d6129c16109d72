"""Layers of the NumPy engine; :mod:`sklearn_rnn.nn.layers.base` gives the protocol."""

from .base import Layer
from .bidirectional import Bidirectional
from .dense import Dense
from .dropout import Dropout
from .embedding import Embedding
from .pooling import POOLINGS, LastStatePooling, MaxPooling, MeanPooling
from .recurrent import Recurrent
from .simple_rnn import SimpleRNN

__all__ = [
    "Bidirectional",
    "Dense",
    "Dropout",
    "Embedding",
    "LastStatePooling",
    "Layer",
    "MaxPooling",
    "MeanPooling",
    "POOLINGS",
    "Recurrent",
    "SimpleRNN",
]
