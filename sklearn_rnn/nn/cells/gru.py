"""The gated recurrent unit (GRU), with PyTorch's equations and gate order."""

import numpy as np

from .._blas import product
from ..activations import sigmoid
from .base import Cell


class GRUCell(Cell):
    """GRU cell, as ``torch.nn.GRU`` computes it (gate order r, z, n).

    The equations of a step::

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
    input_size : int
        Features per time step, ``D``.
    hidden_size : int
        Units of the state, ``H``.
    init : str, default="xavier"
        Initializer of ``kernel``.
    recurrent_init : str, default="orthogonal"
        Initializer of ``recurrent_kernel``, one (H, H) block per gate.
    rng : numpy.random.RandomState, default=None
        Source of the initial weights; None is ``RandomState(0)``.
    dtype : numpy dtype, default=np.float32
        Data type of the weights.

    See Also
    --------
    sklearn_rnn.nn.cells.base.Cell : The contract of a cell.
    LSTMCell : The other gated cell, with a memory state beside ``h``.

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

    def start(self, T, N, buffer, training):
        """Return the buffers of one pass: input terms, states and cache.

        Parameters
        ----------
        T : int
            Time steps of the pass.
        N : int
            Sequences of the batch.
        buffer : callable
            ``buffer(name, shape)`` returns an array of the pass's dtype
            (contents undefined).
        training : bool
            Whether a backward pass follows (else nothing is kept for it).

        Returns
        -------
        xw : ndarray of shape (T, 3H, N)
            Receives the input terms ``x_t @ kernel + bias`` of every
            step (it is the cache's ``gates``: a step's input terms become
            its gate values ``[r | z | n]``).
        states : tuple of ndarray
            The states ``(h,)``, ``h`` of shape (T + 1, H, N) with
            ``h[0]`` zero.
        cache : dict
            Scratch arrays and, per step (with ``training``), the
            recurrent terms ``h W_h + b_h``.
        """
        H = self.hidden_size
        # xw becomes the gates [r | z | n] of each step; hw keeps h W_h + b_h
        # (the backward pass needs its n block).
        cache = {
            "gates": buffer("gates", (T, 3 * H, N)),
            "hw": buffer("hw", (T if training else 1, 3 * H, N)),
            "scratch": buffer("scratch", (2, H, N)),
            # b_h as a full (3H, N) array (see the loop's bias)
            "recurrent_bias": buffer("recurrent_bias", (3 * H, N)),
        }
        cache["recurrent_bias"][...] = self.recurrent_bias[:, None]
        if training:
            cache["d_input"] = buffer("d_input", (3 * H, N))
            cache["d_recurrent"] = buffer("d_recurrent", (3 * H, N))
        return cache["gates"], self.zero_states(T, N, buffer), cache

    def step(self, t, xw, states, cache):
        """Compute step ``t``: write the states after it.

        Parameters
        ----------
        t : int
            The step, from 0.
        xw : ndarray
            The input terms of :meth:`start`, with step ``t``'s filled
            in; ``xw[t]`` becomes the gate values ``[r | z | n]``.
        states : tuple of ndarray
            The states of :meth:`start`; ``states[k][t]`` is read and
            ``states[k][t + 1]`` written.
        cache : dict
            The cache of :meth:`start`.
        """
        H = self.hidden_size
        h_previous = states[0][t]
        gates, hw = xw[t], cache["hw"][t % len(cache["hw"])]
        product(self.recurrent_kernel.T, h_previous, out=hw)
        hw += cache["recurrent_bias"]
        rz = gates[: 2 * H]
        rz += hw[: 2 * H]
        sigmoid(rz, out=rz)
        r, z, n = gates[:H], gates[H : 2 * H], gates[2 * H :]
        n += np.multiply(r, hw[2 * H :], out=cache["scratch"][0])
        np.tanh(n, out=n)
        h = states[0][t + 1]  # h = n + z (h_prev - n)
        np.subtract(h_previous, n, out=h)
        h *= z
        h += n

    def step_backward(self, t, xw, states, cache, d_states, out):
        """Backpropagate through step ``t`` (after its forward pass).

        Parameters
        ----------
        t : int
            The step, from 0.
        xw : ndarray
            The input terms of :meth:`start`, as the forward pass left them.
        states : tuple of ndarray
            The states of the forward pass.
        cache : dict
            The cache of :meth:`start` (with ``training``).
        d_states : tuple of ndarray
            The gradient ``(dL/dh_t,)`` with respect to the state after
            step ``t``, of shape (H, N).
        out : tuple of ndarray
            Arrays of the same shapes, into which the gradients with respect
            to the states before step ``t`` are written.

        Returns
        -------
        d_input : ndarray of shape (3H, N)
            The gradient dL/d(input terms of step ``t``).
        d_recurrent : ndarray of shape (3H, N)
            The gradient dL/d(recurrent terms ``h W_h + b_h`` of step
            ``t``); its ``n`` block is ``d_input``'s times ``r``.
        d_previous : tuple of ndarray
            The gradient ``(dL/dh_{t-1},)`` with respect to the state
            before step ``t``, written into ``out[0]``.
        """
        H = self.hidden_size
        dh = d_states[0]
        gates, hw = xw[t], cache["hw"][t]
        r, z, n = gates[:H], gates[H : 2 * H], gates[2 * H :]
        d, rec = cache["d_input"], cache["d_recurrent"]
        one_minus_z, scratch = cache["scratch"]
        np.subtract(1.0, z, out=one_minus_z)
        da_n = d[2 * H :]  # dL/d(pre-activation of n): dh (1 - z) (1 - n)(1 + n)
        np.subtract(1.0, n, out=da_n)
        da_n *= np.add(1.0, n, out=scratch)
        da_n *= one_minus_z
        da_n *= dh
        da_z = d[H : 2 * H]  # dh (h_prev - n) z (1 - z)
        np.subtract(states[0][t], n, out=da_z)
        da_z *= z
        da_z *= one_minus_z
        da_z *= dh
        da_r = d[:H]  # da_n (h W_hn + b_hn) r (1 - r)
        np.subtract(1.0, r, out=da_r)
        da_r *= r
        da_r *= da_n
        da_r *= hw[2 * H :]
        rec[: 2 * H] = d[: 2 * H]  # [da_r | da_z | da_n r]
        np.multiply(da_n, r, out=rec[2 * H :])
        dh_previous = product(self.recurrent_kernel, rec, out=out[0])
        dh_previous += np.multiply(dh, z, out=scratch)
        return d, rec, (dh_previous,)
