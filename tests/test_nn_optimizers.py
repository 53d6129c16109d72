"""One and two steps of each optimizer against hand-computed values; lazy
(row-sparse) updates of embedding tables and their clipping."""

import copy
import inspect

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
    assert_allclose(run(SGD, [G], learning_rate_init=0.1)[0], [0.95, 2.1])


def test_momentum_accumulates_velocity():
    first, second = run(Momentum, [G, G], learning_rate_init=0.1, momentum=0.9)
    assert_allclose(first, [0.95, 2.1])
    # v = 0.9 * (-0.05, 0.1) - 0.1 * g = (-0.095, 0.19)
    assert_allclose(second, [0.855, 2.29])


def test_adagrad():
    (w,) = run(AdaGrad, [G], learning_rate_init=0.1, epsilon=1e-7)
    assert_allclose(w, [1 - 0.05 / (0.5 + 1e-7), 2 + 0.1 / (1 + 1e-7)])


def test_rmsprop():
    (w,) = run(RMSprop, [G], learning_rate_init=0.1, rho=0.9, epsilon=0.0)
    # G = 0.1 g**2 -> step = 0.1 * g / (sqrt(0.1) |g|) = 0.1 / sqrt(0.1) = 0.316228
    assert_allclose(w, [1 - 0.31622777, 2 + 0.31622777], rtol=1e-7)


def test_adam_bias_correction_gives_lr_sized_steps():
    first, second = run(Adam, [G, G], learning_rate_init=0.1, epsilon=0.0)
    assert_allclose(first, [0.9, 2.1])
    assert_allclose(second, [0.8, 2.2])


def test_adam_with_changing_gradient():
    _, second = run(
        Adam, [[1.0, 1.0], [-1.0, 3.0]], learning_rate_init=0.1, epsilon=0.0
    )
    # step 2: m = 0.9 * 0.1 g1 + 0.1 g2; v = 0.999 * 0.001 g1^2 + 0.001 g2^2
    m = 0.09 * np.array([1.0, 1.0]) + 0.1 * np.array([-1.0, 3.0])
    v = 0.000999 * np.array([1.0, 1.0]) + 0.001 * np.array([1.0, 9.0])
    step = 0.1 * (m / 0.19) / np.sqrt(v / (1 - 0.999**2))
    assert_allclose(second, np.array([0.9, 1.9]) - step)


def test_rprop_grows_shrinks_and_skips_on_sign_flip():
    traj = run(Rprop, [G, G, -G, -G], learning_rate_init=0.01)
    assert_allclose(traj[0], [0.99, 2.01])  # initial step 0.01
    assert_allclose(traj[1], [0.978, 2.022])  # same sign: step 0.012
    assert_allclose(traj[2], [0.978, 2.022])  # sign flip: step 0.006, no move
    assert_allclose(traj[3], [0.984, 2.016])  # after the skip: move by 0.006


def test_state_round_trip_restores_the_optimizer_exactly():
    w = np.array([1.0, 2.0])
    opt = Adam([w], learning_rate_init=0.1)
    opt.step([G])
    saved, w_saved = copy.deepcopy(opt.state_dict()), w.copy()
    opt.step([G])
    opt.load_state_dict(saved)
    w[:] = w_saved
    opt.step([G])
    assert_allclose(w, run(Adam, [G, G], learning_rate_init=0.1)[1])


# --------------------------------------------------------------- the API
@pytest.mark.parametrize("solver", sorted(OPTIMIZERS))
def test_constructor_takes_every_setting_and_state_dict_holds_them(solver):
    cls = OPTIMIZERS[solver]
    names = cls.hyperparameter_names()
    assert names[:2] == ("learning_rate_init", "learning_rate_decay")
    assert list(inspect.signature(cls).parameters)[1:] == list(names)
    # Values inside every declared range, none of them the default.
    values = {
        name: {"eta_plus": 1.5, "step_max": 7.0}.get(name, 0.25 + 0.01 * k)
        for k, name in enumerate(names)
    }
    opt = cls([np.zeros(3)], **values)
    assert opt.get_hyperparameters() == values
    state = opt.state_dict()
    assert state["hyperparameters"] == values
    assert (state["iterations"], state["learning_rate"]) == (0, values[names[0]])
    assert list(state["slots"]) == list(cls.slots)
    assert all(
        arrays[0] is opt.state[name][0] for name, arrays in state["slots"].items()
    )


