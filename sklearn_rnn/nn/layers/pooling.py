"""Many-to-one pooling of a sequence of states ``(T, N, F)`` into ``(N, F)``.

All three poolings look only at valid (non-padding) steps:

- :class:`LastStatePooling`: the final state (a recurrent layer carries its
  state through padding, so the state at the last step is the state after
  the last real step);
- :class:`MeanPooling`: the mean over valid steps;
- :class:`MaxPooling`: the feature-wise maximum over valid steps.

A sequence with no valid step pools to zeros.
"""

import numpy as np

from .base import Layer


class LastStatePooling(Layer):
    """The final state of each sequence.

    Reads ``x[-1]`` of ``(T, N, F)`` states, ``(N, F)``, ignoring the mask: a
    recurrent layer carries its state through padding steps, so its last
    step holds the state after the last valid one (pre- and post-padding
    alike).  Below a :class:`Bidirectional` layer, the backward direction's
    features are read at step 0, where its final state sits.  In inference
    a recurrent layer below it computes only its last state.

    Parameters
    ----------
    n_forward_features : int or None, default=None
        For a bidirectional layer below: features from this index on belong
        to the backward direction, whose final state is at time step 0.

    See Also
    --------
    MeanPooling : The mean over the valid steps.
    MaxPooling : The feature-wise maximum over the valid steps.

    Examples
    --------
    >>> import numpy as np
    >>> x = np.arange(12.0).reshape(3, 2, 2)   # (T, N, F)
    >>> LastStatePooling().forward(x)
    array([[ 8.,  9.],
           [10., 11.]])
    >>> LastStatePooling(n_forward_features=1).forward(x)
    array([[ 8.,  1.],
           [10.,  3.]])
    """

    keeps_steps = False  # its output has no time steps, hence no mask

    _dx = None  # zero gradient buffer, reused between calls

    def __init__(self, n_forward_features=None):
        super().__init__()
        self.split = n_forward_features

    def forward(self, x, mask=None, training=False):
        """The states of the last step (and of step 0 for backward features).

        Parameters
        ----------
        x : ndarray of shape (T, N, F)
            The states of a recurrent layer.
        mask : ndarray of shape (T, N) of bool, default=None
            Unused (the recurrent layer has carried its state over padding).
        training : bool, default=False
            Whether to keep the input's shape for :meth:`backward`.

        Returns
        -------
        out : ndarray of shape (N, F)
            ``x[-1]``, or ``x[-1]`` up to ``n_forward_features`` and ``x[0]``
            from there on.
        """
        if training:  # inference keeps nothing on the layer (thread safety)
            self.shape, self.dtype = x.shape, x.dtype
        if self.split is None:
            return x[-1].copy()
        return np.concatenate([x[-1, :, : self.split], x[0, :, self.split :]], axis=-1)

    def backward(self, dout):
        """Place ``dout`` at the steps read; zeros elsewhere.

        Parameters
        ----------
        dout : ndarray of shape (N, F)
            The gradient of the loss w.r.t. the output of the last training
            pass.

        Returns
        -------
        dx : ndarray of shape (T, N, F)
            The gradient w.r.t. the input, returned whatever ``input_grad``
            is; an array the layer reuses, which the caller must not
            write to.
        """
        # Only the last (and first) step receive a gradient; the zeros around
        # them are kept from one call to the next instead of being allocated
        # anew.  The layer below must therefore not write into ``dx``.
        dx = self._dx
        if dx is None or dx.shape != self.shape or dx.dtype != self.dtype:
            dx = self._dx = np.zeros(self.shape, dtype=self.dtype)
        if self.split is None:
            dx[-1] = dout
        else:
            dx[-1, :, : self.split] = dout[:, : self.split]
            dx[0, :, self.split :] = dout[:, self.split :]
        return dx


