"""The Elman cell: ``h_t = f(x_t Wx + h_{t-1} Wh + b)``."""

import numpy as np

from .._blas import product
from ..activations import get_activation
from .base import Cell


class SimpleRNNCell(Cell):
    """Elman recurrence ``a_t = x_t Wx + h_{t-1} Wh + b``, ``h_t = f(a_t)``.

    Works in place: the buffer of input terms is the state buffer (each
    ``a_t`` is overwritten by ``h_t``), and the backward pass gets ``f'(a_t)``
    from ``h_t``.  Steps are feature-major (see :mod:`.base`).

    Parameters
    ----------
    input_size, hidden_size : int
    activation : {"tanh", "sigmoid", "relu", "identity"}, default="tanh"
    init, recurrent_init, rng, dtype :
        See :class:`~sklearn_rnn.nn.cells.base.Cell`.

    Examples
    --------
    >>> import numpy as np
    >>> cell = SimpleRNNCell(1, 1, activation="identity", dtype=np.float64)
    >>> cell.kernel[:], cell.recurrent_kernel[:] = 1.0, 1.0
    >>> buffer = lambda name, shape: np.empty(shape)
    >>> xw, states, cache = cell.start(3, 1, buffer, training=False)
    >>> xw[:, 0, 0] = [1.0, 0.0, 1.0]                 # x_t Wx + b of 3 steps
    >>> for t in range(3):
    ...     cell.step(t, xw, states, cache)
    >>> states[0][1:].ravel()                         # counts the ones
    array([1., 1., 2.])
    """

    gates = 1
    state_size = 1
    layer_name = "SimpleRNN"

    def __init__(
        self,
        input_size,
        hidden_size,
        activation="tanh",
        init="xavier",
        recurrent_init="orthogonal",
        rng=None,
        dtype=np.float32,
    ):
        super().__init__(input_size, hidden_size, init, recurrent_init, rng, dtype)
        self.activation = get_activation(activation)

    def __repr__(self):
        return (
            f"SimpleRNNCell(hidden_size={self.hidden_size}, "
            f"activation={self.activation.name!r})"
        )

    def start(self, T, N, buffer, training):
        states = self.zero_states(T, N, buffer)
        # a_t is overwritten by h_t: the input terms live in the states' buffer.
        cache = {"d": buffer("d", (self.hidden_size, N))} if training else {}
        return states[0][1:], states, cache

    def step(self, t, xw, states, cache):
        h = states[0]
        a = h[t + 1]
        product(self.recurrent_kernel.T, h[t], out=a, accumulate=True)
        self.activation.forward(a, out=a)

    def step_batch_major(self, a, h_previous):
        """A step, batch-major: ``a`` (N, H) = x_t Wx + b becomes h_t."""
        product(h_previous, self.recurrent_kernel, out=a, accumulate=True)
        self.activation.forward(a, out=a)

    def activation_derivative(self, h, out=None):
        """``f'(a)`` from the states ``h = f(a)``, any shape (the batch-major
        backward pass takes every step's at once)."""
        return self.activation.derivative(h, out=out)

    def step_backward(self, t, xw, states, cache, d_states, out):
        da = self.activation.derivative(states[0][t + 1], out=cache["d"])
        da *= d_states[0]  # dL/da_t = dL/dh_t f'(a_t)
        return da, da, (product(self.recurrent_kernel, da, out=out[0]),)
