"""The checkpoint (``nn/checkpoint.py``) that undoes a failed call at the cost
of what it changed."""

import numpy as np
from numpy.testing import assert_array_equal

from sklearn_rnn.nn.checkpoint import Checkpoint
from sklearn_rnn.nn.optimizers import OPTIMIZERS


def test_checkpoint_restores_dense_and_recorded_rows_in_place(row_sparse_gradient):
    table, grad, used = row_sparse_gradient
    kernel = np.ones((2, 2))
    opt = OPTIMIZERS["adam"]([table, kernel], learning_rate=0.1)
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
