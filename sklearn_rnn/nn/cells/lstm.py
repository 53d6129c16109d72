"""The long short-term memory cell (LSTM), with PyTorch's equations and gate order."""

import numpy as np

from .._blas import product
from ..activations import sigmoid
from .base import Cell


class LSTMCell(Cell):
    """LSTM cell, as ``torch.nn.LSTM`` computes it (gate order i, f, g, o).

    The equations of a step::

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
    GRUCell : A gated cell with one state and three gate blocks.

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
        xw : ndarray of shape (T, 4H, N)
            Receives the input terms ``x_t @ kernel + bias`` of every
            step (it is the cache's ``gates``: a step's input terms become
            its gate values ``[i | f | g | o]``).
        states : tuple of ndarray
            The states ``(h, c)``, each of shape (T + 1, H, N) with
            entry 0 zero.
        cache : dict
            Scratch arrays and, per step (with ``training``),
            ``tanh(c_t)``.
        """
        H = self.hidden_size
        # xw becomes the gates [i | f | g | o] of each step.
        cache = {
            "gates": buffer("gates", (T, 4 * H, N)),
            "tanh_c": buffer("tanh_c", (T if training else 1, H, N)),
            "scratch": buffer("scratch", (H, N)),
        }
        if training:
            cache["d"] = buffer("d", (4 * H, N))
        return cache["gates"], self.zero_states(T, N, buffer), cache

    def step(self, t, xw, states, cache):
        """Compute step ``t``: write the states after it.

        Parameters
        ----------
        t : int
            The step, from 0.
        xw : ndarray
            The input terms of :meth:`start`, with step ``t``'s filled
            in; ``xw[t]`` becomes the gate values ``[i | f | g | o]``.
        states : tuple of ndarray
            The states of :meth:`start`; ``states[k][t]`` is read and
            ``states[k][t + 1]`` written.
        cache : dict
            The cache of :meth:`start`.
        """
        H = self.hidden_size
        a = xw[t]
        product(self.recurrent_kernel.T, states[0][t], out=a, accumulate=True)
        sigmoid(a[: 2 * H], out=a[: 2 * H])
        np.tanh(a[2 * H : 3 * H], out=a[2 * H : 3 * H])
        sigmoid(a[3 * H :], out=a[3 * H :])
        i, f, g, o = (a[k * H : (k + 1) * H] for k in range(4))
        c = np.multiply(i, g, out=states[1][t + 1])
        c += np.multiply(f, states[1][t], out=cache["scratch"])
        tanh_c = np.tanh(c, out=cache["tanh_c"][t % len(cache["tanh_c"])])
        np.multiply(o, tanh_c, out=states[0][t + 1])

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
            The gradients ``(dL/dh_t, dL/dc_t)`` with respect to the
            states after step ``t``, each of shape (H, N).
        out : tuple of ndarray
            Arrays of the same shapes, into which the gradients with respect
            to the states before step ``t`` are written.

        Returns
        -------
        d_input : ndarray of shape (4H, N)
            The gradient dL/d(input terms of step ``t``).
        d_recurrent : ndarray of shape (4H, N)
            The gradient dL/d(recurrent terms of step ``t``): the same
            array as ``d_input``.
        d_previous : tuple of ndarray
            The gradients ``(dL/dh_{t-1}, dL/dc_{t-1})`` with respect to
            the states before step ``t``, written into ``out``.
        """
        H = self.hidden_size
        dh, dc = d_states
        gates, tanh_c = xw[t], cache["tanh_c"][t]
        i, f, g, o = (gates[k * H : (k + 1) * H] for k in range(4))
        d = cache["d"]
        d_o = d[3 * H :]  # dL/d(pre-activation of o): (1 - o) o dh tanh(c_t)
        np.subtract(1.0, o, out=d_o)
        d_o *= o
        d_o *= dh
        d_o *= tanh_c
        # dL/dc_t in full: carried + through h_t = o tanh(c_t)
        dc_total = np.multiply(tanh_c, tanh_c, out=out[1])
        np.subtract(1.0, dc_total, out=dc_total)
        dc_total *= o
        dc_total *= dh
        dc_total += dc
        # The local derivatives of i, f (s (1 - s)) and g ((1 - g)(1 + g)),
        # times dc_t, times g, c_{t-1} and i.  (One broadcast multiply of
        # the three blocks by dc_t is slower than three: 6.9 vs 4.6 us.)
        np.subtract(1.0, gates[: 3 * H], out=d[: 3 * H])
        d[: 2 * H] *= gates[: 2 * H]
        d[2 * H : 3 * H] *= np.add(1.0, g, out=cache["scratch"])
        # (c_{-1} = 0: no gradient for f at t = 0.)
        for k, other in enumerate((g, states[1][t], i)):
            block = d[k * H : (k + 1) * H]
            block *= dc_total
            block *= other
        dh_previous = product(self.recurrent_kernel, d, out=out[0])
        dc_total *= f  # dL/dc_{t-1}
        return d, d, (dh_previous, dc_total)