@pytest.mark.parametrize("solver", sorted(OPTIMIZERS))
def test_load_state_dict_makes_a_fresh_optimizer_step_as_the_saved_one(solver):
    rng = np.random.RandomState(0)
    grads = [rng.randn(2, 3) for _ in range(4)]
    w, other = np.ones((2, 3)), np.ones((2, 3))
    trained = OPTIMIZERS[solver]([w], learning_rate_init=0.1, learning_rate_decay=0.5)
    for grad in grads[:2]:
        trained.step([grad])
    trained.start_epoch(1)
    np.copyto(other, w)
    fresh = OPTIMIZERS[solver]([other])
    fresh.load_state_dict(trained.state_dict())
    assert fresh.learning_rate == trained.learning_rate == 0.05
    for grad in grads[2:]:
        trained.step([grad])
        fresh.step([grad])
    assert_array_equal(other, w)
    assert fresh.iterations == trained.iterations == 4
    for name, arrays in fresh.state_dict()["slots"].items():
        assert arrays[0] is not trained.state[name][0]
        assert_array_equal(arrays[0], trained.state[name][0])


def test_set_hyperparameters_checks_names_types_and_ranges_before_changing():
    opt = Adam([np.zeros(2)])
    opt.set_hyperparameters(beta_1=0.5, learning_rate_init=1)
    assert (opt.beta_1, opt.learning_rate_init) == (0.5, 1.0)
    with pytest.raises(ValueError, match="Adam has no hyperparameter 'momentum'"):
        opt.set_hyperparameters(beta_1=0.1, momentum=0.9)
    with pytest.raises(ValueError, match=r"Adam: beta_2 must be in \[0, 1\); got 1.0"):
        opt.set_hyperparameters(beta_1=0.2, beta_2=1.0)
    with pytest.raises(ValueError, match=r"learning_rate_decay must be in \(0, 1\]"):
        opt.set_hyperparameters(learning_rate_decay=float("nan"))
    with pytest.raises(TypeError, match="epsilon must be a real number; got True"):
        opt.set_hyperparameters(epsilon=True)
    with pytest.raises(TypeError, match="momentum must be a real number; got '0.9'"):
        Momentum([np.zeros(2)], momentum="0.9")
    assert opt.beta_1 == 0.5 and opt.beta_2 == 0.999  # nothing changed
    with pytest.raises(TypeError, match="Adam.. got an unexpected keyword .*'rho'"):
        Adam([np.zeros(2)], rho=0.9)


@pytest.mark.parametrize(
    "change, error, message",
    [
        (lambda s: s.pop("iterations"), ValueError, "a state has the keys"),
        (lambda s: s["hyperparameters"].pop("beta_2"), ValueError, "lacks .*beta_2"),
        (lambda s: s.update(iterations=-1), ValueError, "iterations must be >= 0"),
        (lambda s: s.update(iterations=1.5), TypeError, "iterations must be an int"),
        (lambda s: s.update(learning_rate=-1.0), ValueError, "learning_rate must be"),
        (lambda s: s["slots"].pop("second_moment"), ValueError, "its slots are"),
        (
            lambda s: s["slots"].update(first_moment=[np.zeros(3)]),
            ValueError,
            r"first_moment arrays have the shapes \[\(3,\)\]",
        ),
        (
            lambda s: s["slots"].update(first_moment=[np.array(["a", "b"])]),
            TypeError,
            "must hold floats",
        ),
        (
            lambda s: s["hyperparameters"].update(beta_1=2.0),
            ValueError,
            "beta_1 must be in",
        ),
    ],
)
def test_load_state_dict_refuses_a_bad_state_and_changes_nothing(
    change, error, message
):
    opt = Adam([np.zeros(2)], learning_rate_init=0.1)
    opt.step([G])
    state = copy.deepcopy(opt.state_dict())
    before = copy.deepcopy(state)
    change(state)
    with pytest.raises(error, match=message):
        opt.load_state_dict(state)
    after = opt.state_dict()
    assert after["hyperparameters"] == before["hyperparameters"]
    assert after["iterations"] == before["iterations"]
    for name, arrays in after["slots"].items():
        assert_array_equal(arrays[0], before["slots"][name][0])


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
    lazy_opt = OPTIMIZERS[solver]([table], learning_rate_init=0.1)
    dense_opt = OPTIMIZERS[solver]([compact], learning_rate_init=0.1)
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
    OPTIMIZERS["sgd"]([table], learning_rate_init=0.5).step([grad], rows={0: rows})
    OPTIMIZERS["sgd"]([dense], learning_rate_init=0.5).step([grad])
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
