"""Inverted dropout (active during training only)."""

import numpy as np

from .base import Layer


class Dropout(Layer):
    """Inverted dropout: random zeros while training, the identity at inference.

    In a training pass each element of the input is zeroed with probability
    ``rate`` and the others are scaled by ``1 / (1 - rate)``, so that the
    expected output is the input and inference needs no rescaling.  The
    input may have any shape (``(T, N, D)`` sequences, ``(N, D)`` batches);
    every element is dropped independently, and the output keeps the
    input's mask.

    Parameters
    ----------
    rate : float in [0, 1)
        Probability of zeroing an element; 0 makes the layer the identity.
    rng : numpy.random.RandomState
        Source of the dropout masks (its ``random_sample`` is drawn from).

    See Also
    --------
    sklearn_rnn.nn.build_network : Puts one between consecutive layers.

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
        """Drop and rescale elements while training; pass ``x`` through otherwise.

        Parameters
        ----------
        x : ndarray
            The input, of any shape.
        mask : ndarray of shape (T, N) of bool, default=None
            Unused: the mask passes through unchanged.
        training : bool, default=False
            Whether to drop (and keep the scaled keep-mask for
            :meth:`backward`); at inference ``x`` itself is returned.

        Returns
        -------
        out : ndarray
            ``x`` times the scaled keep-mask, of the shape of ``x``; ``x``
            itself at inference or when ``rate`` is 0.
        """
        if not training:  # inference keeps nothing on the layer (thread safety)
            return x
        if self.rate == 0:
            self.keep = None
            return x
        keep = self.rng.random_sample(x.shape) >= self.rate
        self.keep = keep.astype(x.dtype) / np.asarray(1.0 - self.rate, dtype=x.dtype)
        return x * self.keep

    def backward(self, dout):
        """Let the gradient through the elements kept by the last training pass.

        Parameters
        ----------
        dout : ndarray
            The gradient of the loss w.r.t. the output of that pass.

        Returns
        -------
        dx : ndarray
            ``dout`` times the pass's scaled keep-mask (``dout`` itself when
            ``rate`` is 0), returned whatever ``input_grad`` is.
        """
        if self.keep is None:
            return dout
        return dout * self.keep
