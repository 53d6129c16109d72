"""The engine's speed tricks (``nn/_blas.py``) change no result: blocked
products, BLAS thread counts put back as found, reused scratch arrays."""

import threading
from types import SimpleNamespace

import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal
from threadpoolctl import threadpool_info, threadpool_limits

from sklearn_rnn.nn._blas import (
    product,
    single_blas_thread,
    transposed_product,
    workspace,
)


# ------------------------------------------------------- transposed_product
@pytest.mark.parametrize("K", [1, 383, 384, 385, 1000])
def test_transposed_product_is_a_transposed_b(K):
    rng = np.random.RandomState(K)
    a = rng.randint(-3, 4, size=(K, 5)).astype(np.float64)
    b = rng.randint(-3, 4, size=(K, 7)).astype(np.float64)
    out = np.full((5, 7), np.nan)
    assert transposed_product(a, b, out=out) is out
    assert_array_equal(out, a.T @ b)  # small integers: exact in any order
    a, b = rng.randn(K, 5).astype(np.float32), rng.randn(K, 7).astype(np.float32)
    out = np.full((5, 7), np.nan, dtype=np.float32)
    transposed_product(a, b, out=out)
    assert_allclose(out, a.astype(np.float64).T @ b, rtol=1e-4, atol=1e-4)


# ------------------------------------------------------------------ product
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("a_order", ["C", "F"])
@pytest.mark.parametrize("b_order", ["C", "F"])
@pytest.mark.parametrize("accumulate", [False, True])
def test_product_is_one_gemm_in_place_for_any_contiguous_operands(
    dtype, a_order, b_order, accumulate
):
    rng = np.random.RandomState(0)
    a = np.asarray(rng.randint(-3, 4, size=(5, 7)), dtype=dtype, order=a_order)
    b = np.asarray(rng.randint(-3, 4, size=(7, 3)), dtype=dtype, order=b_order)
    out = rng.randint(-3, 4, size=(5, 3)).astype(dtype)
    expected = (out if accumulate else 0) + a @ b  # small integers: exact
    address = out.ctypes.data
    assert product(a, b, out=out, accumulate=accumulate) is out
    assert out.ctypes.data == address
    assert_array_equal(out, expected)
    # transposed views (the recurrent loop's operands) are read without a copy
    assert_array_equal(product(b.T, a.T, out=np.zeros((3, 5), dtype)), (a @ b).T)


@pytest.mark.parametrize("accumulate", [False, True])
def test_product_falls_back_to_numpy_where_blas_cannot_write_in_place(accumulate):
    rng = np.random.RandomState(1)
    a, b = rng.randn(4, 6), rng.randn(6, 8)
    wide = np.ones((4, 16))
    out = wide[:, ::2]  # not contiguous
    assert product(a, b, out=out, accumulate=accumulate) is out
    assert_allclose(out, (1.0 if accumulate else 0.0) + a @ b, rtol=1e-12)
    assert_array_equal(wide[:, 1::2], 1.0)
    ints = np.ones((2, 2), dtype=np.int64)  # no integer GEMM in BLAS
    assert_array_equal(product(ints, ints, out=np.ones((2, 2), np.int64)), 2)
    mixed = np.ones((2, 2), np.float32)
    assert_array_equal(product(np.ones((2, 2)), mixed, out=mixed, accumulate=True), 3)


# ------------------------------------------------------- single_blas_thread
def blas_threads():
    return [
        lib["num_threads"] for lib in threadpool_info() if lib["user_api"] == "blas"
    ]


@pytest.fixture
def two_blas_threads():
    """BLAS on 2 threads for the test, set from this thread (as found afterwards).

    threadpoolctl lets one thread at a time set the threads of a process-wide
    OpenBLAS pool (the others' calls do nothing): skip if this one cannot.
    """
    with threadpool_limits(limits=1, user_api="blas"):
        controlled = set(blas_threads()) == {1}
    with threadpool_limits(limits=2, user_api="blas"):
        if not controlled or set(blas_threads()) != {2}:
            pytest.skip("needs a BLAS on 2 threads that this thread can set")
        yield


def test_single_blas_thread_is_reentrant_and_restores_the_count(two_blas_threads):
    with single_blas_thread():
        assert set(blas_threads()) == {1}
        with single_blas_thread():
            assert set(blas_threads()) == {1}
        assert set(blas_threads()) == {1}  # the outer caller is still inside
    assert set(blas_threads()) == {2}


def test_single_blas_thread_restores_the_count_after_an_exception(two_blas_threads):
    with pytest.raises(ValueError, match="inside"):
        with single_blas_thread():
            with single_blas_thread():
                raise ValueError("inside")
    assert set(blas_threads()) == {2}
    with single_blas_thread(enabled=False):
        assert set(blas_threads()) == {2}


def test_the_last_thread_to_leave_restores_the_count_whoever_entered_first(
    two_blas_threads,
):
    """A (pool) thread enters first and leaves first but stays alive; the
    main thread leaves last: the count is back to 2 all the same."""
    worker_inside, main_inside, worker_left, worker_may_exit = (
        threading.Event() for _ in range(4)
    )

    def worker():
        with single_blas_thread():
            worker_inside.set()
            main_inside.wait()
        worker_left.set()
        worker_may_exit.wait()

    thread = threading.Thread(target=worker)
    thread.start()
    try:
        worker_inside.wait()
        with single_blas_thread():
            main_inside.set()
            worker_left.wait()
            assert set(blas_threads()) == {1}  # main is still inside
        assert set(blas_threads()) == {2}
    finally:
        worker_may_exit.set()
        thread.join()


# ----------------------------------------------------------------- workspace
def test_workspace_reuses_a_buffer_of_the_same_shape_and_dtype():
    owner = SimpleNamespace()
    buffer = workspace(owner, "_scratch", (3, 4), np.float32)
    assert buffer.shape == (3, 4) and buffer.dtype == np.float32
    assert owner._scratch is buffer
    assert workspace(owner, "_scratch", (3, 4), np.float32) is buffer
    wider = workspace(owner, "_scratch", (3, 5), np.float32)
    assert wider is not buffer and wider.shape == (3, 5)
    assert owner._scratch is wider
    double = workspace(owner, "_scratch", (3, 5), np.float64)
    assert double is not wider and double.dtype == np.float64
    assert workspace(owner, "_other", (3, 5), np.float64) is not double
