"""Inverted dropout (active during training only)."""

import numpy as np

from .base import Layer


class Dropout(Layer):
    """Zero each input with probability ``rate`` and scale the rest by
    ``1 / (1 - rate)`` while training; the identity at inference.

    Parameters
    ----------
    rate : float in [0, 1)
    rng : numpy.random.Generator or RandomState
        Source of the dropout masks.

    Examples
    --------
    >>> import numpy as np
    >>> layer = Dropout(0.5, np.random.RandomState(0))
    >>> layer.forward(np.ones((1, 4)), training=True)
    array([[2., 2., 2., 2.]])
    >>> layer.forward(np.ones((1, 4)))
    array([[1., 1., 1., 1.]])
    """

    def __init__(self, rate, rng):
        super().__init__()
        self.rate = rate
        self.rng = rng
        self.keep = None

    def forward(self, x, mask=None, training=False):
        if not training:  # inference keeps nothing on the layer (thread safety)
            return x
        if self.rate == 0:
            self.keep = None
            return x
        keep = self.rng.random_sample(x.shape) >= self.rate
        self.keep = keep.astype(x.dtype) / np.asarray(1.0 - self.rate, dtype=x.dtype)
        return x * self.keep

    def backward(self, dout):
        if self.keep is None:
            return dout
        return dout * self.keep
