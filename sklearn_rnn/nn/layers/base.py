"""The protocol every layer follows.

A layer owns ``params`` (a list of arrays) and ``grads`` (a list of arrays of
the same shapes, in the same order).  ``forward`` caches what ``backward``
needs; ``backward(dout)`` *overwrites* ``grads`` with the gradients of the
loss summed over the batch (it never updates a parameter) and returns the
gradient with respect to the layer's input, or ``None`` when
``input_grad`` is false (the first layer of a network needs none).

Sequence tensors are time-major: ``(T, N, D)`` = (time steps, batch, features);
``mask`` is ``None`` (every step valid) or a boolean ``(T, N)`` array that is
false on padding steps.
"""

import numpy as np


class Layer:
    """Base class of the engine's layers.

    Attributes
    ----------
    params : list of ndarray
        Trainable parameters, updated in place by an optimizer.
    grads : list of ndarray
        Gradients aligned with ``params``, overwritten by :meth:`backward`.
    buffers : list of ndarray
        Non-trainable state that training passes update and inference reads
        (batch normalisation's running statistics; Keras' non-trainable
        weights, PyTorch's buffers), saved and restored with the weights.
    input_grad : bool
        Whether :meth:`backward` must return the gradient w.r.t. the input.
    """

    input_grad = True
    #: Names of ``params``, in order (model files and gradient checks use them).
    param_names = ()
    #: Names of ``buffers``, in order.
    buffer_names = ()
    #: What the weights are for, in the network's role names
    #: (``"rnn"``, ``"conv"``, ``"head"``...; see :mod:`sklearn_rnn.nn.naming`);
    #: None for layers without weights.
    role = None
    #: True if the gradient is zero outside ``gradient_rows`` (embeddings):
    #: optimizers then update only those rows.
    row_sparse = False
    #: Array attributes kept across calls besides params and grads.
    _persistent_arrays = ()
    #: Attributes holding the last pass's caches (left out of pickles).
    _caches = ()

    def __init__(self):
        self.params = []
        self.grads = []
        self.buffers = []

    def forward(self, x, mask=None, training=False):
        """Compute the layer's output for input ``x``."""
        raise NotImplementedError

    def backward(self, dout):
        """Store parameter gradients in ``grads``; return ``dL/dx`` or None."""
        raise NotImplementedError

    def output_mask(self, mask):
        """The mask of this layer's output, given the mask of its input."""
        return mask

    def sublayers(self):
        """The layers this one runs (a container's branches); none by default."""
        return ()

    def torch_parameters(self):
        """The weights and buffers under the names of the layer's PyTorch
        counterpart, as views of its own arrays (each layer documents the
        mapping); none by default."""
        return {}

    def load_torch_parameters(self, parameters):
        """Copy in arrays named as :meth:`torch_parameters` names them."""
        for name, own in self.torch_parameters().items():
            np.copyto(own, parameters[name])

    @property
    def name(self):
        """The layer's name (its class's; a recurrent layer's, its cell's)."""
        return type(self).__name__

    def __repr__(self):
        shapes = ", ".join(
            f"{name}={tuple(p.shape)}" for name, p in zip(self.param_names, self.params)
        )
        return f"{type(self).__name__}({shapes})"

    def __getstate__(self):
        """Pickle parameters, gradients and settings, not the caches and
        workspaces of the last pass (they are rebuilt by the next forward)."""
        kept = {id(a) for a in self.params + self.grads + self.buffers}
        return {
            key: value
            for key, value in self.__dict__.items()
            if key not in self._caches
            and (
                not isinstance(value, np.ndarray)
                or id(value) in kept
                or key in self._persistent_arrays
            )
        }
