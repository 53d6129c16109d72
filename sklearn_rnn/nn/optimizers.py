"""First-order optimizers that update parameter arrays in place.

An optimizer is built on the list of parameter arrays it owns; its state
(velocities, squared-gradient averages, step sizes...) is a list of arrays
aligned with those parameters, so the whole state can be copied and restored
(:meth:`Optimizer.get_state` / :meth:`Optimizer.set_state`).  ``step(grads)``
applies one update from the gradients aligned with ``params``.

Examples
--------
>>> import numpy as np
>>> from sklearn_rnn.nn.optimizers import SGD
>>> w = np.array([1.0, 2.0])
>>> SGD([w], learning_rate=0.1).step([np.array([1.0, -1.0])])
>>> w
array([0.9, 2.1])
"""

import numpy as np


class Optimizer:
    """Base class: owns ``params`` and per-parameter state slots.

    Row-sparse parameters (embedding tables, whose gradient is zero outside
    the rows a batch used) are updated lazily: ``step(grads, rows={i: r})``
    updates only rows ``r`` of parameter ``i`` and of its state slots; the
    other rows keep their weights *and* their state, as PyTorch's
    ``SparseAdam`` and TensorFlow's ``LazyAdam`` do.  For SGD this equals the
    dense update; for the stateful optimizers it differs in that an absent
    row's momentum neither decays nor moves it.  It is what makes a step cost
    follow the batch, not the table (a 2**21-row table has 256 MiB of weights
    and 512 MiB of Adam moments).

    Parameters
    ----------
    params : list of ndarray
        The arrays to update in place.
    learning_rate : float
    """

    #: Names of the per-parameter state slots, each a list aligned with params.
    slots = ()

    #: Per-epoch exponential decay of the learning rate (see :meth:`start_epoch`).
    decay = 1.0

    def __init__(self, params, learning_rate=0.001):
        self.params = list(params)
        self.learning_rate = self.initial_learning_rate = learning_rate
        self.iterations = 0
        # np.zeros (calloc): the slots of an embedding table's rows never
        # updated take no memory.
        self.state = {
            name: [np.zeros(p.shape, p.dtype) for p in self.params]
            for name in self.slots
        }

    def start_epoch(self, epoch):
        """Set the learning rate of epoch ``epoch`` (counted from 0).

        ``initial_learning_rate * decay**epoch``: PyTorch's ``ExponentialLR``;
        ``decay = 1`` keeps it constant.
        """
        self.learning_rate = self.initial_learning_rate * self.decay**epoch

    def step(self, grads, rows=None):
        """Update every parameter in place from its gradient.

        Parameters
        ----------
        grads : list of ndarray
            Aligned with ``params``.
        rows : dict of int to ndarray, default=None
            For row-sparse parameters, index -> the rows to update (the rest
            of that gradient is taken to be zero).
        """
        rows = rows or {}
        self.iterations += 1
        for i, (param, grad) in enumerate(zip(self.params, grads)):
            slots = {name: arrays[i] for name, arrays in self.state.items()}
            if i not in rows:
                self._update(param, grad, slots)
                continue
            r = rows[i]  # update compact copies of the rows, then write back
            compact = {name: slot[r] for name, slot in slots.items()}
            values = param[r]
            self._update(values, grad[r], compact)
            param[r] = values
            for name, slot in slots.items():
                slot[r] = compact[name]

    def _update(self, param, grad, slots):
        """Update ``param`` (and the arrays of ``slots``) in place."""
        raise NotImplementedError

    def get_state(self):
        """Return a deep copy of the optimizer state."""
        return {
            "iterations": self.iterations,
            "slots": {
                name: [a.copy() for a in arrays] for name, arrays in self.state.items()
            },
        }

    def set_state(self, state):
        """Restore a state returned by :meth:`get_state` (copied in place)."""
        self.iterations = state["iterations"]
        for name, arrays in state["slots"].items():
            for dst, src in zip(self.state[name], arrays):
                np.copyto(dst, src)


class SGD(Optimizer):
    """Plain gradient descent: ``p -= lr * g``."""

    def _update(self, param, grad, slots):
        param -= self.learning_rate * grad


class Momentum(Optimizer):
    """Heavy-ball momentum: ``v = mu * v - lr * g; p += v``."""

    slots = ("velocity",)

    def __init__(self, params, learning_rate=0.01, momentum=0.9):
        super().__init__(params, learning_rate)
        self.momentum = momentum

    def _update(self, param, grad, slots):
        v = slots["velocity"]
        v *= self.momentum
        v -= self.learning_rate * grad
        param += v


