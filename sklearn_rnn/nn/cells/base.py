"""The contract of a recurrent cell: the maths of one time step.

A cell owns its named weights and computes one step forward and one step
backward; :class:`~sklearn_rnn.nn.layers.recurrent.Recurrent` owns time
(the loop over steps, masks, truncation, buffers).  Adding a cell means
writing one subclass of :class:`Cell`; the loop does not change.

Every cell has ``G`` gate blocks of ``H`` units (Elman RNN: 1, GRU: 3,
LSTM: 4) and these weights, in this order:

- ``kernel`` (D, G*H): the input weights of all gates;
- ``recurrent_kernel`` (H, G*H): the recurrent weights of all gates;
- ``bias`` (G*H,);
- ``recurrent_bias`` (G*H,), only if ``has_recurrent_bias`` (GRU, whose
  candidate gate multiplies the recurrent term by the reset gate).

The input terms of every step, ``x_t @ kernel + bias``, are computed at once
by the loop (one large GEMM), as are the weight gradients (blocked GEMMs
over all steps); the cell only does what depends on the previous step.
"""

import numpy as np

from .._blas import transposed_product
from ..initializers import get_initializer


class Cell:
    """Base class of the recurrent cells (see the module docstring).

    Subclasses set ``gates`` and ``state_size`` (1 for ``h``, 2 for LSTM's
    ``(h, c)``) and implement these four methods.  ``xw`` (T, N, G*H) holds
    the input terms of every step; ``states`` is a tuple of (T, N, H)
    arrays, one per state (``h`` first); ``cache`` is whatever the cell
    keeps for its backward steps (scratch arrays, gate values).

    ``start(xw) -> (states, cache)``
        Buffers for one pass (they may reuse ``xw``).
    ``step(t, xw, states, previous, cache)``
        Write the states of step ``t`` into ``states``; ``previous`` is the
        tuple of the previous step's states ((N, H) arrays), or None at
        ``t = 0`` (the zero state).
    ``prepare_backward(xw, states, cache, d_input)``
        Before the backward loop: fill ``d_input`` (T, N, G*H) with what can
        be computed for all steps at once (e.g. activation derivatives).
    ``step_backward(t, states, cache, d_states, d_input, d_recurrent, out)``
        Given ``d_states``, the tuple dL/d(states of step t), write
        dL/d(input terms of step t) into ``d_input[t]`` and dL/d(recurrent
        terms) into ``d_recurrent[t]`` (the same array as ``d_input`` unless
        ``has_recurrent_bias``), and return dL/d(states of step t-1),
        written into the (N, H) arrays of the tuple ``out``.

    Parameters
    ----------
    input_size, hidden_size : int
    init, recurrent_init : str
        Initializers of ``kernel`` and ``recurrent_kernel`` (the recurrent
        kernel is initialised block by block, one (H, H) block per gate).
    rng : numpy.random.RandomState
    dtype : numpy dtype
    """

    gates = 1
    state_size = 1
    has_recurrent_bias = False
    #: The name of a layer of this cell (in weight names).
    layer_name = "Recurrent"

    def __init__(
        self,
        input_size,
        hidden_size,
        init="xavier",
        recurrent_init="orthogonal",
        rng=None,
        dtype=np.float32,
    ):
        rng = np.random.RandomState(0) if rng is None else rng
        G, H = self.gates, hidden_size
        self.hidden_size = H
        self.kernel = get_initializer(init)((input_size, G * H), rng, dtype)
        blocks = [get_initializer(recurrent_init)((H, H), rng, dtype) for _ in range(G)]
        self.recurrent_kernel = np.ascontiguousarray(np.concatenate(blocks, axis=1))
        self.bias = np.zeros(G * H, dtype=dtype)
        self.params = [self.kernel, self.recurrent_kernel, self.bias]
        self.param_names = ("kernel", "recurrent_kernel", "bias")
        if self.has_recurrent_bias:
            self.recurrent_bias = np.zeros(G * H, dtype=dtype)
            self.params.append(self.recurrent_bias)
            self.param_names += ("recurrent_bias",)
        self.grads = [np.zeros_like(p) for p in self.params]

    def __repr__(self):
        return f"{type(self).__name__}(hidden_size={self.hidden_size})"

    def weight_gradients(self, x, h, d_input, d_recurrent, stop=0):
        """Fill ``grads`` from every (step, sample) row at once, in a few GEMMs.

        ``x`` (T, N, D) are the inputs, ``h`` (T, N, H) the states,
        ``d_input`` and ``d_recurrent`` (T, N, G*H) dL/d(input terms) and
        dL/d(recurrent terms); steps below ``stop`` are left out (their
        gradients are negligible, see the loop).  The zero state before step
        0 adds nothing to the recurrent kernel's gradient.
        """
        GH = d_input.shape[2]
        low = max(stop, 1)
        d_in2d = d_input[stop:].reshape(-1, GH)
        transposed_product(x[stop:].reshape(len(d_in2d), -1), d_in2d, out=self.grads[0])
        transposed_product(
            h[low - 1 : -1].reshape(-1, self.hidden_size),
            d_recurrent[low:].reshape(-1, GH),
            out=self.grads[1],
        )
        ones = np.ones(len(d_in2d), dtype=d_in2d.dtype)
        np.matmul(ones, d_in2d, out=self.grads[2])  # column sums, one GEMV
        if self.has_recurrent_bias:
            np.matmul(ones, d_recurrent[stop:].reshape(-1, GH), out=self.grads[3])
