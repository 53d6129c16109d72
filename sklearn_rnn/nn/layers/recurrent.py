"""The recurrent loop: runs a cell over time, forward and back (BPTT).

The loop owns time; the cell (:mod:`sklearn_rnn.nn.cells`) owns the maths of
one step.  The loop's contract with any cell:

1. **Input terms at once**: ``x_t @ kernel`` for all steps in one batched
   GEMM (``bias`` is added per step, in cache); the cell's ``step`` adds
   what depends on the previous state.
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
5. **Weight gradients per step**: the cell's ``add_gradients`` adds each
   step's share (two accumulating GEMMs) while its arrays are in cache;
   measured as fast as one long-K GEMM over all steps after the loop, and
   it needs no (T, N, G*H) gradient buffer.
6. **Layout**: steps are feature-major, ``(features, N)`` (see
   :mod:`sklearn_rnn.nn.cells.base`); the output is a (T, N, H) view of
   the (T, H, N) states.
7. **Buffers**: a training pass's arrays (gates, states, scratch) are kept
   on the layer and reused (:func:`~sklearn_rnn.nn._blas.workspace`):
   fresh ones cost page faults, several times the time of filling reused
   ones.
   Inference allocates its own and writes nothing to the layer; when only
   the last state is wanted it runs in chunks of steps (``last_only``),
   batch-major for a cell that has ``step_batch_major`` (the Elman cell).

Small per-step products run on one BLAS thread (see
:func:`~sklearn_rnn.nn._blas.single_blas_thread`).
"""

import numpy as np

from .._blas import SINGLE_THREAD_STEP_SIZE, product, single_blas_thread, workspace
from . import batch_major
from .base import Layer
from .batch_major import CHECK_EVERY, CHUNK_BYTES


