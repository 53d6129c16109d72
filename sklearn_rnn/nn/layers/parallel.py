"""Branches that read the same input side by side, their outputs concatenated."""

import numpy as np

from ..naming import role_names
from .base import Layer
from .sequential import backward_layers, run_layers


class Parallel(Layer):
    """Run every branch (a list of layers) on the input; concatenate their outputs.

    The outputs are concatenated along the feature axis, as LSTM-FCN and
    GRU-FCN (Karim et al. 2017; Elsayed et al. 2018) run a recurrent branch
    and a convolutional one beside each other.  Every branch must give
    outputs of the same leading shape: ``(N, F_b)`` when each ends in a
    pooling, or ``(T, N, F_b)`` over the same steps.  Backward, the gradient
    is split by branch and the branches' input gradients are summed.

    Parameters
    ----------
    branches : dict of str to list of Layer
        The branches by name, in the order their outputs are concatenated.
        An empty branch passes the input through.

    Attributes
    ----------
    params, grads, buffers : list of ndarray
        Every branch's, in order.
    param_names, buffer_names : tuple of str
        Role names (see :mod:`sklearn_rnn.nn.naming`), e.g. ``"conv.0.kernel"``.

    See Also
    --------
    Bidirectional : Two recurrent layers side by side, one reading backward.
    Downsample : Run once per statistic in parallel branches.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_rnn.nn.layers import Dense, MeanPooling
    >>> rng = np.random.RandomState(0)
    >>> both = Parallel({"mean": [MeanPooling()],
    ...                  "dense": [MeanPooling(), Dense(3, 2, rng=rng)]})
    >>> both.forward(np.ones((4, 5, 3), dtype=np.float32)).shape    # (T, N, D) in
    (5, 5)
    """

    def __init__(self, branches):
        super().__init__()
        self.branches = {name: list(layers) for name, layers in branches.items()}
        every = self.sublayers()
        self.params = [p for layer in every for p in layer.params]
        self.grads = [g for layer in every for g in layer.grads]
        self.buffers = [b for layer in every for b in layer.buffers]
        self.param_names, self.buffer_names = map(tuple, role_names(every))
        self._widths = None
        self.input_grad = True

    def __repr__(self):
        return (
            "Parallel("
            + ", ".join(
                f"{name}=[{', '.join(map(repr, layers))}]"
                for name, layers in self.branches.items()
            )
            + ")"
        )

    @property
    def input_grad(self):
        """Whether :meth:`backward` returns the input's gradient.

        Setting it sets the first layer of every branch alike.
        """
        return self._input_grad

    @input_grad.setter
    def input_grad(self, value):
        self._input_grad = value
        for layers in self.branches.values():
            if layers:  # an empty branch passes its input through
                layers[0].input_grad = value

    def sublayers(self):
        """Every branch's layers.

        Returns
        -------
        list of Layer
            The layers of the branches, branch after branch, each in order.
        """
        return [layer for layers in self.branches.values() for layer in layers]

    def forward(self, x, mask=None, training=False):
        """Run every branch on ``x``; concatenate their outputs.

        Parameters
        ----------
        x : ndarray of shape (T, N, D)
            The input every branch reads.
        mask : ndarray of shape (T, N) of bool, default=None
            The input's mask, passed to each branch (and updated along it by
            each layer's :meth:`~Layer.output_mask`).
        training : bool, default=False
            Whether this is a training pass (the branches then keep their
            caches, and this layer the widths of their outputs).

        Returns
        -------
        out : ndarray of shape (N, F) or (T, N, F)
            The branches' outputs side by side, ``F`` the sum of their
            widths.
        """
        outputs = [
            run_layers(layers, x, mask, training) for layers in self.branches.values()
        ]
        if training:  # inference keeps nothing on the layer (thread safety)
            self._widths = [out.shape[-1] for out in outputs]
        return np.concatenate(outputs, axis=-1)

    def backward(self, dout):
        """Backpropagate each branch's share of ``dout``; sum their input gradients.

        Parameters
        ----------
        dout : ndarray of the shape of the last training pass's output
            The gradient of the loss w.r.t. that output; its features are
            split by branch width.

        Returns
        -------
        dx : ndarray of shape (T, N, D) or None
            The sum of the branches' input gradients, or None when
            ``input_grad`` is false (the branches' weight gradients are still
            written).
        """
        if not self.input_grad and not self.params:
            return None
        splits = np.cumsum(self._widths)[:-1]
        dx = None
        for layers, d in zip(self.branches.values(), np.split(dout, splits, axis=-1)):
            d_branch = backward_layers(layers, np.ascontiguousarray(d))
            if d_branch is not None and self.input_grad:
                dx = d_branch if dx is None else dx + d_branch
        return dx if self.input_grad else None

    def output_mask(self, mask):
        """The mask of the first branch's output (all branches agree).

        Parameters
        ----------
        mask : ndarray of shape (T, N) of bool or None
            The mask of the input.

        Returns
        -------
        ndarray of bool or None
            The mask after the first branch's layers: None once they pool
            the steps away.
        """
        for layer in next(iter(self.branches.values())):
            mask = layer.output_mask(mask)
        return mask
