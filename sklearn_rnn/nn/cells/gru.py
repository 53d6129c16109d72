"""The gated recurrent unit (GRU), with PyTorch's equations and gate order."""

import numpy as np
from scipy.special import expit

from .base import Cell


class GRUCell(Cell):
    """GRU cell, as ``torch.nn.GRU`` computes it (gate order r, z, n)::

        r_t = sigmoid(x_t W_ir + b_ir + h_{t-1} W_hr + b_hr)
        z_t = sigmoid(x_t W_iz + b_iz + h_{t-1} W_hz + b_hz)
        n_t = tanh(x_t W_in + b_in + r_t * (h_{t-1} W_hn + b_hn))
        h_t = (1 - z_t) * n_t + z_t * h_{t-1}

    ``kernel`` is ``[W_ir | W_iz | W_in]`` (D, 3H), ``recurrent_kernel``
    ``[W_hr | W_hz | W_hn]`` (H, 3H), ``bias`` the ``b_i*`` and
    ``recurrent_bias`` the ``b_h*`` (each (3H,)): a PyTorch GRU's weights
    copy in as ``kernel = weight_ih_l0.T``, ``recurrent_kernel =
    weight_hh_l0.T``, ``bias = bias_ih_l0``, ``recurrent_bias = bias_hh_l0``.
    The recurrent bias is separate because the reset gate multiplies
    ``h W_hn + b_hn``.

    Parameters
    ----------
    input_size, hidden_size : int
    init, recurrent_init, rng, dtype :
        See :class:`~sklearn_rnn.nn.cells.base.Cell`.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_rnn.nn.layers import Recurrent
    >>> layer = Recurrent(GRUCell(3, 4, rng=np.random.RandomState(0)))
    >>> layer.forward(np.ones((5, 2, 3), dtype=np.float32)).shape
    (5, 2, 4)
    """

    gates = 3
    state_size = 1
    has_recurrent_bias = True
    layer_name = "GRU"

    def start(self, xw):
        T, N, GH = xw.shape
        H = self.hidden_size
        states = (np.empty((T, N, H), dtype=xw.dtype),)
        # xw becomes the gates [r | z | n] of each step; hw keeps h W_h + b_h.
        cache = {
            "gates": xw,
            "hw": np.empty((T, N, GH), dtype=xw.dtype),
            "scratch": np.empty((N, H), dtype=xw.dtype),
        }
        return states, cache

    def step(self, t, xw, states, previous, cache):
        H = self.hidden_size
        gates, hw = xw[t], cache["hw"][t]
        if previous is None:
            hw[...] = self.recurrent_bias  # h_{-1} = 0
        else:
            np.matmul(previous[0], self.recurrent_kernel, out=hw)
            hw += self.recurrent_bias
        rz = gates[:, : 2 * H]
        rz += hw[:, : 2 * H]
        expit(rz, out=rz)
        r, z, n = gates[:, :H], gates[:, H : 2 * H], gates[:, 2 * H :]
        n += np.multiply(r, hw[:, 2 * H :], out=cache["scratch"])
        np.tanh(n, out=n)
        h = states[0][t]
        if previous is None:  # h = n - z n
            np.multiply(z, n, out=h)
            np.subtract(n, h, out=h)
        else:  # h = n + z (h_prev - n)
            np.subtract(previous[0], n, out=h)
            h *= z
            h += n

    def prepare_backward(self, xw, states, cache, d_input):
        # The gates' local derivatives for all steps at once: r(1-r), z(1-z), 1-n².
        H = self.hidden_size
        gates = cache["gates"]
        np.subtract(1.0, gates, out=d_input)
        d_input[:, :, : 2 * H] *= gates[:, :, : 2 * H]
        d_input[:, :, 2 * H :] *= np.add(1.0, gates[:, :, 2 * H :])  # (1 - n)(1 + n)

    def step_backward(self, t, states, cache, d_states, d_input, d_recurrent, out):
        H = self.hidden_size
        dh = d_states[0]
        gates, hw = cache["gates"][t], cache["hw"][t]
        r, z, n = gates[:, :H], gates[:, H : 2 * H], gates[:, 2 * H :]
        d = d_input[t]
        scratch = cache["scratch"]
        da_n = d[:, 2 * H :]  # dL/d(pre-activation of n)
        da_n *= np.subtract(1.0, z, out=scratch)
        da_n *= dh
        da_z = d[:, H : 2 * H]
        if t == 0:
            da_z *= np.negative(n, out=scratch)
        else:
            da_z *= np.subtract(states[0][t - 1], n, out=scratch)
        da_z *= dh
        da_r = d[:, :H]
        da_r *= da_n
        da_r *= hw[:, 2 * H :]
        rec = d_recurrent[t]  # [da_r | da_z | da_n r]
        rec[:, : 2 * H] = d[:, : 2 * H]
        np.multiply(da_n, r, out=rec[:, 2 * H :])
        dh_previous = np.matmul(rec, self.recurrent_kernel.T, out=out[0])
        dh_previous += np.multiply(dh, z, out=scratch)
        return (dh_previous,)
