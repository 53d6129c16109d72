"""The long short-term memory cell (LSTM), with PyTorch's equations and gate order."""

import numpy as np
from scipy.special import expit

from .base import Cell


class LSTMCell(Cell):
    """LSTM cell, as ``torch.nn.LSTM`` computes it (gate order i, f, g, o)::

        i_t = sigmoid(x_t W_ii + h_{t-1} W_hi + b_i)
        f_t = sigmoid(x_t W_if + h_{t-1} W_hf + b_f)
        g_t = tanh(x_t W_ig + h_{t-1} W_hg + b_g)
        o_t = sigmoid(x_t W_io + h_{t-1} W_ho + b_o)
        c_t = f_t * c_{t-1} + i_t * g_t
        h_t = o_t * tanh(c_t)

    The states are ``(h, c)``, both zero before the first step.
    ``kernel`` is ``[W_ii | W_if | W_ig | W_io]`` (D, 4H), ``recurrent_kernel``
    the ``W_h*`` likewise (H, 4H), and ``bias`` (4H,) is PyTorch's
    ``bias_ih_l0 + bias_hh_l0`` (two biases added to the same sum are one
    parameter). The forget gate's bias starts at 1, as in Keras
    (``unit_forget_bias``), so that the cell remembers from the start.

    Parameters
    ----------
    input_size, hidden_size : int
    init, recurrent_init, rng, dtype :
        See :class:`~sklearn_rnn.nn.cells.base.Cell`.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_rnn.nn.layers import Recurrent
    >>> layer = Recurrent(LSTMCell(3, 4, rng=np.random.RandomState(0)))
    >>> layer.forward(np.ones((5, 2, 3), dtype=np.float32)).shape
    (5, 2, 4)
    """

    gates = 4
    state_size = 2
    layer_name = "LSTM"

    def __init__(
        self,
        input_size,
        hidden_size,
        init="xavier",
        recurrent_init="orthogonal",
        rng=None,
        dtype=np.float32,
    ):
        super().__init__(input_size, hidden_size, init, recurrent_init, rng, dtype)
        self.bias[hidden_size : 2 * hidden_size] = 1.0

    def start(self, xw):
        T, N, _ = xw.shape
        H = self.hidden_size
        states = (
            np.empty((T, N, H), dtype=xw.dtype),
            np.empty((T, N, H), dtype=xw.dtype),
        )
        # xw becomes the gates [i | f | g | o] of each step.
        cache = {
            "gates": xw,
            "tanh_c": np.empty((T, N, H), dtype=xw.dtype),
            "recurrent": np.empty(xw.shape[1:], dtype=xw.dtype),
            "scratch": np.empty((N, H), dtype=xw.dtype),
        }
        return states, cache

    def step(self, t, xw, states, previous, cache):
        H = self.hidden_size
        a = xw[t]
        if previous is not None:
            a += np.matmul(previous[0], self.recurrent_kernel, out=cache["recurrent"])
        expit(a[:, : 2 * H], out=a[:, : 2 * H])
        np.tanh(a[:, 2 * H : 3 * H], out=a[:, 2 * H : 3 * H])
        expit(a[:, 3 * H :], out=a[:, 3 * H :])
        i, f, g, o = (a[:, k * H : (k + 1) * H] for k in range(4))
        c = states[1][t]
        np.multiply(i, g, out=c)
        if previous is not None:
            c += np.multiply(f, previous[1], out=cache["scratch"])
        tanh_c = np.tanh(c, out=cache["tanh_c"][t])
        np.multiply(o, tanh_c, out=states[0][t])

    def prepare_backward(self, xw, states, cache, d_input):
        # The gates' local derivatives for all steps at once: s(1-s) of the
        # sigmoid gates i, f, o and 1-g² = (1-g)(1+g) of g.
        H = self.hidden_size
        gates = cache["gates"]
        np.subtract(1.0, gates, out=d_input)
        d_input[:, :, : 2 * H] *= gates[:, :, : 2 * H]
        d_input[:, :, 2 * H : 3 * H] *= np.add(1.0, gates[:, :, 2 * H : 3 * H])
        d_input[:, :, 3 * H :] *= gates[:, :, 3 * H :]

    def step_backward(self, t, states, cache, d_states, d_input, d_recurrent, out):
        H = self.hidden_size
        dh, dc = d_states
        gates, tanh_c = cache["gates"][t], cache["tanh_c"][t]
        i, f, g, o = (
            gates[:, :H],
            gates[:, H : 2 * H],
            gates[:, 2 * H : 3 * H],
            gates[:, 3 * H :],
        )
        d = d_input[t]
        d[:, 3 * H :] *= dh  # dL/d(pre-activation of o)
        d[:, 3 * H :] *= tanh_c
        # dL/dc_t in full: carried + through h_t = o tanh(c_t)
        dc_total = np.multiply(tanh_c, tanh_c, out=out[1])
        np.subtract(1.0, dc_total, out=dc_total)
        dc_total *= o
        dc_total *= dh
        dc_total += dc
        d[:, :H] *= dc_total  # i
        d[:, :H] *= g
        if t == 0:
            d[:, H : 2 * H] = 0.0  # f multiplies c_{-1} = 0
        else:
            d[:, H : 2 * H] *= dc_total
            d[:, H : 2 * H] *= states[1][t - 1]
        d[:, 2 * H : 3 * H] *= dc_total  # g
        d[:, 2 * H : 3 * H] *= i
        dh_previous = np.matmul(d, self.recurrent_kernel.T, out=out[0])
        dc_total *= f  # dL/dc_{t-1}
        return (dh_previous, dc_total)
