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

    Parameters
    ----------
    params : list of ndarray
        The arrays to update in place.
    learning_rate : float
    """

    #: Names of the per-parameter state slots, each a list aligned with params.
    slots = ()

    def __init__(self, params, learning_rate=0.001):
        self.params = list(params)
        self.learning_rate = learning_rate
        self.iterations = 0
        self.state = {name: [np.zeros_like(p) for p in self.params] for name in self.slots}

    def step(self, grads):
        """Update every parameter in place from its gradient."""
        self.iterations += 1
        for i, (param, grad) in enumerate(zip(self.params, grads)):
            self._update(i, param, grad)

    def _update(self, i, param, grad):
        raise NotImplementedError

    def get_state(self):
        """Return a deep copy of the optimizer state."""
        return {
            "iterations": self.iterations,
            "slots": {name: [a.copy() for a in arrays] for name, arrays in self.state.items()},
        }

    def set_state(self, state):
        """Restore a state returned by :meth:`get_state` (copied in place)."""
        self.iterations = state["iterations"]
        for name, arrays in state["slots"].items():
            for dst, src in zip(self.state[name], arrays):
                np.copyto(dst, src)


class SGD(Optimizer):
    """Plain gradient descent: ``p -= lr * g``."""

    def _update(self, i, param, grad):
        param -= self.learning_rate * grad


class Momentum(Optimizer):
    """Heavy-ball momentum: ``v = mu * v - lr * g; p += v``."""

    slots = ("velocity",)

    def __init__(self, params, learning_rate=0.01, momentum=0.9):
        super().__init__(params, learning_rate)
        self.momentum = momentum

    def _update(self, i, param, grad):
        v = self.state["velocity"][i]
        v *= self.momentum
        v -= self.learning_rate * grad
        param += v


class AdaGrad(Optimizer):
    """AdaGrad: ``G += g**2; p -= lr * g / (sqrt(G) + eps)``."""

    slots = ("sum_squares",)

    def __init__(self, params, learning_rate=0.01, epsilon=1e-7):
        super().__init__(params, learning_rate)
        self.epsilon = epsilon

    def _update(self, i, param, grad):
        acc = self.state["sum_squares"][i]
        acc += grad * grad
        param -= self.learning_rate * grad / (np.sqrt(acc) + self.epsilon)


class RMSprop(Optimizer):
    """RMSprop: ``G = rho G + (1 - rho) g**2; p -= lr * g / (sqrt(G) + eps)``."""

    slots = ("mean_squares",)

    def __init__(self, params, learning_rate=0.001, rho=0.9, epsilon=1e-7):
        super().__init__(params, learning_rate)
        self.rho = rho
        self.epsilon = epsilon

    def _update(self, i, param, grad):
        acc = self.state["mean_squares"][i]
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

    def __init__(self, params, learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-8):
        super().__init__(params, learning_rate)
        self.beta_1 = beta_1
        self.beta_2 = beta_2
        self.epsilon = epsilon

    def _update(self, i, param, grad):
        m = self.state["first_moment"][i]
        v = self.state["second_moment"][i]
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

    def __init__(self, params, learning_rate=0.01, eta_minus=0.5, eta_plus=1.2,
                 step_min=1e-6, step_max=50.0):
        super().__init__(params, learning_rate)
        self.eta_minus, self.eta_plus = eta_minus, eta_plus
        self.step_min, self.step_max = step_min, step_max
        for step in self.state["step_size"]:
            step.fill(learning_rate)

    def _update(self, i, param, grad):
        previous = self.state["previous_grad"][i]
        step = self.state["step_size"][i]
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


def clip_by_global_norm(grads, max_norm):
    """Scale ``grads`` in place so their joint L2 norm is at most ``max_norm``.

    Parameters
    ----------
    grads : list of ndarray
    max_norm : float or None
        ``None`` disables clipping (the norm is still returned).

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
    norm = float(np.sqrt(sum(np.dot(g.ravel(), g.ravel()) for g in grads)))
    if max_norm is not None and norm > max_norm:
        scale = max_norm / norm
        for g in grads:
            g *= scale
    return norm
