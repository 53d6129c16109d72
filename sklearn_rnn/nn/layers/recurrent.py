"""The recurrent loop: runs a cell over time, forward and back (BPTT).

The loop owns time; the cell (:mod:`sklearn_rnn.nn.cells`) owns the maths of
one step.  The loop's contract with any cell:

1. **Input terms at once**: ``xw = x @ kernel + bias`` for all steps, one
   (T*N, D) x (D, G*H) GEMM; the cell's ``step`` adds what depends on the
   previous state.
2. **Masks**: on a padding step (``mask[t, n]`` false) every state is carried
   over unchanged (``h_t = h_{t-1}``, the zero state before step 0), so pre-
   and post-padding give the same results; backward, the carried gradient
   passes through and the step's own gradients are zeroed.
3. **Truncated BPTT** (``bptt_truncate=k``): no gradient crosses the
   boundary before steps ``k, 2k, ...`` (the state does), as when PyTorch
   users ``detach()`` the state every k steps.
4. **Gradient cut-off**: below the last step that receives an upstream
   gradient, the recursion stops once the carried gradient is negligible
   (``eps**2`` times its peak), which also keeps it out of denormal numbers
   (whose arithmetic is ~100x slower).  ``gradient_cutoff = 0`` disables it.
5. **Weight gradients at once**: the cell's ``weight_gradients`` sums every
   (step, sample) row in blocked GEMMs after the loop.
6. **Buffers**: backward scratch arrays are kept on the layer between
   calls (:func:`~sklearn_rnn.nn._blas.workspace`); inference keeps nothing.

Small per-step products run on one BLAS thread (see
:func:`~sklearn_rnn.nn._blas.single_blas_thread`).
"""

import numpy as np

from .._blas import SINGLE_THREAD_STEP_SIZE, single_blas_thread, workspace
from .base import Layer

#: Every this many backward steps, the carried gradient is checked against
#: the cut-off (a check costs a pass over the (N, H) gradient).
_CHECK_EVERY = 8


class Recurrent(Layer):
    """Run ``cell`` over time-major sequences ``(T, N, D)``; output every ``h_t``.

    Parameters
    ----------
    cell : Cell
        The per-step maths and its weights (``params`` are the cell's).
    bptt_truncate : int or None, default=None
        Truncated BPTT window (see the module docstring).

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_rnn.nn.cells import SimpleRNNCell
    >>> layer = Recurrent(SimpleRNNCell(3, 4, rng=np.random.RandomState(0)))
    >>> layer.forward(np.zeros((5, 2, 3), dtype=np.float32)).shape    # (T, N, H)
    (5, 2, 4)
    """

    #: The backward recursion stops once the carried gradient is below
    #: ``gradient_cutoff * eps**2`` times its peak (0 disables the cut-off).
    gradient_cutoff = 1.0
    _caches = ("_last_pass",)

    def __init__(self, cell, bptt_truncate=None):
        super().__init__()
        self.cell = cell
        self.bptt_truncate = bptt_truncate
        self.hidden_size = cell.hidden_size
        self.params, self.grads = cell.params, cell.grads
        self.param_names = cell.param_names

    @property
    def name(self):
        """Named after its cell, as in Keras: ``SimpleRNN``, ``GRU``, ``LSTM``."""
        return self.cell.layer_name

    def __repr__(self):
        shapes = ", ".join(
            f"{name}={tuple(p.shape)}" for name, p in zip(self.param_names, self.params)
        )
        return f"{self.name}({self.cell!r}, {shapes})"

    def forward(self, x, mask=None, training=False):
        T, N, D = x.shape
        cell = self.cell
        xw = np.matmul(x.reshape(T * N, D), cell.kernel).reshape(T, N, -1)
        xw += cell.bias
        states, cache = cell.start(xw)
        padding = None if mask is None else ~mask[:, :, None]
        with single_blas_thread(N * xw.shape[2] <= SINGLE_THREAD_STEP_SIZE):
            previous = None
            for t in range(T):
                cell.step(t, xw, states, previous, cache)
                current = tuple(s[t] for s in states)
                if padding is not None:
                    for now, before in zip(current, previous or (0.0,) * len(current)):
                        np.copyto(now, before, where=padding[t])
                previous = current
        if training:  # inference keeps nothing on the layer (thread safety)
            self._last_pass = (x, padding, xw, states, cache)
        return states[0]

    def backward(self, dout):
        """BPTT: fill ``grads``; return dL/dx (or None if ``input_grad`` is false)."""
        x, padding, xw, states, cache = self._last_pass
        cell = self.cell
        T, N, H = states[0].shape
        dtype = xw.dtype
        d_input = workspace(self, "_d_input", xw.shape, dtype)
        d_recurrent = (
            workspace(self, "_d_recurrent", xw.shape, dtype)
            if cell.has_recurrent_bias
            else d_input
        )
        cell.prepare_backward(xw, states, cache, d_input)
        # Steps with an upstream gradient: a many-to-one network has only the
        # last one; below it only the carried gradient flows back.
        receives = dout.reshape(T, -1).any(axis=1)
        first_input = int(np.argmax(receives)) if receives.any() else T
        negligible = self.gradient_cutoff * np.finfo(dtype).eps ** 2
        scale = 0.0
        d_states = tuple(np.zeros((N, H), dtype) for _ in range(cell.state_size))
        spare = tuple(np.empty((N, H), dtype) for _ in range(cell.state_size))
        stop = 0
        with single_blas_thread(N * xw.shape[2] <= SINGLE_THREAD_STEP_SIZE):
            for t in range(T - 1, -1, -1):
                if receives[t]:
                    np.add(d_states[0], dout[t], out=d_states[0])
                d_previous = cell.step_backward(
                    t, states, cache, d_states, d_input, d_recurrent, spare
                )
                if padding is not None:  # a carried state has no gradient of its own
                    np.copyto(d_input[t], 0.0, where=padding[t])
                    if d_recurrent is not d_input:
                        np.copyto(d_recurrent[t], 0.0, where=padding[t])
                if t == 0:
                    break  # the zero state is a constant
                if self.bptt_truncate and t % self.bptt_truncate == 0:
                    for d in d_states:  # window boundary: the state is a constant
                        d.fill(0.0)
                else:
                    if padding is not None:  # ... and passes its gradient through
                        for new, old in zip(d_previous, d_states):
                            np.copyto(new, old, where=padding[t])
                    d_states, spare = d_previous, d_states
                if t == first_input:
                    scale = float(np.max(np.abs(d_input[t:])))
                elif t < first_input and (first_input - t) % _CHECK_EVERY == 0:
                    if (
                        max(float(np.max(np.abs(d))) for d in d_states)
                        <= negligible * scale
                    ):
                        stop = t  # below: negligible gradients, d_input unset
                        break
        cell.weight_gradients(x, states[0], d_input, d_recurrent, stop)
        if not self.input_grad:
            return None
        dx = np.empty(x.shape, dtype=dtype)
        dx[:stop] = 0.0
        np.matmul(
            d_input[stop:].reshape(-1, xw.shape[2]),
            cell.kernel.T,
            out=dx[stop:].reshape(-1, x.shape[2]),
        )
        return dx
