"""First-order optimizers that update parameter arrays in place.

Each optimizer's constructor takes every setting; the API they share
(settings, ``state_dict``, lazy row updates) is
:class:`~sklearn_rnn.nn.optimizer_base.Optimizer`'s.  ``step(grads)``
applies one update from the gradients aligned with ``params``.
``OPTIMIZERS`` maps the estimators' ``solver`` names to the classes.

Examples
--------
>>> import numpy as np
>>> from sklearn_rnn.nn.optimizers import OPTIMIZERS
>>> w = np.array([1.0, 2.0])
>>> OPTIMIZERS["adam"]([w], learning_rate_init=0.1).step([np.array([0.5, -3.0])])
>>> w.round(4)                  # Adam's first step: the rate, whatever |grad|
array([0.9, 2.1])
"""

import math

import numpy as np

from .optimizer_base import SCHEDULE, Optimizer, Setting

__all__ = [
    "OPTIMIZERS",
    "SGD",
    "AdaGrad",
    "Adam",
    "Momentum",
    "Optimizer",
    "RMSprop",
    "Rprop",
    "clip_by_global_norm",
]


def _unit(default):
    return Setting(default, 0.0, 1.0, "[)")


def _non_negative(default):
    return Setting(default, 0.0, math.inf, "[)")


#: The rate of the rules whose default is 0.01.
_CENTI_RATE = {
    "learning_rate_init": SCHEDULE["learning_rate_init"]._replace(default=0.01)
}


class SGD(Optimizer):
    """Plain gradient descent: ``p -= lr * g``.

    Each step moves every parameter against its gradient, scaled by the
    learning rate in effect.  It keeps no per-parameter state, so its lazy
    update of row-sparse parameters equals the dense update.

    Parameters
    ----------
    params : list of ndarray
        The arrays to update in place.
    learning_rate_init : float >= 0, default=0.001
        The learning rate of the first epoch.
    learning_rate_decay : float in (0, 1], default=1.0
        Per-epoch factor of the learning rate (see
        :meth:`~sklearn_rnn.nn.optimizer_base.Optimizer.start_epoch`).

    See Also
    --------
    Momentum : Gradient descent with a velocity.
    Adam : Per-weight steps from moment estimates.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_rnn.nn.optimizers import SGD
    >>> w = np.array([1.0, 2.0])
    >>> SGD([w], learning_rate_init=0.1).step([np.array([1.0, -1.0])])
    >>> w
    array([0.9, 2.1])
    """

    def _update(self, param, grad, slots):
        param -= self.learning_rate * grad


class Momentum(Optimizer):
    """Heavy-ball momentum: ``v = mu * v - lr * g; p += v``.

    The velocity ``v`` (the slot ``velocity``, zero at first) accumulates
    the past steps, decayed by ``momentum``: along a direction the gradient
    keeps, the steps grow towards ``lr / (1 - momentum)`` times the gradient.

    Parameters
    ----------
    params : list of ndarray
        The arrays to update in place.
    learning_rate_init : float >= 0, default=0.01
        The learning rate of the first epoch.
    learning_rate_decay : float in (0, 1], default=1.0
        Per-epoch factor of the learning rate (see
        :meth:`~sklearn_rnn.nn.optimizer_base.Optimizer.start_epoch`).
    momentum : float in [0, 1), default=0.9
        The fraction of the velocity kept from one step to the next; 0 is
        plain gradient descent.

    See Also
    --------
    SGD : Without the velocity.
    Adam : Momentum with per-weight scaling.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_rnn.nn.optimizers import Momentum
    >>> w = np.array([1.0, 2.0])
    >>> opt = Momentum([w], learning_rate_init=0.1, momentum=0.5)
    >>> for _ in range(2):
    ...     opt.step([np.array([1.0, -1.0])])
    >>> w                                 # steps of 0.1, then 0.15
    array([0.75, 2.25])
    """

    slots = ("velocity",)
    settings = {**_CENTI_RATE, "momentum": _unit(0.9)}

    def _update(self, param, grad, slots):
        v = slots["velocity"]
        v *= self.momentum
        v -= self.learning_rate * grad
        param += v


class AdaGrad(Optimizer):
    """AdaGrad: ``G += g**2; p -= lr * g / (sqrt(G) + eps)``.

    Each weight's step is divided by the root of the sum of its squared
    gradients so far (the slot ``sum_squares``): weights with large or
    frequent gradients take smaller steps, and every step shrinks over time.

    Parameters
    ----------
    params : list of ndarray
        The arrays to update in place.
    learning_rate_init : float >= 0, default=0.01
        The learning rate of the first epoch.
    learning_rate_decay : float in (0, 1], default=1.0
        Per-epoch factor of the learning rate (see
        :meth:`~sklearn_rnn.nn.optimizer_base.Optimizer.start_epoch`).
    epsilon : float >= 0, default=1e-7
        Added to the root of the sum, against a division by zero.

    See Also
    --------
    RMSprop : A decaying average instead of the sum.
    Adam : With momentum as well.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_rnn.nn.optimizers import AdaGrad
    >>> w = np.array([1.0, 2.0])
    >>> opt = AdaGrad([w], learning_rate_init=0.1)
    >>> for _ in range(2):
    ...     opt.step([np.array([1.0, -1.0])])
    >>> w.round(4)                        # steps of 0.1, then 0.1 / sqrt(2)
    array([0.8293, 2.1707])
    """

    slots = ("sum_squares",)
    settings = {**_CENTI_RATE, "epsilon": _non_negative(1e-7)}

    def _update(self, param, grad, slots):
        acc = slots["sum_squares"]
        acc += grad * grad
        param -= self.learning_rate * grad / (np.sqrt(acc) + self.epsilon)