class Recurrent(Layer):
    """Run ``cell`` over time-major sequences ``(T, N, D)``; output every ``h_t``.

    The layer owns time and the cell one step: the loop computes every
    step's input terms at once, carries the state over padding steps (so
    pre- and post-padding give the same states), and backpropagates through
    time with optional truncation and a cut-off of negligible gradients (see
    the module docstring).  The output is the ``(T, N, H)`` sequence of
    states, ``H = cell.hidden_size``, from the zero state before step 0.

    Parameters
    ----------
    cell : Cell
        The per-step maths and its weights (``params`` are the cell's).
    bptt_truncate : int or None, default=None
        Truncated BPTT window (see the module docstring).

    Attributes
    ----------
    hidden_size : int
        ``H``, the cell's units.
    gradient_cutoff : float
        The backward recursion stops once the carried gradient is below
        ``gradient_cutoff * eps**2`` times its peak; 0 disables the cut-off.

    See Also
    --------
    SimpleRNN : This layer over the Elman cell.
    Bidirectional : Two recurrent layers, one reading backward.
    sklearn_rnn.nn.cells.GRUCell : The GRU's step.
    sklearn_rnn.nn.cells.LSTMCell : The LSTM's step.

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
    role = "rnn"
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

    def torch_parameters(self):
        """The cell's weights under torch's names.

        Returns
        -------
        dict of str to ndarray
            ``weight_ih_l0`` (G*H, D) is the view ``kernel.T``,
            ``weight_hh_l0`` (G*H, H) the view ``recurrent_kernel.T``,
            ``bias_ih_l0`` is ``bias`` and ``bias_hh_l0`` the recurrent bias
            or zeros (see
            :meth:`~sklearn_rnn.nn.cells.base.Cell.torch_parameters`).
        """
        return self.cell.torch_parameters()

    def load_torch_parameters(self, parameters):
        """Copy in the cell's weights, named as :meth:`torch_parameters` names them.

        Parameters
        ----------
        parameters : dict of str to array-like
            ``weight_ih_l0``, ``weight_hh_l0``, ``bias_ih_l0`` and
            ``bias_hh_l0``; a cell without a recurrent bias takes
            ``bias = bias_ih_l0 + bias_hh_l0``.
        """
        self.cell.load_torch_parameters(parameters)

    def forward(self, x, mask=None, training=False, last_only=False):
        """Run the cell over ``x``: every state ``h_t`` (T, N, H).

        With ``last_only`` (inference only: a last-state pooling follows),
        only the last state, as a one-step sequence (1, N, H): the steps
        then run in chunks whose buffers stay in cache, and no (T, ...)
        array is made.

        Parameters
        ----------
        x : ndarray of shape (T, N, D)
            Time-major sequences.
        mask : ndarray of shape (T, N) of bool, default=None
            False on padding steps, over which the state is carried
            unchanged.
        training : bool, default=False
            Whether to keep the pass's buffers for :meth:`backward` (reused
            by the next training pass); inference writes nothing to the
            layer.
        last_only : bool, default=False
            With ``training=False``: return only the last state.

        Returns
        -------
        out : ndarray of shape (T, N, H), or (1, N, H) with ``last_only``
            The states after each step, in the result dtype of ``x`` and the
            weights: a view of the pass's state buffer, non-contiguous (of
            the (T, H, N) states) for the feature-major cells (GRU, LSTM).
        """
        T, N, _ = x.shape
        cell = self.cell
        dtype = np.result_type(x.dtype, cell.kernel.dtype)
        padding = None if mask is None else ~mask
        if cell.step_batch_major is not None:  # the Elman cell
            if last_only and not training:
                return batch_major.last_state(self, x, padding)[None]
            return batch_major.forward(self, x, padding, training)
        if training:  # one pass at a time: the buffers are kept and reused

            def buffer(name, shape):
                return workspace(self, f"_{name}", shape, dtype)

        else:  # inference writes nothing to the layer (thread safety)

            def buffer(name, shape):
                return np.empty(shape, dtype)

        steps = T
        if last_only and not training:
            width = cell.gates * cell.hidden_size * N * np.dtype(dtype).itemsize
            steps = max(1, min(T, CHUNK_BYTES // width))
        xw, states, cache = cell.start(steps, N, buffer, training)
        # The bias as a full (G*H, N) array: adding a (G*H, 1) column, which
        # broadcasts along the contiguous axis, takes 6.5 instead of 1.7 us
        # per (64, 256) step.
        bias = np.ascontiguousarray(np.broadcast_to(cell.bias[:, None], xw.shape[1:]))
        done = 0  # steps in the last chunk
        with single_blas_thread(N * xw.shape[1] <= SINGLE_THREAD_STEP_SIZE):
            for first in range(0, T, steps):
                if first:  # the state after the previous chunk starts this one
                    for state in states:
                        state[0] = state[steps]
                done = min(steps, T - first)
                for t in range(done):
                    # Feature-major (see cells/base.py): xw[t] = kernel.T @ x[t].T,
                    # through product() like every product of the loop: one BLAS
                    # library.  With numpy's matmul here, numpy's OpenBLAS threads
                    # spun between chunks beside scipy's, and inference on 2
                    # threads ran tens of times slower.
                    product(cell.kernel.T, x[first + t].T, out=xw[t])
                    xw[t] += bias  # per step, in cache (on all of xw: a slow pass)
                    cell.step(t, xw, states, cache)
                    if padding is not None:
                        for state in states:
                            np.copyto(state[t + 1], state[t], where=padding[first + t])
        if training:  # inference keeps nothing on the layer (thread safety)
            self._last_pass = (x, padding, xw, states, cache)
        if last_only:
            return np.swapaxes(states[0][done : done + 1], 1, 2)
        return np.swapaxes(states[0][1:], 1, 2)  # (T, N, H), a view

    def backward(self, dout):
        """BPTT: fill ``grads``; return dL/dx (or None if ``input_grad`` is false).

        Parameters
        ----------
        dout : ndarray of shape (T, N, H)
            The gradient of the loss w.r.t. the states output by the last
            training pass (zero but at the last step for a many-to-one
            network).

        Returns
        -------
        dx : ndarray of shape (T, N, D) or None
            The gradient w.r.t. the input: zero on the steps below the
            gradient cut-off; None when ``input_grad`` is false.
        """
        if self.cell.step_batch_major is not None:
            return batch_major.backward(self, dout)
        x, padding, xw, states, cache = self._last_pass
        cell = self.cell
        T, H, N = states[0].shape[0] - 1, states[0].shape[1], states[0].shape[2]
        dtype = xw.dtype
        for grad in cell.grads:
            grad.fill(0.0)
        sums = tuple(
            workspace(self, f"_bias_sum{k}", xw.shape[1:], dtype)
            for k in range(1 + cell.has_recurrent_bias)
        )
        for total in sums:
            total.fill(0.0)
        # Steps with an upstream gradient: a many-to-one network has only the
        # last one; below it only the carried gradient flows back.
        receives = dout.reshape(T, -1).any(axis=1)
        first_input = int(np.argmax(receives)) if receives.any() else T
        dout = np.swapaxes(dout, 1, 2)  # (T, H, N)
        negligible = self.gradient_cutoff * np.finfo(dtype).eps ** 2
        scale = 0.0
        d_states = tuple(np.zeros((H, N), dtype) for _ in range(cell.state_size))
        spare = tuple(np.empty((H, N), dtype) for _ in range(cell.state_size))
        dx = np.empty(x.shape, dtype=dtype) if self.input_grad else None
        stop = 0
        with single_blas_thread(N * xw.shape[1] <= SINGLE_THREAD_STEP_SIZE):
            for t in range(T - 1, -1, -1):
                if receives[t]:
                    np.add(d_states[0], dout[t], out=d_states[0])
                d_input, d_recurrent, d_previous = cell.step_backward(
                    t, xw, states, cache, d_states, spare
                )
                if padding is not None:  # a carried state has no gradient of its own
                    np.copyto(d_input, 0.0, where=padding[t])
                    if d_recurrent is not d_input:
                        np.copyto(d_recurrent, 0.0, where=padding[t])
                cell.add_gradients(
                    x[t], states[0][t] if t else None, d_input, d_recurrent, sums
                )
                if dx is not None:
                    product(d_input.T, cell.kernel.T, out=dx[t])
                if 0 < first_input <= t:  # the cut-off's reference
                    scale = max(scale, float(np.max(np.abs(d_input))))
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
                if t < first_input and (first_input - t) % CHECK_EVERY == 0:
                    if (
                        max(float(np.max(np.abs(d))) for d in d_states)
                        <= negligible * scale
                    ):
                        stop = t  # below: negligible gradients, left out
                        break
        cell.finish_gradients(sums)
        if dx is None:
            return None
        dx[:stop] = 0.0
        return dx
