"""The engine's speed tricks, in one place, each with the measurement behind it.

Nothing here changes a result; each trick only changes how fast it comes.

- :func:`single_blas_thread`: small products run on one BLAS thread.
- :func:`product`: ``out (+)= a @ b`` in one BLAS call (no temporary).
- :func:`transposed_product`: weight gradients as blocked GEMMs.
- :func:`workspace`: large scratch arrays kept between calls.

The backward recursion's gradient cut-off lives with the loop that uses it
(:mod:`sklearn_rnn.nn.layers.recurrent`).

Examples
--------
>>> import numpy as np
>>> a, b = np.ones((1000, 2)), np.ones((1000, 3))
>>> transposed_product(a, b, out=np.empty((2, 3)))
array([[1000., 1000., 1000.],
       [1000., 1000., 1000.]])
>>> with single_blas_thread():
...     c = a.T @ b
>>> product(np.ones((2, 3)), np.ones((3, 2)), out=np.ones((2, 2)), accumulate=True)
array([[4., 4.],
       [4., 4.]])
"""

import threading
from contextlib import contextmanager

import numpy as np
from scipy.linalg.blas import dgemm, sgemm
from threadpoolctl import ThreadpoolController

#: Products with at most this many output entries (N * H of a per-step
#: product) run on one BLAS thread.  A second thread gains little on them, and
#: when the cores are shared every BLAS barrier can wait for a descheduled
#: thread: on 2 cores, the H=64 loop of ``benchmarks/bench_rnn.py`` ran
#: several times slower with two threads.  Larger ones (N=64, H=128) gain
#: from the caller's threads.
SINGLE_THREAD_STEP_SIZE = 64 * 64

#: Rows per block of :func:`transposed_product`.
BLOCK_ROWS = 384

_lock = threading.Lock()
_holders = 0  # how many callers are inside single_blas_thread now
_saved_threads = []  # the thread counts found by the first of them
_libraries = None  # the BLAS libraries, scanned once (a scan costs ms)


def _blas_libraries():
    global _libraries
    if _libraries is None:
        _libraries = ThreadpoolController().select(user_api="blas").lib_controllers
    return _libraries


def _set_threads(lib, n):
    """Set a BLAS library's thread count, from whichever thread calls.

    threadpoolctl >= 3.8 lets only one Python thread at a time change a
    process-wide OpenBLAS pool and silently ignores the others' calls, so the
    last caller to leave :func:`single_blas_thread` could not restore the
    count if another thread had set it first.  The lock and the count above
    already serialise our changes, so the library is called directly
    (threadpoolctl's ``_real_set_num_threads``, tested with 3.8; its public
    method on older versions, which had no such rule).
    """
    getattr(lib, "_real_set_num_threads", lib.set_num_threads)(n)


@contextmanager
def single_blas_thread(enabled=True):
    """Run the block with BLAS on one thread (if ``enabled``).

    Thread-safe and re-entrant: the first caller to enter saves the BLAS
    thread counts and sets them to 1, the last to leave puts them back as
    found, whatever the interleaving of threads.  BLAS thread counts are
    process-wide, so while any caller is inside, every thread's BLAS calls
    run on one thread.

    Parameters
    ----------
    enabled : bool, default=True
        False makes this a no-op.
    """
    global _holders, _saved_threads
    if not enabled:
        yield
        return
    with _lock:
        if _holders == 0:
            libraries = _blas_libraries()
            _saved_threads = [lib.get_num_threads() for lib in libraries]
            for lib, n in zip(libraries, _saved_threads):
                if n > 1:
                    _set_threads(lib, 1)
        _holders += 1
    try:
        yield
    finally:
        with _lock:
            _holders -= 1
            if _holders == 0:
                for lib, n in zip(_blas_libraries(), _saved_threads):
                    if n > 1:
                        _set_threads(lib, n)


def transposed_product(a, b, out):
    """``out = a.T @ b`` for tall ``a`` (K, M) and ``b`` (K, N), K the long axis.

    Weight gradients sum over every (time step, sample) row.  OpenBLAS runs
    such long-K products at a third of its speed on some CPUs (Zen with the
    Haswell kernels: ~11 instead of ~30 GFLOP/s), and so do blocks of 256 or
    512 rows; blocks of ~384 rows run at full speed, accumulated into
    ``out`` by :func:`product` (the BLAS library of every product of the
    recurrent loop).
    """
    product(a[:BLOCK_ROWS].T, b[:BLOCK_ROWS], out=out)
    for start in range(BLOCK_ROWS, len(a), BLOCK_ROWS):
        stop = start + BLOCK_ROWS
        product(a[start:stop].T, b[start:stop], out=out, accumulate=True)
    return out


_GEMM = {np.dtype(np.float32): sgemm, np.dtype(np.float64): dgemm}


def _as_fortran(m):
    """``(array, trans)`` with ``array`` Fortran-ordered and ``op(array) = m.T``."""
    if m.flags.c_contiguous:
        return m.T, 0
    if m.flags.f_contiguous:
        return m, 1
    return np.ascontiguousarray(m).T, 0


def product(a, b, out, accumulate=False):
    """``out = a @ b``, or ``out += a @ b`` if ``accumulate``: one BLAS call.

    numpy's ``matmul`` cannot accumulate (``out += a @ b`` is a product into
    a temporary, then an addition); BLAS's GEMM can (``beta = 1``).  Per
    time step that spares one pass over the gates (measured in
    ``docs/benchmarks/engine.rst``).  The
    recurrent loop makes all its per-step products here, so that they use
    one BLAS library (scipy's; numpy's OpenBLAS is another, whose idle
    threads would spin beside these).  Any memory layout of ``a`` and ``b``
    works without a copy if it is C- or Fortran-contiguous (a transposed
    view is); ``out`` must be C-contiguous for the in-place call (else
    numpy does it).
    """
    gemm = _GEMM.get(out.dtype)
    if (
        gemm is None
        or not out.flags.c_contiguous
        or not a.dtype == b.dtype == out.dtype
    ):
        if accumulate:
            out += a @ b
        else:
            np.matmul(a, b, out=out)
        return out
    # In Fortran order, out.T = b.T @ a.T.
    first, trans_first = _as_fortran(b)
    second, trans_second = _as_fortran(a)
    # Positional arguments (alpha, a, b, beta, c, trans_a, trans_b,
    # overwrite_c): f2py parses them faster than keywords.
    gemm(1.0, first, second, float(accumulate), out.T, trans_first, trans_second, 1)
    return out


def workspace(owner, name, shape, dtype):
    """A scratch array kept on ``owner`` between calls (contents undefined).

    Reusing large scratch arrays spares the allocator: fresh multi-megabyte
    arrays are returned to the OS and page-faulted back in on every step.
    Use it only in training code (one caller per layer at a time).
    """
    buffer = getattr(owner, name, None)
    if buffer is None or buffer.shape != shape or buffer.dtype != dtype:
        buffer = np.empty(shape, dtype=dtype)
        setattr(owner, name, buffer)
    return buffer
