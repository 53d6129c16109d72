"""Row-sparse (lazy) updates of embedding tables, and the checkpoint that
undoes a failed call at the cost of what it changed."""

import tracemalloc

import numpy as np
import pytest
from numpy.testing import assert_array_equal

from sklearn_rnn import ScratchRNNClassifier
from sklearn_rnn.nn.checkpoint import Checkpoint
from sklearn_rnn.nn.optimizers import OPTIMIZERS, clip_by_global_norm

ROWS = np.array([1, 3])


def table_and_gradient(seed=0):
    rng = np.random.RandomState(seed)
    table = rng.randn(6, 2)
    grad = np.zeros_like(table)
    grad[ROWS] = rng.randn(2, 2)
    return table, grad


@pytest.mark.parametrize("solver", sorted(OPTIMIZERS))
def test_lazy_step_is_the_dense_step_of_the_used_rows_and_leaves_the_rest(solver):
    table, grad = table_and_gradient()
    compact = table[ROWS].copy()
    lazy_opt = OPTIMIZERS[solver]([table], learning_rate=0.1)
    dense_opt = OPTIMIZERS[solver]([compact], learning_rate=0.1)
    before = table.copy()
    for step in range(3):
        lazy_opt.step([grad * (step + 1)], rows={0: ROWS})
        dense_opt.step([grad[ROWS] * (step + 1)])
    assert_array_equal(table[ROWS], compact)
    untouched = np.setdiff1d(np.arange(6), ROWS)
    assert_array_equal(table[untouched], before[untouched])
    for name, slots in lazy_opt.state.items():
        assert_array_equal(slots[0][ROWS], dense_opt.state[name][0])
        if solver != "rprop":  # Rprop's step sizes start at the learning rate
            assert not slots[0][untouched].any()


def test_lazy_sgd_equals_dense_sgd():
    table, grad = table_and_gradient()
    dense = table.copy()
    OPTIMIZERS["sgd"]([table], learning_rate=0.5).step([grad], rows={0: ROWS})
    OPTIMIZERS["sgd"]([dense], learning_rate=0.5).step([grad])
    assert_array_equal(table, dense)


def test_lazy_adam_differs_from_dense_adam_only_off_the_batch():
    """Dense Adam keeps moving a row by its momentum after the row left the
    batch; lazy Adam (PyTorch's SparseAdam) does not."""
    table, grad = table_and_gradient()
    dense = table.copy()
    lazy_opt, dense_opt = OPTIMIZERS["adam"]([table]), OPTIMIZERS["adam"]([dense])
    lazy_opt.step([grad], rows={0: ROWS})
    dense_opt.step([grad])
    assert_array_equal(table, dense)
    other = np.zeros_like(grad)
    other[0] = 1.0
    lazy_opt.step([other], rows={0: np.array([0])})
    dense_opt.step([other])
    assert_array_equal(table[0], dense[0])
    assert (table[ROWS] != dense[ROWS]).all()  # dense: momentum still moves rows 1, 3


def test_clipping_reads_and_scales_only_the_used_rows():
    table, grad = table_and_gradient()
    grad[0] = 1e6  # not a used row: ignored
    bias = np.array([3.0])
    expected = np.sqrt(np.sum(grad[ROWS] ** 2) + 9.0)
    used = grad[ROWS].copy()
    assert clip_by_global_norm([grad, bias], 1.0, rows={0: ROWS}) == pytest.approx(
        expected
    )
    assert_array_equal(grad[ROWS], used * (1.0 / expected))
    assert grad[0, 0] == 1e6


def test_checkpoint_restores_dense_and_recorded_rows_in_place():
    table, grad = table_and_gradient()
    kernel = np.ones((2, 2))
    opt = OPTIMIZERS["adam"]([table, kernel], learning_rate=0.1)
    opt.step([grad, np.ones((2, 2))], rows={0: ROWS})
    saved = [table.copy(), kernel.copy()] + [
        s.copy() for slots in opt.state.values() for s in slots
    ]
    checkpoint = Checkpoint(opt, row_sparse=[0])
    for rows in (ROWS, np.array([3, 4])):
        checkpoint.record({0: rows})
        opt.learning_rate = 5.0
        opt.step([grad + 1.0, np.ones((2, 2))], rows={0: rows})
    assert sorted(checkpoint.touched_rows(0)) == [1, 3, 4]
    checkpoint.restore()
    now = [table, kernel] + [s for slots in opt.state.values() for s in slots]
    for before, after in zip(saved, now):
        assert_array_equal(after, before)
    assert opt.iterations == 1 and opt.learning_rate == 0.1
    assert opt.params[0] is table


def test_a_failed_partial_fit_restores_the_embedding_rows_it_changed():
    rng = np.random.RandomState(0)
    ids = rng.randint(1, 500, size=(64, 12))
    clf = ScratchRNNClassifier(
        embedding_dim=4, hidden_size=4, vocab_size=500, batch_size=16, random_state=0
    ).partial_fit(ids, ids[:, 0] % 2, classes=[0, 1])
    before = [p.copy() for p in clf.network_.params]
    moments = [s.copy() for slots in clf._optimizer.state.values() for s in slots]
    bad = np.vstack([ids, ids])
    with pytest.raises(ValueError, match="inconsistent numbers of samples"):
        clf.partial_fit(bad, ids[:, 0] % 2)
    clf.set_params(learning_rate_init=1e300, solver="sgd", clip_norm=None)
    with pytest.raises(ValueError, match="diverged"):
        clf.partial_fit(ids * 0 + np.arange(1, 13), np.arange(64) % 2)
    for a, b in zip(clf.network_.params, before):
        assert_array_equal(a, b)
    for a, b in zip(
        [s for slots in clf._optimizer.state.values() for s in slots], moments
    ):
        assert_array_equal(a, b)


def test_partial_fit_cost_follows_the_batch_not_the_table():
    """A 2**20 x 32 table (128 MiB): one partial_fit allocates a few MiB."""
    rng = np.random.RandomState(0)
    clf = ScratchRNNClassifier(
        embedding_dim=32, hidden_size=8, vocab_size=2**20, random_state=0
    )
    ids = rng.randint(1, 2**20, size=(64, 20))
    clf.partial_fit(ids, ids[:, 0] % 2, classes=[0, 1])
    tracemalloc.start()
    try:
        clf.partial_fit(rng.randint(1, 2**20, size=(64, 20)), ids[:, 1] % 2)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 8 * 2**20
