"""A stack of layers with a loss on top."""

import copy

import numpy as np

from .layers import Embedding
from .layers.sequential import backward_layers, run_layers
from .naming import role_names


class Network:
    """Layers applied in order, then a loss on the last layer's logits.

    The network gathers its layers' parameters and gradients into two
    aligned lists (what an optimizer updates), runs the forward and backward
    passes, and adds an optional L2 penalty to the loss and the gradients.
    Sequences are time-major, ``(T, N, D)``, with an optional boolean
    ``(T, N)`` mask that is false on padding steps.

    Parameters
    ----------
    layers : list of Layer
        The layers, applied in order; the last one gives the logits.  The
        first one computes no gradient for its input.
    loss : SoftmaxCrossEntropy, SigmoidBinaryCrossEntropy or SquaredError
        The loss on the logits (see :mod:`sklearn_rnn.nn.losses`); its
        ``predict`` gives the outputs of :meth:`predict`.
    alpha : float, default=0.0
        L2 penalty ``0.5 * alpha * ||W||**2`` on the weight matrices of the
        recurrent and dense layers (not on biases nor embedding tables).

    Attributes
    ----------
    params, grads : list of ndarray
        All layers' parameters and gradients, aligned.
    param_names, buffer_names : list of str
        The role name of each parameter and buffer (see
        :mod:`sklearn_rnn.nn.naming`), e.g. ``"rnn.0.recurrent_kernel"``,
        ``"head.0.bias"``.

    See Also
    --------
    build_network : The networks of the estimators, from plain arguments.
    check_network_gradients : Check the gradients by finite differences.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_rnn.nn.layers import Dense
    >>> from sklearn_rnn.nn.losses import SquaredError
    >>> net = Network([Dense(1, 1, dtype=np.float64)], SquaredError())
    >>> net.params[0][:] = 2.0
    >>> net.loss_and_gradients(np.array([[1.0]]), np.array([[1.0]]), np.ones(1))
    0.5
    >>> net.grads[0]
    array([[1.]])
    """

    def __init__(self, layers, loss, alpha=0.0):
        self.layers = list(layers)
        self.loss = loss
        self.alpha = alpha
        self.layers[0].input_grad = False
        self.params = [p for layer in self.layers for p in layer.params]
        self.grads = [g for layer in self.layers for g in layer.grads]
        self.buffers = [b for layer in self.layers for b in layer.buffers]
        # Layers whose training statistics weigh the samples (batch norm).
        self._batch_statistics = [
            layer for layer in self.walk() if hasattr(layer, "sample_weight")
        ]
        self.param_names, self.buffer_names = role_names(self.layers)
        starts = np.cumsum([0] + [len(layer.params) for layer in self.layers])
        self._row_sparse = [
            (int(start), layer)
            for start, layer in zip(starts, self.layers)
            if layer.row_sparse
        ]
        # The L2 penalty covers weight matrices and convolution kernels, not
        # biases, normalisation scales nor embedding tables (whose gradient is
        # row-sparse: a dense penalty would touch every row).
        self._penalized = [
            (p, g)
            for layer in self.layers
            if not isinstance(layer, Embedding)
            for p, g in zip(layer.params, layer.grads)
            if p.ndim >= 2
        ]

    def __repr__(self):
        layers = "".join(f"\n  ({i}) {layer!r}" for i, layer in enumerate(self.layers))
        return (
            f"Network({layers}\n  loss={type(self.loss).__name__}, alpha={self.alpha})"
        )

    def walk(self):
        """Iterate over every layer, those inside containers included.

        A container (:class:`~sklearn_rnn.nn.layers.Parallel`) comes before
        the layers it holds (depth first, in order).

        Yields
        ------
        Layer
            Each layer of the network.
        """
        pending = list(reversed(self.layers))
        while pending:
            layer = pending.pop()
            yield layer
            pending.extend(reversed(list(layer.sublayers())))

    def with_params(self, params, buffers=None):
        """Return this network for inference with other weights.

        The copy's layers (and their cells, and sub-layers) are shallow
        copies in which every attribute that is one of this network's
        parameters or buffers (or a layer), or a list, tuple or dict holding
        them, refers to its replacement.  Nothing is copied; the copy must
        only predict (its training caches and gradients are this network's).

        Parameters
        ----------
        params : list of ndarray
            The weights of the copy, aligned with :attr:`params` (the same
            shapes).
        buffers : list of ndarray, default=None
            Its buffers, aligned with :attr:`buffers`; None keeps this
            network's.

        Returns
        -------
        Network
            The copy; this network is unchanged.

        Examples
        --------
        >>> from sklearn_rnn.nn import SquaredError, build_network
        >>> net = build_network(1, 1, SquaredError(), hidden_size=2, dtype=np.float64)
        >>> other = net.with_params([param + 1 for param in net.params])
        >>> x = np.ones((3, 1, 1))               # 3 steps of 1 sequence
        >>> float(net.predict(x)[0, 0]) != float(other.predict(x)[0, 0])
        True
        >>> other.layers[0].cell.kernel is other.params[0] is not net.params[0]
        True
        """
        swap = {id(old): new for old, new in zip(self.params, params)}
        if buffers is not None:
            swap.update((id(old), new) for old, new in zip(self.buffers, buffers))
        copies = {}

        def replaced(value):
            if id(value) in swap:
                return swap[id(value)]
            if isinstance(value, (list, tuple)):  # params; (param, grad) pairs
                return type(value)(replaced(item) for item in value)
            if isinstance(value, dict):  # a container's branches
                return {key: replaced(item) for key, item in value.items()}
            if hasattr(value, "params"):  # a layer or a cell
                if id(value) not in copies:
                    clone = copies[id(value)] = copy.copy(value)
                    for key, item in list(vars(clone).items()):
                        setattr(clone, key, replaced(item))
                return copies[id(value)]
            return value

        return replaced(self)

    def named_params(self):
        """Return the parameters by name.

        Returns
        -------
        dict of str to ndarray
            ``{"rnn.0.kernel": array, ...}``, in the order of :attr:`params`
            (the arrays themselves, not copies).
        """
        return dict(zip(self.param_names, self.params))

    def named_buffers(self):
        """Return the non-trainable state by name.

        Returns
        -------
        dict of str to ndarray
            Batch normalisation's running statistics,
            ``{"conv.0.norm.running_mean": array, ...}`` (the arrays
            themselves; empty without batch normalisation).
        """
        return dict(zip(self.buffer_names, self.buffers))

    @property
    def sparse_rows(self):
        """Row-sparse parameters after a backward pass: index -> rows with a gradient.

        An optimizer and the clipping update only those rows (see
        :class:`~sklearn_rnn.nn.optimizers.Optimizer`).
        """
        return {start: layer.gradient_rows for start, layer in self._row_sparse}

    def forward(self, x, mask=None, training=False):
        """Compute the logits of input ``x``.

        Parameters
        ----------
        x : ndarray
            The input: ``(T, N, D)`` sequences (``(T, N)`` token ids with an
            embedding layer), or ``(N, D)`` for a network of dense layers.
        mask : ndarray of shape (T, N) of bool, default=None
            False on padding steps; None if every step is valid.
        training : bool, default=False
            A training pass: the layers keep what :meth:`backward` needs,
            dropout is active and batch normalisation uses the batch's
            statistics.

        Returns
        -------
        ndarray
            The last layer's output: ``(N, n_outputs)``, or
            ``(T, N, n_outputs)`` for a many-to-many network.
        """
        return run_layers(self.layers, x, mask, training)

    def features(self, x, mask=None):
        """Compute the input of the output layer (the estimators' ``transform``).

        Parameters
        ----------
        x : ndarray
            The input: ``(T, N, D)`` sequences (``(T, N)`` token ids with an
            embedding layer), or ``(N, D)`` for a network of dense layers.
        mask : ndarray of shape (T, N) of bool, default=None
            False on padding steps; None if every step is valid.

        Returns
        -------
        ndarray
            The output of every layer but the last, in inference:
            ``(N, n_features)``, or ``(T, N, n_features)`` for a many-to-many
            network.
        """
        return run_layers(self.layers[:-1], x, mask)

    def backward(self, dout):
        """Backpropagate ``dL/dlogits`` through every layer, filling ``grads``.

        Parameters
        ----------
        dout : ndarray
            The gradient of the loss with respect to the logits of the last
            training :meth:`forward` pass, shaped like them.
        """
        backward_layers(self.layers, dout)

    def predict(self, x, mask=None):
        """Compute the outputs: probabilities or regression values.

        Parameters
        ----------
        x : ndarray
            The input: ``(T, N, D)`` sequences (``(T, N)`` token ids with an
            embedding layer), or ``(N, D)`` for a network of dense layers.
        mask : ndarray of shape (T, N) of bool, default=None
            False on padding steps; None if every step is valid.

        Returns
        -------
        ndarray
            The loss's ``predict`` of the logits, shaped like them:
            ``(N, n_outputs)`` or ``(T, N, n_outputs)``.
        """
        logits = self.forward(x, mask)
        return self.loss.predict(logits.reshape(-1, logits.shape[-1])).reshape(
            logits.shape
        )

    def loss_and_gradients(self, x, target, weights, mask=None):
        """Run one training forward and backward pass, filling ``grads``.

        Parameters
        ----------
        x : ndarray
            The input: ``(T, N, D)`` sequences (``(T, N)`` token ids with an
            embedding layer), or ``(N, D)`` for a network of dense layers.
        target : ndarray
            The targets, one row per row of the loss: ``(N,)`` class indices
            (softmax cross-entropy) or ``(N, n_outputs)`` values, with a
            leading ``T`` axis for a many-to-many network.
        weights : ndarray of shape (N,) or (T, N)
            One weight per row of the loss: per sample, or per (time step,
            sample) for sequence outputs, zero on padding.  Their sum must
            be positive.
        mask : ndarray of shape (T, N) of bool, default=None
            False on padding steps; None if every step is valid.

        Returns
        -------
        float
            The weighted mean loss, plus the L2 penalty if ``alpha`` is set.
        """
        for layer in self._batch_statistics:  # weighted batch statistics
            layer.sample_weight = weights
        try:
            logits = self.forward(x, mask, training=True)
        finally:
            for layer in self._batch_statistics:
                layer.sample_weight = None
        n_outputs = logits.shape[-1]
        rows = weights.size
        loss, dlogits = self.loss.loss_and_gradient(
            logits.reshape(rows, n_outputs),
            target.reshape((rows,) + target.shape[weights.ndim :]),
            weights.ravel(),
        )
        self.backward(dlogits.reshape(logits.shape))
        if self.alpha:
            for param, grad in self._penalized:
                loss += 0.5 * self.alpha * float(np.dot(param.ravel(), param.ravel()))
                grad += self.alpha * param
        return loss
