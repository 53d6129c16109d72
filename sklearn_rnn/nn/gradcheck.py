"""Finite-difference checks of analytic gradients (use float64 networks)."""

import numpy as np

from .layers import Dropout


def numerical_gradient(loss_fn, param, eps=1e-6):
    """Central-difference gradient of ``loss_fn()`` with respect to ``param``.

    ``param`` is perturbed in place, one entry at a time, and restored.

    Examples
    --------
    >>> import numpy as np
    >>> w = np.array([3.0])
    >>> numerical_gradient(lambda: float(w[0] ** 2), w).round(6)
    array([6.])
    """
    grad = np.zeros(param.shape, dtype=np.float64)
    flat, flat_grad = param.reshape(-1), grad.reshape(-1)
    for i in range(flat.size):
        original = flat[i]
        flat[i] = original + eps
        plus = loss_fn()
        flat[i] = original - eps
        minus = loss_fn()
        flat[i] = original
        flat_grad[i] = (plus - minus) / (2 * eps)
    return grad


def relative_error(analytic, numeric):
    """``||a - n|| / (||a|| + ||n||)``, 0 when both are zero."""
    denominator = np.linalg.norm(analytic) + np.linalg.norm(numeric)
    if denominator == 0:
        return 0.0
    return float(np.linalg.norm(analytic - numeric) / denominator)


def check_network_gradients(network, x, target, weights, mask=None, eps=1e-6):
    """Compare a network's backpropagated gradients with finite differences.

    Each parameter entry is perturbed by ``+eps`` and ``-eps`` in turn, and
    the central difference of the loss compared with the gradient of
    :meth:`~sklearn_rnn.nn.Network.loss_and_gradients`.  Dropout masks are
    replayed identically for every loss evaluation.  Two loss evaluations
    per weight: meant for small networks.

    Parameters
    ----------
    network : Network
        Should use float64 parameters: float32 finite differences are noise.
    x : ndarray
        The input, as for :meth:`~sklearn_rnn.nn.Network.loss_and_gradients`.
    target : ndarray
        The targets, likewise.
    weights : ndarray
        The weight of each row of the loss, likewise.
    mask : ndarray of shape (T, N) of bool, default=None
        False on padding steps; None if every step is valid.
    eps : float, default=1e-6
        The perturbation of each parameter entry.

    Returns
    -------
    list of float
        The relative error of each parameter's gradient, aligned with
        ``network.params``; below about 1e-6 means the gradient is right.

    See Also
    --------
    sklearn_rnn.nn.Network.loss_and_gradients : The gradients checked.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_rnn.nn import SquaredError, build_network
    >>> from sklearn_rnn.nn import check_network_gradients
    >>> rng = np.random.RandomState(0)
    >>> net = build_network(2, 1, SquaredError(), cell="gru", hidden_size=3,
    ...                     rng=rng, dtype=np.float64)
    >>> x, y = rng.randn(4, 5, 2), rng.randn(5, 1)       # T=4, N=5
    >>> errors = check_network_gradients(net, x, y, np.ones(5))
    >>> len(errors) == len(net.params), max(errors) < 1e-6
    (True, True)
    """
    dropouts = [layer for layer in network.walk() if isinstance(layer, Dropout)]
    rng_states = [layer.rng.get_state() for layer in dropouts]

    def loss_fn():
        for layer, state in zip(dropouts, rng_states):
            layer.rng.set_state(state)
        return network.loss_and_gradients(x, target, weights, mask)

    loss_fn()
    analytic = [g.copy() for g in network.grads]
    errors = []
    for param, grad in zip(network.params, analytic):
        errors.append(relative_error(grad, numerical_gradient(loss_fn, param, eps)))
    loss_fn()  # leave the network's caches and grads as an ordinary pass would
    return errors
