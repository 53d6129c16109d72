"""The checkpoint (``nn/checkpoint.py``) that undoes a failed call at the cost
of what it changed."""

import pickle

import numpy as np
from numpy.testing import assert_array_equal

from sklearn_rnn.nn.checkpoint import Checkpoint
from sklearn_rnn.nn.optimizers import OPTIMIZERS


def test_checkpoint_restores_dense_and_recorded_rows_in_place(row_sparse_gradient):
    table, grad, used = row_sparse_gradient
    kernel = np.ones((2, 2))
    opt = OPTIMIZERS["adam"]([table, kernel], learning_rate_init=0.1)
    opt.step([grad, np.ones((2, 2))], rows={0: used})
    saved = [table.copy(), kernel.copy()] + [
        s.copy() for slots in opt.state.values() for s in slots
    ]
    checkpoint = Checkpoint(opt, row_sparse=[0])
    for rows in (used, np.array([3, 4])):
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


def test_committed_values_are_those_of_when_the_checkpoint_was_taken(
    row_sparse_gradient,
):
    table, grad, used = row_sparse_gradient
    kernel = np.ones((2, 2))
    opt = OPTIMIZERS["adam"]([table, kernel], learning_rate_init=0.1)
    opt.step([grad, np.ones((2, 2))], rows={0: used})
    before = [table.copy(), kernel.copy()]
    slots_before = {
        name: [s.copy() for s in slots] for name, slots in opt.state.items()
    }
    checkpoint = Checkpoint(opt, row_sparse=[0])
    params, committed = checkpoint.committed()
    for rows in (used, np.array([3, 4])):
        checkpoint.record({0: rows})
        opt.step([grad + 1.0, np.ones((2, 2))], rows={0: rows})
    assert not np.array_equal(table, before[0])
    ids = np.array([[1, 0], [4, 5]])  # saved rows and untouched ones, any shape
    assert_array_equal(params[0][ids], before[0][ids])
    assert_array_equal(np.asarray(params[0]), before[0])
    assert_array_equal(params[1], before[1])
    assert committed.iterations == 1 and opt.iterations == 3
    for name, slots in committed.state.items():
        for got, expected in zip(slots, slots_before[name]):
            assert_array_equal(np.asarray(got), expected)
    restored = pickle.loads(pickle.dumps(params))  # pickled as plain arrays
    assert isinstance(restored[0], np.ndarray)
    assert_array_equal(restored[0], before[0])
