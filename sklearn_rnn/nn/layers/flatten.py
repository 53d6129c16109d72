"""Flatten a sequence into one feature vector, each step at its position."""

import numpy as np

from .base import Layer
from .downsample import valid_steps_first


class Flatten(Layer):
    """Each sequence's valid steps side by side, ``(T, N, D)`` to ``(N, steps * D)``.

    The layer reads a series as an MLP on the flattened series does: step
    ``t`` of every sequence lands in the same ``D`` columns, ``t * D`` on.
    The valid steps come first (in order; the padding of a pre-padded
    sequence is moved behind them, as :class:`Downsample` gathers them);
    positions past a sequence's valid steps hold zeros, and steps past
    ``steps`` are dropped.  So the output's width is fixed whatever the
    batch's length, which the dense layer above needs.

    Parameters
    ----------
    steps : int
        The positions kept: the longest training sequence, as the
        estimators build it.

    See Also
    --------
    MeanPooling : Also ``(T, N, D)`` to ``(N, D)``, blind to positions.
    Downsample : Gathers the valid steps first in the same way.

    Examples
    --------
    >>> import numpy as np
    >>> x = np.arange(6.0).reshape(3, 2, 1)          # (T=3, N=2, D=1)
    >>> mask = np.array([[True, False], [True, True], [True, True]])
    >>> Flatten(4).forward(x, mask)                  # sequence 1 is pre-padded
    array([[0., 2., 4., 0.],
           [3., 5., 0., 0.]])
    """

    keeps_steps = False  # its output has no time steps, hence no mask

    def __init__(self, steps):
        super().__init__()
        self.steps = int(steps)

    def __repr__(self):
        return f"Flatten(steps={self.steps})"

    def forward(self, x, mask=None, training=False):
        """Lay each sequence's valid steps side by side.

        Parameters
        ----------
        x : ndarray of shape (T, N, D)
            Time-major sequences.
        mask : ndarray of shape (T, N) of bool, default=None
            False on padding steps, which are left out.
        training : bool, default=False
            Whether to keep what :meth:`backward` needs.

        Returns
        -------
        out : ndarray of shape (N, steps * D)
            Step ``t`` of sequence ``n`` (its ``t``-th valid step) in
            ``out[n, t * D:(t + 1) * D]``; zeros past its valid steps.
        """
        T, N, D = x.shape
        order = valid = None
        if mask is not None:
            order, counts = valid_steps_first(mask)
            valid = np.arange(T)[:, None] < counts  # of the gathered steps
            x = np.take_along_axis(x, order[:, :, None], 0) * valid[:, :, None]
        kept = min(T, self.steps)
        out = np.zeros((N, self.steps, D), dtype=x.dtype)
        out[:, :kept] = x[:kept].transpose(1, 0, 2)
        if training:  # inference keeps nothing on the layer (thread safety)
            self._order, self._valid, self._shape = order, valid, x.shape
        return out.reshape(N, self.steps * D)

    def backward(self, dout):
        """Send each position's gradient back to the step it was read from.

        Parameters
        ----------
        dout : ndarray of shape (N, steps * D)
            The gradient of the loss w.r.t. the output of the last training
            pass.

        Returns
        -------
        dx : ndarray of shape (T, N, D) or None
            The gradient w.r.t. the input (0 on padding steps and on the
            steps past ``steps``); None unless ``input_grad``.
        """
        if not self.input_grad:
            return None
        T, N, D = self._shape
        kept = min(T, self.steps)
        grad = np.zeros(self._shape, dtype=dout.dtype)
        grad[:kept] = dout.reshape(N, self.steps, D)[:, :kept].transpose(1, 0, 2)
        if self._order is None:
            return grad
        grad *= self._valid[:, :, None]
        dx = np.empty_like(grad)
        np.put_along_axis(dx, self._order[:, :, None], grad, 0)
        return dx