class RMSprop(Optimizer):
    """RMSprop: ``G = rho G + (1 - rho) g**2; p -= lr * g / (sqrt(G) + eps)``.

    Each weight's step is divided by the root of a decaying average of its
    squared gradients (the slot ``mean_squares``, zero at first and not
    bias-corrected: the first step is ``lr / sqrt(1 - rho)``).  Unlike
    AdaGrad's, the steps do not shrink for ever.

    Parameters
    ----------
    params : list of ndarray
        The arrays to update in place.
    learning_rate_init : float >= 0, default=0.001
        The learning rate of the first epoch.
    learning_rate_decay : float in (0, 1], default=1.0
        Per-epoch factor of the learning rate (see
        :meth:`~sklearn_rnn.nn.optimizer_base.Optimizer.start_epoch`).
    rho : float in [0, 1), default=0.9
        Decay of the average of squared gradients.
    epsilon : float >= 0, default=1e-7
        Added to the root of the average, against a division by zero.

    See Also
    --------
    AdaGrad : The sum of squared gradients instead.
    Adam : With momentum and bias correction.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_rnn.nn.optimizers import RMSprop
    >>> w = np.array([1.0, 2.0])
    >>> opt = RMSprop([w], learning_rate_init=0.1, rho=0.5)
    >>> opt.step([np.array([1.0, -1.0])])
    >>> w.round(4)                          # a step of 0.1 / sqrt(0.5)
    array([0.8586, 2.1414])
    """

    slots = ("mean_squares",)
    settings = {"rho": _unit(0.9), "epsilon": _non_negative(1e-7)}

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

    The moments (the slots ``first_moment`` and ``second_moment``) start at
    zero and ``t`` is :attr:`iterations`, so the first step of each weight
    is ``lr`` times the sign of its gradient.

    Parameters
    ----------
    params : list of ndarray
        The arrays to update in place.
    learning_rate_init : float >= 0, default=0.001
        The learning rate of the first epoch.
    learning_rate_decay : float in (0, 1], default=1.0
        Per-epoch factor of the learning rate (see
        :meth:`~sklearn_rnn.nn.optimizer_base.Optimizer.start_epoch`).
    beta_1 : float in [0, 1), default=0.9
        Decay of the first moment estimate (the mean gradient).
    beta_2 : float in [0, 1), default=0.999
        Decay of the second moment estimate (the mean squared gradient).
    epsilon : float >= 0, default=1e-8
        Added to the root of the second moment, against a division by zero.

    See Also
    --------
    RMSprop : Without momentum nor bias correction.
    Momentum : Momentum without per-weight scaling.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_rnn.nn.optimizers import Adam
    >>> w = np.array([1.0, 2.0])
    >>> opt = Adam([w], learning_rate_init=0.1)
    >>> for _ in range(2):
    ...     opt.step([np.array([10.0, -0.5])])
    >>> w.round(4)                        # steps of lr, whatever the gradient's size
    array([0.8, 2.2])
    """

    slots = ("first_moment", "second_moment")
    settings = {
        "beta_1": _unit(0.9),
        "beta_2": _unit(0.999),
        "epsilon": _non_negative(1e-8),
    }

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
    Meant for full-batch training; each weight's first step is
    ``learning_rate_init``.

    Parameters
    ----------
    params : list of ndarray
        The arrays to update in place.
    learning_rate_init : float >= 0, default=0.01
        The first step of every weight (the slot ``step_size``).
    learning_rate_decay : float in (0, 1], default=1.0
        Accepted for a common signature, but the decay does not apply: the
        steps are the state.
    eta_minus : float in (0, 1), default=0.5
        Factor of a weight's step when its gradient changes sign.
    eta_plus : float > 1, default=1.2
        Factor of a weight's step when its gradient keeps its sign.
    step_min : float > 0, default=1e-6
        The smallest step.
    step_max : float > 0, default=50.0
        The largest step.

    See Also
    --------
    Adam : A stochastic rule whose steps also ignore the gradient's scale.
    SGD : Steps proportional to the gradient.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_rnn.nn.optimizers import Rprop
    >>> w = np.array([1.0, 2.0])
    >>> opt = Rprop([w], learning_rate_init=0.1)
    >>> for _ in range(2):
    ...     opt.step([np.array([3.0, -0.5])])
    >>> w.round(4)                        # steps of 0.1, then 0.1 * eta_plus
    array([0.78, 2.22])
    """

    slots = ("previous_grad", "step_size")
    settings = {
        **_CENTI_RATE,
        "eta_minus": Setting(0.5, 0.0, 1.0, "()"),
        "eta_plus": Setting(1.2, 1.0, math.inf, "()"),
        "step_min": Setting(1e-6, 0.0, math.inf, "()"),
        "step_max": Setting(50.0, 0.0, math.inf, "()"),
    }

    def __init__(self, params, learning_rate_init=None, **settings):
        super().__init__(params, learning_rate_init, **settings)
        for step in self.state["step_size"]:
            step.fill(self.learning_rate_init)

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

    The norm is that of all the gradients' entries together; when it
    exceeds ``max_norm``, every gradient is multiplied by
    ``max_norm / norm``, so the direction of the update is kept.

    Parameters
    ----------
    grads : list of ndarray
        The gradients, scaled in place.
    max_norm : float or None
        ``None`` disables clipping (the norm is still returned).
    rows : dict of int to ndarray, default=None
        Row-sparse gradients (index -> their non-zero rows): only those rows
        are read and scaled.

    Returns
    -------
    float
        The global norm before clipping.

    See Also
    --------
    sklearn_rnn.nn.network.Network.sparse_rows : The ``rows`` of a network.

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
