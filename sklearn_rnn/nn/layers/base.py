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

    A layer maps a batch to a batch: :meth:`forward` computes its output
    (and, in a training pass, caches what :meth:`backward` needs), and
    :meth:`backward` turns dL/d(output) into the gradients of the layer's
    weights, written to ``grads``, and dL/d(input), returned.  Sequences are
    time-major ``(T, N, D)`` arrays with an optional boolean ``(T, N)`` mask
    that is false on padding steps (see the module docstring).  A subclass
    sets ``params`` and ``grads`` in its ``__init__`` and implements
    :meth:`forward` and :meth:`backward`; the other methods have defaults.

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

    See Also
    --------
    Dense : A fully connected layer, the simplest with weights.
    Recurrent : The recurrent loop over a cell.
    sklearn_rnn.nn.Network : Runs a list of layers and its loss.

    Examples
    --------
    A layer without weights that doubles its input:

    >>> import numpy as np
    >>> class Double(Layer):
    ...     def forward(self, x, mask=None, training=False):
    ...         return 2 * x
    ...
    ...     def backward(self, dout):
    ...         return 2 * dout if self.input_grad else None
    >>> layer = Double()
    >>> x = np.ones((3, 2, 1))                       # (T, N, D)
    >>> layer.forward(x, training=True)[:, 0, 0]
    array([2., 2., 2.])
    >>> layer.backward(np.ones((3, 2, 1)))[:, 0, 0]
    array([2., 2., 2.])
    >>> layer.params, layer.output_mask(None), layer.torch_parameters()
    ([], None, {})
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
    #: False for a layer whose output has no time steps (pooling,
    #: flattening): its output has no mask (see :meth:`output_mask`).
    keeps_steps = True
    #: Array attributes kept across calls besides params and grads.
    _persistent_arrays = ()
    #: Attributes holding the last pass's caches (left out of pickles).
    _caches = ()

    def __init__(self):
        self.params = []
        self.grads = []
        self.buffers = []

    def forward(self, x, mask=None, training=False):
        """Compute the layer's output for input ``x``.

        Parameters
        ----------
        x : ndarray
            The input: a time-major batch of sequences ``(T, N, D)``, or an
            ``(N, D)`` batch for the layers that read one.
        mask : ndarray of shape (T, N) of bool, default=None
            False on the padding steps of ``x``; None if every step is valid.
        training : bool, default=False
            Whether this is a training pass: only then does the layer keep
            what :meth:`backward` needs (an inference pass writes nothing to
            the layer, so that several may run at once).

        Returns
        -------
        out : ndarray
            The layer's output.
        """
        raise NotImplementedError

    def backward(self, dout):
        """Backpropagate through the last training pass.

        Overwrites ``grads`` with the gradients of the loss w.r.t. ``params``,
        summed over the batch; it never updates a parameter.

        Parameters
        ----------
        dout : ndarray
            The gradient of the loss w.r.t. the output of the last
            :meth:`forward` call made with ``training=True``, of its shape.

        Returns
        -------
        dx : ndarray or None
            The gradient of the loss w.r.t. that call's input, of its shape,
            or None when ``input_grad`` is false (the first layer of a
            network needs none).
        """
        raise NotImplementedError

    def output_mask(self, mask):
        """The mask of this layer's output, given the mask of its input.

        Parameters
        ----------
        mask : ndarray of shape (T, N) of bool or None
            The mask of the input (None: every step valid).

        Returns
        -------
        ndarray of bool or None
            The mask of the output: ``mask`` itself for a layer that keeps
            the steps of its input, None for one that pools or flattens
            them away (``keeps_steps`` false), whose output has no steps.
        """
        return mask if self.keeps_steps else None

    def sublayers(self):
        """The layers this one runs (a container's branches).

        Returns
        -------
        sequence of Layer
            The layers inside this one, in order; empty by default.
        """
        return ()

    def torch_parameters(self):
        """The weights and buffers under the names of the PyTorch counterpart.

        Returns
        -------
        dict of str to ndarray
            The layer's arrays under the names of the ``state_dict`` of its
            PyTorch counterpart, as views of its own arrays where the layouts
            allow it (each layer documents the mapping); empty by default.
        """
        return {}

    def load_torch_parameters(self, parameters):
        """Copy in arrays named as :meth:`torch_parameters` names them.

        Parameters
        ----------
        parameters : dict of str to array-like
            An array for every name of :meth:`torch_parameters`, of the
            shape given there (other names are ignored).
        """
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
