"""The Elman cell: ``h_t = f(x_t Wx + h_{t-1} Wh + b)``."""

import numpy as np

from ..activations import get_activation
from .base import Cell


class SimpleRNNCell(Cell):
    """Elman recurrence ``a_t = x_t Wx + h_{t-1} Wh + b``, ``h_t = f(a_t)``.

    Works in place: the buffer of input terms becomes the states (each
    ``a_t`` is overwritten by ``h_t``), and the backward pass gets ``f'(a_t)``
    from ``h_t`` for every step in one vectorised pass before the loop.

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
    >>> xw = np.array([[[1.0]], [[0.0]], [[1.0]]])     # x_t Wx + b of 3 steps
    >>> states, cache = cell.start(xw)
    >>> for t in range(3):
    ...     cell.step(t, xw, states, None if t == 0 else (states[0][t - 1],), cache)
    >>> states[0].ravel()                             # counts the ones
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

    def start(self, xw):
        # a_t is overwritten by h_t: the input terms' buffer holds the states.
        return (xw,), {"recurrent": np.empty(xw.shape[1:], dtype=xw.dtype)}

    def step(self, t, xw, states, previous, cache):
        a = xw[t]
        if previous is not None:
            a += np.matmul(previous[0], self.recurrent_kernel, out=cache["recurrent"])
        self.activation.forward(a, out=a)

    def prepare_backward(self, xw, states, cache, d_input):
        self.activation.derivative(states[0], out=d_input)  # f'(a_t) of all steps

    def step_backward(self, t, states, cache, d_states, d_input, d_recurrent, out):
        da = d_input[t]
        da *= d_states[0]  # dL/da_t = dL/dh_t f'(a_t)
        return (np.matmul(da, self.recurrent_kernel.T, out=out[0]),)
