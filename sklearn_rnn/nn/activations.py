"""Element-wise activation functions.

Each activation is a pair of functions: ``forward(a, out)`` computes
``h = f(a)`` and ``derivative(h, out)`` computes ``f'(a)`` *from the output*
``h``.  Expressing the derivative through the output is what lets BPTT keep
only the hidden states (never the pre-activations) in memory: for tanh
``f' = 1 - h**2``, for the logistic sigmoid ``f' = h (1 - h)``, for ReLU
``f' = [h > 0]`` and for the identity ``f' = 1``.

Examples
--------
>>> import numpy as np
>>> from sklearn_rnn.nn.activations import get_activation
>>> tanh = get_activation("tanh")
>>> h = tanh.forward(np.array([0.0, 1.0]))
>>> np.round(tanh.derivative(h), 6)
array([1.      , 0.419974])
"""

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from scipy.special import expit


def _identity(a, out=None):
    if out is None:
        return a.copy()
    np.copyto(out, a)
    return out


def sigmoid(a, out=None):
    """The logistic function ``1 / (1 + exp(-a))``, never overflowing.

    float32 goes through ``0.5 * tanh(0.5 * a) + 0.5``: numpy's float32
    ``tanh`` is vectorised and scipy's ``expit`` is not, so on a block of
    gates the four ufunc calls take about a quarter of ``expit``'s time.
    The result is within 6.0e-8 of the exact value over all float32 inputs
    tried (one float32 ulp of values in [0.5, 1); scipy's float32 ``expit``:
    8.9e-8), and always in [0, 1].  The bound is absolute, not relative:
    ``sigmoid(-20)`` is 0 instead of 2e-9.

    float64 is ``1 / (1 + exp(-a))`` itself, four vectorised ufuncs (less
    than half of ``expit``'s time on the GRU's gates): within 2.1 ulps
    (relative) of ``expit`` everywhere; ``exp(-a)`` overflows to infinity
    for ``a < -709.78``, and ``1 / (1 + inf)`` is the exact 0.  Other
    dtypes use ``expit``.
    """
    if a.dtype == np.float64:
        out = np.negative(a, out=out)
        with np.errstate(over="ignore"):
            np.exp(out, out=out)
        out += 1.0
        return np.divide(1.0, out, out=out)
    if a.dtype != np.float32:
        return expit(a, out=out)
    out = np.multiply(a, np.float32(0.5), out=out)
    np.tanh(out, out=out)
    out *= np.float32(0.5)
    out += np.float32(0.5)
    return out


def _relu(a, out=None):
    return np.maximum(a, 0.0, out=out)


def _identity_derivative(h, out=None):
    if out is None:
        return np.ones_like(h)
    out.fill(1.0)
    return out


def _sigmoid_derivative(h, out=None):
    out = np.subtract(1.0, h, out=out)
    out *= h
    return out


def _tanh_derivative(h, out=None):
    out = np.multiply(h, h, out=out)
    np.subtract(1.0, out, out=out)
    return out


def _relu_derivative(h, out=None):
    if out is None:
        return (h > 0).astype(h.dtype)
    return np.greater(h, 0.0, out=out, casting="unsafe")


@dataclass(frozen=True)
class Activation:
    """An activation function with its derivative expressed through its output.

    Parameters
    ----------
    name : str
        Public name, as accepted by :func:`get_activation`.
    forward : callable
        ``forward(a, out=None) -> h``.
    derivative : callable
        ``derivative(h, out=None) -> f'(a)`` where ``h = forward(a)``.
    """

    name: str
    forward: Callable
    derivative: Callable


ACTIVATIONS = {
    "identity": Activation("identity", _identity, _identity_derivative),
    "sigmoid": Activation("sigmoid", sigmoid, _sigmoid_derivative),
    "tanh": Activation("tanh", np.tanh, _tanh_derivative),
    "relu": Activation("relu", _relu, _relu_derivative),
}


def get_activation(name):
    """Return the :class:`Activation` called ``name``.

    Parameters
    ----------
    name : {"identity", "sigmoid", "tanh", "relu"}

    Returns
    -------
    Activation
    """
    try:
        return ACTIVATIONS[name]
    except KeyError:
        raise ValueError(
            f"Unknown activation {name!r}; expected one of {sorted(ACTIVATIONS)}."
        ) from None


def log_softmax(z, axis=-1):
    """Numerically stable ``log(softmax(z))`` (shifts by the row maximum).

    Examples
    --------
    >>> import numpy as np
    >>> np.exp(log_softmax(np.array([[1e4, 0.0]]))).round(6)
    array([[1., 0.]])
    """
    shifted = z - z.max(axis=axis, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=axis, keepdims=True))


def softmax(z, axis=-1):
    """Numerically stable softmax along ``axis``.

    Examples
    --------
    >>> import numpy as np
    >>> softmax(np.array([[-1e4, 1e4, 0.0]]))
    array([[0., 1., 0.]])
    """
    shifted = z - z.max(axis=axis, keepdims=True)
    e = np.exp(shifted)
    e /= e.sum(axis=axis, keepdims=True)
    return e


def log_sigmoid(z):
    """Numerically stable ``log(sigmoid(z)) = -log(1 + exp(-z))``.

    Examples
    --------
    >>> import numpy as np
    >>> log_sigmoid(np.array([-1e4, 0.0, 1e4])).round(6) + 0.0
    array([-1.00000e+04, -6.93147e-01,  0.00000e+00])
    """
    return -np.logaddexp(0.0, -z)
