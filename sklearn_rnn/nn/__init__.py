"""The NumPy engine: layers, activations, initializers, losses, optimizers.

It imports nothing from scikit-learn. Sequences are time-major ``(T, N, D)``.

Examples
--------
One training step of a tiny many-to-one RNN:

>>> import numpy as np
>>> from sklearn_rnn.nn import SGD, SquaredError, build_network
>>> rng = np.random.RandomState(0)
>>> net = build_network(2, 1, SquaredError(), hidden_size=3, rng=rng)
>>> x = np.ones((4, 5, 2), dtype=np.float32)            # T=4 steps, N=5 sequences
>>> y, w = np.zeros((5, 1), np.float32), np.ones(5, np.float32)
>>> loss = net.loss_and_gradients(x, y, w)
>>> SGD(net.params, learning_rate_init=0.1).step(net.grads)
>>> net.loss_and_gradients(x, y, w) < loss
True
"""

from .builder import build_network
from .gradcheck import check_network_gradients
from .losses import SigmoidBinaryCrossEntropy, SoftmaxCrossEntropy, SquaredError
from .network import Network
from .optimizers import (
    SGD,
    AdaGrad,
    Adam,
    Momentum,
    RMSprop,
    Rprop,
    clip_by_global_norm,
)
from .sizes import count_parameters

__all__ = [
    "SGD",
    "AdaGrad",
    "Adam",
    "Momentum",
    "Network",
    "RMSprop",
    "Rprop",
    "SigmoidBinaryCrossEntropy",
    "SoftmaxCrossEntropy",
    "SquaredError",
    "build_network",
    "check_network_gradients",
    "clip_by_global_norm",
    "count_parameters",
]