class MeanPooling(Layer):
    """Mean of the states over valid steps.

    Reduces ``(T, N, F)`` states to ``(N, F)``: each sequence's mean over its
    valid steps (the steps where ``mask`` is true, or all of them), 0 for a
    sequence without one.  The gradient is shared equally by the valid
    steps.

    See Also
    --------
    LastStatePooling : The final state.
    MaxPooling : The feature-wise maximum over the valid steps.

    Examples
    --------
    >>> import numpy as np
    >>> x = np.array([[[1.0]], [[3.0]], [[100.0]]])          # (T=3, N=1, F=1)
    >>> MeanPooling().forward(x, mask=np.array([[True], [True], [False]]))
    array([[2.]])
    """

    keeps_steps = False  # its output has no time steps, hence no mask

    def forward(self, x, mask=None, training=False):
        """Average each sequence's states over its valid steps.

        Parameters
        ----------
        x : ndarray of shape (T, N, F)
            Time-major states.
        mask : ndarray of shape (T, N) of bool, default=None
            False on padding steps, left out of the mean.
        training : bool, default=False
            Whether to keep the steps' weights for :meth:`backward`.

        Returns
        -------
        out : ndarray of shape (N, F)
            The means, 0 for a sequence without a valid step.
        """
        T = x.shape[0]
        if mask is None:
            weights = np.full((T, x.shape[1], 1), 1.0 / T, dtype=x.dtype)
        else:
            counts = np.maximum(mask.sum(axis=0), 1)
            weights = (mask / counts).astype(x.dtype)[:, :, None]
        if training:  # inference keeps nothing on the layer (thread safety)
            self.weights = weights
        return np.einsum("tnf,tni->nf", x, weights)

    def backward(self, dout):
        """Share ``dout`` equally among each sequence's valid steps.

        Parameters
        ----------
        dout : ndarray of shape (N, F)
            The gradient of the loss w.r.t. the output of the last training
            pass.

        Returns
        -------
        dx : ndarray of shape (T, N, F)
            ``dout / n_valid`` on the valid steps, 0 on padding; returned
            whatever ``input_grad`` is.
        """
        return self.weights * dout[None]


class MaxPooling(Layer):
    """Feature-wise maximum of the states over valid steps.

    Reduces ``(T, N, F)`` states to ``(N, F)``: for each sequence and
    feature, the largest value over the valid steps (0 for a sequence
    without one).  The gradient goes to the step that holds the maximum (the
    first one, on ties).

    See Also
    --------
    LastStatePooling : The final state.
    MeanPooling : The mean over the valid steps.

    Examples
    --------
    >>> import numpy as np
    >>> x = np.array([[[1.0]], [[3.0]], [[100.0]]])
    >>> MaxPooling().forward(x, mask=np.array([[True], [True], [False]]))
    array([[3.]])
    """

    keeps_steps = False  # its output has no time steps, hence no mask

    def forward(self, x, mask=None, training=False):
        """Take each sequence's feature-wise maximum over its valid steps.

        Parameters
        ----------
        x : ndarray of shape (T, N, F)
            Time-major states.
        mask : ndarray of shape (T, N) of bool, default=None
            False on padding steps, left out of the maximum.
        training : bool, default=False
            Whether to keep the positions of the maxima for :meth:`backward`.

        Returns
        -------
        out : ndarray of shape (N, F)
            The maxima, 0 for a sequence without a valid step.
        """
        shape = x.shape
        if mask is not None:
            x = np.where(mask[:, :, None], x, -np.inf)
        argmax = x.argmax(axis=0)  # (N, F)
        out = np.take_along_axis(x, argmax[None], axis=0)[0]
        empty = np.isneginf(out)  # no valid step
        out[empty] = 0.0
        if training:  # inference keeps nothing on the layer (thread safety)
            self.shape, self.argmax, self.empty = shape, argmax, empty
        return out

    def backward(self, dout):
        """Route ``dout`` to the steps that held the maxima.

        Parameters
        ----------
        dout : ndarray of shape (N, F)
            The gradient of the loss w.r.t. the output of the last training
            pass.

        Returns
        -------
        dx : ndarray of shape (T, N, F)
            ``dout`` at each maximum's step, 0 elsewhere; returned whatever
            ``input_grad`` is.
        """
        dx = np.zeros(self.shape, dtype=dout.dtype)
        np.put_along_axis(
            dx, self.argmax[None], np.where(self.empty, 0.0, dout)[None], axis=0
        )
        return dx


POOLINGS = {"last": LastStatePooling, "mean": MeanPooling, "max": MaxPooling}
