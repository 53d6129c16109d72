"""A stack of layers with a loss on top."""

import copy

import numpy as np

from .layers import Embedding, LastStatePooling, Recurrent


class Network:
    """Layers applied in order, then a loss on the last layer's logits.

    Parameters
    ----------
    layers : list of Layer
    loss : loss object from :mod:`sklearn_rnn.nn.losses`
    alpha : float, default=0.0
        L2 penalty ``0.5 * alpha * ||W||**2`` on the weight matrices of the
        recurrent and dense layers (not on biases nor embedding tables).

    Attributes
    ----------
    params, grads : list of ndarray
        All layers' parameters and gradients, aligned.
    param_names : list of str
        ``"<layer index>.<LayerClass>.<weight name>"`` of each parameter,
        e.g. ``"0.SimpleRNN.recurrent_kernel"``.

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
        self.param_names = [
            f"{i}.{layer.name}.{name}"
            for i, layer in enumerate(self.layers)
            for name in layer.param_names
        ]
        starts = np.cumsum([0] + [len(layer.params) for layer in self.layers])
        self._row_sparse = [
            (int(start), layer)
            for start, layer in zip(starts, self.layers)
            if layer.row_sparse
        ]
        # The L2 penalty covers weight matrices, not biases nor embedding tables
        # (whose gradient is row-sparse: a dense penalty would touch every row).
        self._penalized = [
            (p, g)
            for layer in self.layers
            if not isinstance(layer, Embedding)
            for p, g in zip(layer.params, layer.grads)
            if p.ndim == 2
        ]

    def __repr__(self):
        layers = "".join(f"\n  ({i}) {layer!r}" for i, layer in enumerate(self.layers))
        return (
            f"Network({layers}\n  loss={type(self.loss).__name__}, alpha={self.alpha})"
        )

    def with_params(self, params):
        """This network for inference with ``params`` (aligned with ``params``)
        in place of its own: its layers (and their cells, and sub-layers) are
        shallow copies in which every attribute that is one of this
        network's parameters (or a layer), or a list or tuple holding them,
        refers to its replacement.  Nothing is copied; the copy must only
        predict (its training caches and gradients are this network's).

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
        copies = {}

        def replaced(value):
            if id(value) in swap:
                return swap[id(value)]
            if isinstance(value, (list, tuple)):  # params; (param, grad) pairs
                return type(value)(replaced(item) for item in value)
            if hasattr(value, "params"):  # a layer or a cell
                if id(value) not in copies:
                    clone = copies[id(value)] = copy.copy(value)
                    for key, item in list(vars(clone).items()):
                        setattr(clone, key, replaced(item))
                return copies[id(value)]
            return value

        return replaced(self)

    def named_params(self):
        """The parameters by name: ``{"0.SimpleRNN.kernel": array, ...}`` (the arrays
        themselves, not copies)."""
        return dict(zip(self.param_names, self.params))

    @property
    def sparse_rows(self):
        """Row-sparse parameters after a backward pass: index -> rows with a gradient.

        An optimizer and the clipping update only those rows (see
        :class:`~sklearn_rnn.nn.optimizers.Optimizer`).
        """
        return {start: layer.gradient_rows for start, layer in self._row_sparse}

    def forward(self, x, mask=None, training=False):
        """Logits for input ``x`` (time-major for sequences)."""
        return self._run(self.layers, x, mask, training)

    def features(self, x, mask=None):
        """The input of the output layer (the estimators' ``transform``)."""
        return self._run(self.layers[:-1], x, mask)

    @staticmethod
    def _run(layers, x, mask, training=False):
        """Apply ``layers``.  In inference a recurrent layer followed by a
        last-state pooling computes only its last state (see
        :meth:`Recurrent.forward`): B256 T100 D32 H64 float32 prediction,
        one thread, on the Xeon of ``benchmarks/README.md``: LSTM 26.7 ->
        21.2 ms, GRU 21.3 -> 18.4 ms, SimpleRNN 4.5 -> 4.4 ms (medians)."""
        for k, layer in enumerate(layers):
            following = layers[k + 1] if k + 1 < len(layers) else None
            if (
                not training
                and isinstance(layer, Recurrent)
                and isinstance(following, LastStatePooling)
                and following.split is None
            ):
                x = layer.forward(x, mask, last_only=True)
            else:
                x = layer.forward(x, mask, training)
            mask = layer.output_mask(mask)
        return x

    def backward(self, dout):
        """Backpropagate ``dL/dlogits`` through every layer, filling ``grads``."""
        for layer in reversed(self.layers):
            dout = layer.backward(dout)

    def predict(self, x, mask=None):
        """Output-layer predictions (probabilities or regression values)."""
        logits = self.forward(x, mask)
        return self.loss.predict(logits.reshape(-1, logits.shape[-1])).reshape(
            logits.shape
        )

    def loss_and_gradients(self, x, target, weights, mask=None):
        """One training forward/backward pass; returns the (penalised) loss.

        ``weights`` holds one weight per row of the loss: per sample, or per
        (time step, sample) for sequence outputs, zero on padding.
        """
        logits = self.forward(x, mask, training=True)
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
