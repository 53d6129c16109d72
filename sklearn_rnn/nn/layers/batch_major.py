"""The recurrent loop, batch-major, for a cell whose state is one gate block.

The Elman cell's state ``h_t = f(x_t Wx + h_{t-1} Wh + b)`` is its only gate
block, so nothing is lost to strided gate blocks in the batch-major layout
(see :mod:`sklearn_rnn.nn.cells.base`), and there the loop does less per
step than the feature-major one:

- forward, the input terms of every step are one GEMM (onto a copy of the
  bias), and a step is one accumulating product and the activation;
- backward, ``f'(a_t)`` of every step is one pass before the loop, a step
  is one multiplication and one product, and the weight gradients and the
  input gradient are a few long GEMMs after the loop.

The semantics are those of :class:`~sklearn_rnn.nn.layers.Recurrent`
(masks, truncated BPTT, the gradient cut-off); these functions are its
methods' bodies for such cells (``cell.step_batch_major`` is set).
"""

import numpy as np

from .._blas import (
    SINGLE_THREAD_STEP_SIZE,
    product,
    single_blas_thread,
    transposed_product,
    workspace,
)

#: Every this many backward steps, the carried gradient is checked against
#: the cut-off (a check costs a pass over the (N, H) gradient).
CHECK_EVERY = 8

#: Working memory (bytes) of the input terms of one chunk of steps in a
#: last-state-only inference pass: a few steps' states, in a 2 MB L2 cache
#: with room to spare.
CHUNK_BYTES = 2**19


def forward(layer, x, padding, training):
    """Every state (T, N, H); with ``training``, kept for :func:`backward`."""
    T, N, D = x.shape
    cell, H = layer.cell, layer.hidden_size
    dtype = np.result_type(x.dtype, cell.kernel.dtype)
    shape = (T + 1, N, H)
    states = (
        workspace(layer, "_states", shape, dtype)
        if training  # one pass at a time: the buffer is reused
        else np.empty(shape, dtype)  # inference writes nothing to the layer
    )
    states[0] = 0.0
    terms = states[1:]
    terms[...] = cell.bias
    with single_blas_thread(N * H <= SINGLE_THREAD_STEP_SIZE):
        product(
            x.reshape(T * N, D).astype(dtype, copy=False),
            cell.kernel.astype(dtype, copy=False),
            out=terms.reshape(T * N, H),
            accumulate=True,
        )
        for t in range(T):
            cell.step_batch_major(states[t + 1], states[t])
            if padding is not None:  # padding carries the state over
                np.copyto(states[t + 1], states[t], where=padding[t][:, None])
    if training:
        layer._last_pass = (x, padding, states)
    return terms


def last_state(layer, x, padding):
    """The last state (N, H) of an inference pass, in chunks of steps whose
    buffers stay in cache (no (T, N, H) array is made)."""
    T, N, D = x.shape
    cell, H = layer.cell, layer.hidden_size
    dtype = np.result_type(x.dtype, cell.kernel.dtype)
    steps = max(1, min(T, CHUNK_BYTES // (H * N * np.dtype(dtype).itemsize)))
    xw = np.empty((steps, N, H), dtype)
    h = np.zeros((N, H), dtype)
    with single_blas_thread(N * H <= SINGLE_THREAD_STEP_SIZE):
        for first in range(0, T, steps):
            chunk = xw[: min(steps, T - first)]
            chunk[...] = cell.bias
            inputs = x[first : first + len(chunk)].reshape(-1, D)
            product(
                inputs.astype(dtype, copy=False),
                cell.kernel.astype(dtype, copy=False),
                out=chunk.reshape(-1, H),
                accumulate=True,
            )
            for t, a in enumerate(chunk):
                cell.step_batch_major(a, h)
                if padding is not None:  # padding carries the state over
                    np.copyto(a, h, where=padding[first + t][:, None])
                h = a
            h = h.copy()  # the next chunk overwrites xw
    return h


def backward(layer, dout):
    """BPTT of :func:`forward`: fill the cell's ``grads``; return dL/dx or None."""
    x, padding, states = layer._last_pass
    cell = layer.cell
    T, N, H = states.shape[0] - 1, states.shape[1], states.shape[2]
    dtype = states.dtype
    # f'(a_t) of every step (from h_t), made dL/da_t in the loop.
    d_terms = cell.activation_derivative(
        states[1:], out=workspace(layer, "_d_terms", (T, N, H), dtype)
    )
    # Steps with an upstream gradient: a many-to-one network has only the
    # last one; below it only the carried gradient flows back.
    receives = dout.reshape(T, -1).any(axis=1)
    first_input = int(np.argmax(receives)) if receives.any() else T
    negligible = layer.gradient_cutoff * np.finfo(dtype).eps ** 2
    scale = 0.0
    dh = np.zeros((N, H), dtype)
    dh_previous = np.empty_like(dh)
    stop = 0
    recurrent_t = cell.recurrent_kernel.T
    with single_blas_thread(N * H <= SINGLE_THREAD_STEP_SIZE):
        for t in range(T - 1, -1, -1):
            if receives[t]:
                dh += dout[t]
            da = d_terms[t]
            da *= dh
            if padding is not None:  # a carried state has no gradient of its own
                np.copyto(da, 0.0, where=padding[t][:, None])
            if 0 < first_input <= t:  # the cut-off's reference
                scale = max(scale, float(np.max(np.abs(da))))
            if t == 0:
                break  # the zero state is a constant
            if layer.bptt_truncate and t % layer.bptt_truncate == 0:
                dh.fill(0.0)  # window boundary: the state is a constant
            else:
                product(da, recurrent_t, out=dh_previous)
                if padding is not None:  # ... and passes its gradient through
                    np.copyto(dh_previous, dh, where=padding[t][:, None])
                dh, dh_previous = dh_previous, dh
            if t < first_input and (first_input - t) % CHECK_EVERY == 0:
                if float(np.max(np.abs(dh))) <= negligible * scale:
                    stop = t  # below: negligible gradients, left out
                    break
    # The weight gradients over every (step, sample) row from ``stop`` on, in
    # a few long GEMMs (d_terms is not set below ``stop``).
    d_rows = d_terms[stop:].reshape(-1, H)
    inputs = x[stop:].reshape(len(d_rows), -1).astype(dtype, copy=False)
    kernel_grad, recurrent_grad, bias_grad = cell.grads
    transposed_product(inputs, d_rows, out=kernel_grad)
    low = max(stop, 1)  # the zero state before step 0 adds nothing
    transposed_product(
        states[low:-1].reshape(-1, H), d_terms[low:].reshape(-1, H), out=recurrent_grad
    )
    d_rows.sum(axis=0, out=bias_grad)
    if not layer.input_grad:
        return None
    dx = np.empty(x.shape, dtype=dtype)
    dx[:stop] = 0.0
    product(d_rows, cell.kernel.T, out=dx[stop:].reshape(len(d_rows), -1))
    return dx
