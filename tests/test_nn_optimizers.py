"""One and two steps of each optimizer against hand-computed values; lazy
(row-sparse) updates of embedding tables and their clipping."""

import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal

from sklearn_rnn.nn.optimizers import (
    OPTIMIZERS,
    SGD,
    AdaGrad,
    Adam,
    Momentum,
    RMSprop,
    Rprop,
    clip_by_global_norm,
)

G = np.array([0.5, -1.0])


def run(optimizer_class, grads, **kwargs):
    w = np.array([1.0, 2.0])
    opt = optimizer_class([w], **kwargs)
    trajectory = []
    for g in grads:
        opt.step([np.array(g)])
        trajectory.append(w.copy())
    return trajectory


def test_sgd():
    assert_allclose(run(SGD, [G], learning_rate=0.1)[0], [0.95, 2.1])


def test_momentum_accumulates_velocity():
    first, second = run(Momentum, [G, G], learning_rate=0.1, momentum=0.9)
    assert_allclose(first, [0.95, 2.1])
    # v = 0.9 * (-0.05, 0.1) - 0.1 * g = (-0.095, 0.19)
    assert_allclose(second, [0.855, 2.29])


def test_adagrad():
    (w,) = run(AdaGrad, [G], learning_rate=0.1, epsilon=1e-7)
    assert_allclose(w, [1 - 0.05 / (0.5 + 1e-7), 2 + 0.1 / (1 + 1e-7)])


def test_rmsprop():
    (w,) = run(RMSprop, [G], learning_rate=0.1, rho=0.9, epsilon=0.0)
    # G = 0.1 g**2 -> step = 0.1 * g / (sqrt(0.1) |g|) = 0.1 / sqrt(0.1) = 0.316228
    assert_allclose(w, [1 - 0.31622777, 2 + 0.31622777], rtol=1e-7)


def test_adam_bias_correction_gives_lr_sized_steps():
    first, second = run(Adam, [G, G], learning_rate=0.1, epsilon=0.0)
    assert_allclose(first, [0.9, 2.1])
    assert_allclose(second, [0.8, 2.2])


def test_adam_with_changing_gradient():
    _, second = run(Adam, [[1.0, 1.0], [-1.0, 3.0]], learning_rate=0.1, epsilon=0.0)
    # step 2: m = 0.9 * 0.1 g1 + 0.1 g2; v = 0.999 * 0.001 g1^2 + 0.001 g2^2
    m = 0.09 * np.array([1.0, 1.0]) + 0.1 * np.array([-1.0, 3.0])
    v = 0.000999 * np.array([1.0, 1.0]) + 0.001 * np.array([1.0, 9.0])
    step = 0.1 * (m / 0.19) / np.sqrt(v / (1 - 0.999**2))
    assert_allclose(second, np.array([0.9, 1.9]) - step)


def test_rprop_grows_shrinks_and_skips_on_sign_flip():
    traj = run(Rprop, [G, G, -G, -G], learning_rate=0.01)
    assert_allclose(traj[0], [0.99, 2.01])  # initial step 0.01
    assert_allclose(traj[1], [0.978, 2.022])  # same sign: step 0.012
    assert_allclose(traj[2], [0.978, 2.022])  # sign flip: step 0.006, no move
    assert_allclose(traj[3], [0.984, 2.016])  # after the skip: move by 0.006


def test_state_round_trip_restores_the_optimizer_exactly():
    w = np.array([1.0, 2.0])
    opt = Adam([w], learning_rate=0.1)
    opt.step([G])
    saved, w_saved = opt.get_state(), w.copy()
    opt.step([G])
    opt.set_state(saved)
    w[:] = w_saved
    opt.step([G])
    assert_allclose(w, run(Adam, [G, G], learning_rate=0.1)[1])


@pytest.mark.parametrize("max_norm, expected_scale", [(10.0, 1.0), (2.5, 0.5)])
def test_clip_by_global_norm(max_norm, expected_scale):
    grads = [np.array([3.0]), np.array([[4.0]])]
    assert clip_by_global_norm(grads, max_norm) == 5.0
    assert_allclose(grads[0], [3.0 * expected_scale])
    assert_allclose(grads[1], [[4.0 * expected_scale]])


# ----------------------------------------------- row-sparse (lazy) updates
@pytest.mark.parametrize("solver", sorted(OPTIMIZERS))
def test_lazy_step_is_the_dense_step_of_the_used_rows_and_leaves_the_rest(
    solver, row_sparse_gradient
):
    table, grad, rows = row_sparse_gradient
    compact = table[rows].copy()
    lazy_opt = OPTIMIZERS[solver]([table], learning_rate=0.1)
    dense_opt = OPTIMIZERS[solver]([compact], learning_rate=0.1)
    before = table.copy()
    for step in range(3):
        lazy_opt.step([grad * (step + 1)], rows={0: rows})
        dense_opt.step([grad[rows] * (step + 1)])
    assert_array_equal(table[rows], compact)
    untouched = np.setdiff1d(np.arange(6), rows)
    assert_array_equal(table[untouched], before[untouched])
    for name, slots in lazy_opt.state.items():
        assert_array_equal(slots[0][rows], dense_opt.state[name][0])
        if solver != "rprop":  # Rprop's step sizes start at the learning rate
            assert not slots[0][untouched].any()


def test_lazy_sgd_equals_dense_sgd(row_sparse_gradient):
    table, grad, rows = row_sparse_gradient
    dense = table.copy()
    OPTIMIZERS["sgd"]([table], learning_rate=0.5).step([grad], rows={0: rows})
    OPTIMIZERS["sgd"]([dense], learning_rate=0.5).step([grad])
    assert_array_equal(table, dense)


def test_lazy_adam_differs_from_dense_adam_only_off_the_batch(row_sparse_gradient):
    """Dense Adam keeps moving a row by its momentum after the row left the
    batch; lazy Adam (PyTorch's SparseAdam) does not."""
    table, grad, rows = row_sparse_gradient
    dense = table.copy()
    lazy_opt, dense_opt = OPTIMIZERS["adam"]([table]), OPTIMIZERS["adam"]([dense])
    lazy_opt.step([grad], rows={0: rows})
    dense_opt.step([grad])
    assert_array_equal(table, dense)
    other = np.zeros_like(grad)
    other[0] = 1.0
    lazy_opt.step([other], rows={0: np.array([0])})
    dense_opt.step([other])
    assert_array_equal(table[0], dense[0])
    assert (table[rows] != dense[rows]).all()  # dense: momentum still moves rows 1, 3


def test_clipping_reads_and_scales_only_the_used_rows(row_sparse_gradient):
    table, grad, rows = row_sparse_gradient
    grad[0] = 1e6  # not a used row: ignored
    bias = np.array([3.0])
    expected = np.sqrt(np.sum(grad[rows] ** 2) + 9.0)
    used = grad[rows].copy()
    assert clip_by_global_norm([grad, bias], 1.0, rows={0: rows}) == pytest.approx(
        expected
    )
    assert_array_equal(grad[rows], used * (1.0 / expected))
    assert grad[0, 0] == 1e6