class AdaGrad(Optimizer):
    """AdaGrad: ``G += g**2; p -= lr * g / (sqrt(G) + eps)``."""

    slots = ("sum_squares",)

    def __init__(self, params, learning_rate=0.01, epsilon=1e-7):
        super().__init__(params, learning_rate)
        self.epsilon = epsilon

    def _update(self, param, grad, slots):
        acc = slots["sum_squares"]
        acc += grad * grad
        param -= self.learning_rate * grad / (np.sqrt(acc) + self.epsilon)


class RMSprop(Optimizer):
    """RMSprop: ``G = rho G + (1 - rho) g**2; p -= lr * g / (sqrt(G) + eps)``."""

    slots = ("mean_squares",)

    def __init__(self, params, learning_rate=0.001, rho=0.9, epsilon=1e-7):
        super().__init__(params, learning_rate)
        self.rho = rho
        self.epsilon = epsilon

    def _update(self, param, grad, slots):
        acc = slots["mean_squares"]
        acc *= self.rho
        acc += (1.0 - self.rho) * grad * grad
        param -= self.learning_rate * grad / (np.sqrt(acc) + self.epsilon)


class Adam(Optimizer):
    """Adam (Kingma & Ba, 2015) with bias-corrected moment estimates.

    ``m = b1 m + (1-b1) g; v = b2 v + (1-b2) g**2;
    p -= lr * m_hat / (sqrt(v_hat) + eps)`` with
    ``m_hat = m / (1 - b1**t)``, ``v_hat = v / (1 - b2**t)``.
    """

    slots = ("first_moment", "second_moment")

    def __init__(
        self, params, learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-8
    ):
        super().__init__(params, learning_rate)
        self.beta_1 = beta_1
        self.beta_2 = beta_2
        self.epsilon = epsilon

    def _update(self, param, grad, slots):
        m, v = slots["first_moment"], slots["second_moment"]
        m *= self.beta_1
        m += (1.0 - self.beta_1) * grad
        v *= self.beta_2
        v += (1.0 - self.beta_2) * grad * grad
        t = self.iterations
        m_hat = m / (1.0 - self.beta_1**t)
        v_hat = v / (1.0 - self.beta_2**t)
        param -= self.learning_rate * m_hat / (np.sqrt(v_hat) + self.epsilon)


class Rprop(Optimizer):
    """Resilient backpropagation (iRprop-, as ``torch.optim.Rprop``).

    Uses only the sign of the gradient: each weight's step grows by
    ``eta_plus`` while its gradient keeps its sign and shrinks by
    ``eta_minus`` when the sign flips (and that weight then skips one update).
    Meant for full-batch training.
    """

    slots = ("previous_grad", "step_size")

    def __init__(
        self,
        params,
        learning_rate=0.01,
        eta_minus=0.5,
        eta_plus=1.2,
        step_min=1e-6,
        step_max=50.0,
    ):
        super().__init__(params, learning_rate)
        self.eta_minus, self.eta_plus = eta_minus, eta_plus
        self.step_min, self.step_max = step_min, step_max
        for step in self.state["step_size"]:
            step.fill(learning_rate)

    def _update(self, param, grad, slots):
        previous, step = slots["previous_grad"], slots["step_size"]
        agreement = np.sign(grad * previous)
        step[agreement > 0] *= self.eta_plus
        step[agreement < 0] *= self.eta_minus
        np.clip(step, self.step_min, self.step_max, out=step)
        grad = np.where(agreement < 0, 0.0, grad).astype(param.dtype, copy=False)
        param -= np.sign(grad) * step
        np.copyto(previous, grad)


OPTIMIZERS = {
    "sgd": SGD,
    "momentum": Momentum,
    "adagrad": AdaGrad,
    "rmsprop": RMSprop,
    "adam": Adam,
    "rprop": Rprop,
}


def clip_by_global_norm(grads, max_norm, rows=None):
    """Scale ``grads`` in place so their joint L2 norm is at most ``max_norm``.

    Parameters
    ----------
    grads : list of ndarray
    max_norm : float or None
        ``None`` disables clipping (the norm is still returned).
    rows : dict of int to ndarray, default=None
        Row-sparse gradients (index -> their non-zero rows): only those rows
        are read and scaled.

    Returns
    -------
    float
        The global norm before clipping.

    Examples
    --------
    >>> import numpy as np
    >>> g = [np.array([3.0]), np.array([4.0])]
    >>> clip_by_global_norm(g, 1.0), g
    (5.0, [array([0.6]), array([0.8])])
    """
    rows = rows or {}
    parts = [g[rows[i]] if i in rows else g for i, g in enumerate(grads)]
    norm = float(np.sqrt(sum(np.dot(p.ravel(), p.ravel()) for p in parts)))
    if max_norm is not None and norm > max_norm:
        scale = max_norm / norm
        for i, g in enumerate(grads):
            if i in rows:
                g[rows[i]] *= scale
            else:
                g *= scale
    return norm
