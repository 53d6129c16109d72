"""Shortening long sequences: the mean of every window of ``factor`` steps."""

import numpy as np

from .base import Layer


def valid_steps_first(mask):
    """``(order, counts)``: the ``(T, N)`` order that gathers each sequence's
    valid steps first, in order (padding behind them), and each sequence's
    number of valid steps, ``(N,)``; what :class:`Downsample` and
    :class:`~sklearn_rnn.nn.layers.Flatten` read.

    Examples
    --------
    >>> order, counts = valid_steps_first(np.array([[False], [True], [True]]))
    >>> order.ravel(), counts
    (array([1, 2, 0]), array([2]))
    """
    return np.argsort(~mask, axis=0, kind="stable"), mask.sum(axis=0)


class Downsample(Layer):
    """Read every ``factor`` consecutive valid steps as one: their mean, max or min.

    With the mean, the piecewise aggregate approximation (PAA) of time-series
    mining, as a layer: ``(T, N, D)`` becomes ``(ceil(T / factor), N, D)``,
    so every layer above it reads (and costs) ``factor`` times fewer steps.
    The maximum and the minimum of each window keep the peaks a mean would
    smooth away.

    **Masks.**  Each sequence's valid steps are first gathered, in order, at
    the start (what a recurrent layer does with padding: it skips it), then
    averaged in windows of ``factor``; the last window of a sequence averages
    the valid steps it has.  Pre-, post- and interior padding therefore give
    the same output as the unpadded sequence, and the output mask marks the
    ``ceil(n_valid / factor)`` windows of each sequence.

    Parameters
    ----------
    factor : int
        Steps per window (1: the layer passes its input through).
    statistic : {"mean", "max", "min"}, default="mean"
        What each window's output is: the mean of its valid steps, or their
        feature-wise maximum or minimum; the gradient of the mean is shared
        equally by the window's valid steps, that of the maximum or minimum
        goes to the step that holds it.  A window with no valid step gives
        zeros.

    See Also
    --------
    Parallel : Runs one ``Downsample`` per statistic side by side.
    MeanPooling : The mean over all valid steps, as one step.

    Examples
    --------
    >>> import numpy as np
    >>> x = np.arange(5.0).reshape(5, 1, 1)            # (T, N, D): 0 1 2 3 4
    >>> Downsample(2).forward(x)[:, 0, 0]
    array([0.5, 2.5, 4. ])
    >>> mask = np.array([[False], [True], [True], [True], [True]])
    >>> Downsample(2).forward(x, mask)[:, 0, 0]        # skips the pad: 1 2 3 4
    array([1.5, 3.5, 0. ])
    >>> Downsample(2, statistic="max").forward(x)[:, 0, 0]
    array([1., 3., 4.])
    """

    _caches = ("_order", "_weights", "_shape", "_argmax")

    def __init__(self, factor, statistic="mean"):
        super().__init__()
        if statistic not in ("mean", "max", "min"):
            raise ValueError(
                f"statistic must be 'mean', 'max' or 'min'; got {statistic!r}."
            )
        self.factor, self.statistic = factor, statistic

    def __repr__(self):
        if self.statistic == "mean":
            return f"Downsample({self.factor})"
        return f"Downsample({self.factor}, statistic={self.statistic!r})"

    def _windows(self, mask, T, N):
        """``order`` (T, N): the steps gathered valid first; ``weights`` (T, N):
        each gathered step's share of its window's mean (0 for padding)."""
        if mask is None:
            order = None
            valid = np.broadcast_to(np.arange(T)[:, None] < T, (T, N))
            counts = np.full(N, T)
        else:
            order, counts = valid_steps_first(mask)
            valid = np.arange(T)[:, None] < counts
        f = self.factor
        starts = np.arange(T)[:, None] // f * f  # first step of each step's window
        sizes = np.clip(counts - starts, 0, f)
        weights = np.where(valid, 1.0 / np.maximum(sizes, 1), 0.0)
        return order, weights, counts

    def forward(self, x, mask=None, training=False):
        """Aggregate each sequence's valid steps in windows of ``factor``.

        Parameters
        ----------
        x : ndarray of shape (T, N, D)
            Time-major sequences.
        mask : ndarray of shape (T, N) of bool, default=None
            False on padding steps, which are skipped (the valid steps are
            gathered first).
        training : bool, default=False
            Whether to keep what :meth:`backward` needs.

        Returns
        -------
        out : ndarray of shape (ceil(T / factor), N, D)
            One step per window; zeros for the windows past a sequence's
            valid steps (see :meth:`output_mask`).  ``x`` itself if
            ``factor`` is 1.
        """
        if self.factor == 1:
            return x
        T, N, D = x.shape
        order, weights, _ = self._windows(mask, T, N)
        gathered = x if order is None else np.take_along_axis(x, order[:, :, None], 0)
        weights = weights.astype(x.dtype)
        if self.statistic == "max":
            out, argmax = _window_max(gathered, weights > 0, self.factor)
        elif self.statistic == "min":  # min(x) = -max(-x)
            out, argmax = _window_max(-gathered, weights > 0, self.factor)
            out = np.negative(out, out=out)
        else:
            out = _window_sums(gathered * weights[:, :, None], self.factor)
            argmax = None
        if training:  # inference keeps nothing on the layer (thread safety)
            self._order, self._weights, self._shape = order, weights, x.shape
            self._argmax = argmax
        return out

    def backward(self, dout):
        """Spread each window's gradient over the steps it was read from.

        Parameters
        ----------
        dout : ndarray of shape (ceil(T / factor), N, D)
            The gradient of the loss w.r.t. the output of the last training
            pass.

        Returns
        -------
        dx : ndarray of shape (T, N, D) or None
            The gradient w.r.t. the input, zero on padding steps; None when
            ``input_grad`` is false (``dout`` itself if ``factor`` is 1).
        """
        if self.factor == 1:
            return dout
        if not self.input_grad:
            return None
        T = self._shape[0]
        if self.statistic != "mean":  # the window's gradient to its extremum
            W, N, D = dout.shape
            d_windows = np.zeros((W, self.factor, N, D), dout.dtype)
            np.put_along_axis(d_windows, self._argmax[:, None], dout[:, None], 1)
            d_gathered = d_windows.reshape(W * self.factor, N, D)[:T]
            d_gathered *= (self._weights > 0)[:, :, None]
        else:  # each gathered step receives its window's gradient times its share
            d_gathered = np.repeat(dout, self.factor, axis=0)[:T]
            d_gathered *= self._weights[:, :, None]
        if self._order is None:
            return d_gathered
        dx = np.empty_like(d_gathered)
        np.put_along_axis(dx, self._order[:, :, None], d_gathered, axis=0)
        return dx

    def output_mask(self, mask):
        """The windows that hold at least one valid step.

        Parameters
        ----------
        mask : ndarray of shape (T, N) of bool or None
            The mask of the input (None: every step valid).

        Returns
        -------
        ndarray of shape (ceil(T / factor), N) of bool or None
            True on each sequence's first ``ceil(n_valid / factor)`` windows;
            ``mask`` itself if it is None or ``factor`` is 1.
        """
        if mask is None or self.factor == 1:
            return mask
        T = mask.shape[0]
        windows = -(-T // self.factor)
        counts = -(-mask.sum(axis=0) // self.factor)
        return np.arange(windows)[:, None] < counts


def _window_sums(x, factor):
    """Sums of consecutive blocks of ``factor`` steps of ``x`` (T, N, D)."""
    T = x.shape[0]
    windows = -(-T // factor)
    padded = x
    if windows * factor != T:
        padded = np.zeros((windows * factor,) + x.shape[1:], dtype=x.dtype)
        padded[:T] = x
    return padded.reshape(windows, factor, *x.shape[1:]).sum(axis=1)


def _window_max(x, valid, factor):
    """Maxima of consecutive blocks of ``factor`` steps of ``x`` (T, N, D) over
    its ``valid`` (T, N) steps (0 for a block without one), and their
    positions in the block."""
    T, N, D = x.shape
    windows = -(-T // factor)
    padded = np.full((windows * factor, N, D), -np.inf, dtype=x.dtype)
    padded[:T] = np.where(valid[:, :, None], x, -np.inf)
    blocks = padded.reshape(windows, factor, N, D)
    argmax = blocks.argmax(axis=1)  # (W, N, D)
    out = np.take_along_axis(blocks, argmax[:, None], 1)[:, 0]
    out[np.isneginf(out)] = 0.0
    return out, argmax
