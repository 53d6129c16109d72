"""The mini-batch loop (``_training.py``): time-major batches, the epoch's
weighted loss, skipped batches, divergence and its message."""

from types import SimpleNamespace

import numpy as np
import pytest
from _settings import EXPLODING
from numpy.testing import assert_array_equal
from sklearn.exceptions import ConvergenceWarning

from sklearn_rnn import ScratchRNNRegressor, TrainingDivergedError
from sklearn_rnn._training import TrainingData, divergence_message, run_epoch
from sklearn_rnn._validation import Sequences
from sklearn_rnn.nn import SGD, SquaredError, build_network

SMALL = dict(hidden_size=8, random_state=0, batch_size=16)


@pytest.fixture
def scaled_data(sum_sign):
    """Inputs of scale 5; ``target``: a regression target in the hundreds."""
    X, y = sum_sign(40, 6, 2, scale=5)
    return X, y, X[:, :, 1].sum(axis=1) * 100


# ------------------------------------------------------- TrainingData.batch
VALUES = np.arange(12, dtype=np.float32).reshape(3, 2, 2)  # (N=3, T=2, D=2)
MASK = np.array([[True, True], [True, False], [True, False]])
WEIGHTS = np.array([0.5, 2.0, 3.0])


def test_batch_is_time_major_and_contiguous():
    target = np.array([[10.0], [11.0], [12.0]])
    data = TrainingData(Sequences(VALUES, None), target, WEIGHTS, per_step=False)
    x, mask, y, w = data.batch(np.array([2, 0]))
    assert_array_equal(x, [[[8, 9], [0, 1]], [[10, 11], [2, 3]]])
    assert x.flags["C_CONTIGUOUS"] and x.dtype == np.float32
    assert mask is None
    assert_array_equal(y, [[12.0], [10.0]])
    assert_array_equal(w, [3.0, 0.5])
    assert data.n_samples == 3


def test_per_step_weights_are_zero_on_padding():
    target = np.array([[1, 2], [3, 4], [5, 6]])
    data = TrainingData(Sequences(VALUES, MASK), target, WEIGHTS, per_step=True)
    x, mask, y, w = data.batch(np.array([2, 0]))
    assert_array_equal(mask, [[True, True], [False, True]])
    assert_array_equal(y, [[5, 1], [6, 2]])
    assert_array_equal(w, [[3.0, 0.5], [0.0, 0.5]])
    assert w.dtype == np.float32  # the input's precision
    unmasked = TrainingData(Sequences(VALUES, None), target, WEIGHTS, per_step=True)
    assert_array_equal(unmasked.batch(np.array([2, 0]))[3], [[3.0, 0.5], [3.0, 0.5]])


def test_token_id_batches_weigh_steps_in_float32():
    ids = np.array([[4, 5, 0], [6, 7, 8]])
    data = TrainingData(
        Sequences(ids, ids != 0), np.zeros((2, 3)), np.ones(2), per_step=True
    )
    x, _, _, w = data.batch(np.array([0, 1]))
    assert_array_equal(x, [[4, 6], [5, 7], [0, 8]])
    assert w.dtype == np.float32
    assert_array_equal(w, [[1, 1], [1, 1], [0, 1]])


# ------------------------------------------------------------------ run_epoch
def sum_network(return_sequences=False):
    """A one-unit linear RNN: ``h_t = h_{t-1} + x_t``, output ``2 h + 0.5``."""
    net = build_network(
        1,
        1,
        SquaredError(),
        hidden_size=1,
        activation="identity",
        return_sequences=return_sequences,
        dtype=np.float64,
    )
    cell, output = net.layers[0].cell, net.layers[-1]
    cell.kernel[...] = cell.recurrent_kernel[...] = 1.0  # the bias stays 0
    output.kernel[...], output.bias[...] = 2.0, 0.5
    return net


# Sums over time 3, -1 and 1: outputs 6.5, -1.5 and 2.5.
X_SUM = np.array([[1.0, 2.0], [0.0, -1.0], [0.5, 0.5]])[:, :, None]
# Half squared errors 0.125, 1.125 and 2.0.
Y_SUM = np.array([[6.0], [0.0], [0.5]])


@pytest.mark.parametrize("batch_size", [1, 2, 3])
@pytest.mark.parametrize("shuffle", [False, True])
def test_run_epoch_returns_the_sample_weighted_mean_loss(batch_size, shuffle):
    net = sum_network()
    before = [p.copy() for p in net.params]
    data = TrainingData(
        Sequences(X_SUM, None), Y_SUM, np.array([1.0, 3.0, 2.0]), per_step=False
    )
    optimizer = SGD(net.params, learning_rate_init=0.0)
    rng = np.random.RandomState(0)
    loss = run_epoch(net, optimizer, data, batch_size, rng, shuffle, None)
    # (1 * 0.125 + 3 * 1.125 + 2 * 2.0) / 6, whatever the batches
    assert loss == pytest.approx(1.25, rel=1e-12)
    assert optimizer.iterations == -(-3 // batch_size)
    for a, b in zip(net.params, before):
        assert_array_equal(a, b)


def test_run_epoch_skips_a_batch_with_zero_weight():
    # Training on the last batch would raise: its weights sum to zero.
    net = sum_network()
    data = TrainingData(
        Sequences(X_SUM, None), Y_SUM, np.array([1.0, 3.0, 0.0]), per_step=False
    )
    optimizer = SGD(net.params, learning_rate_init=0.0)
    loss = run_epoch(net, optimizer, data, 2, np.random.RandomState(0), False, None)
    assert loss == (1 * 0.125 + 3 * 1.125) / 4
    assert optimizer.iterations == 1
    nothing = TrainingData(Sequences(X_SUM, None), Y_SUM, np.zeros(3), per_step=False)
    assert np.isnan(run_epoch(net, optimizer, nothing, 2, None, False, None))
    assert optimizer.iterations == 1


def test_run_epoch_skips_a_batch_that_is_all_padding():
    net = sum_network(return_sequences=True)
    # Per step: outputs [2.5, 6.5], [0.5, -1.5]; sample 2 is padding only.
    target = np.array([[2.5, 6.0], [0.5, 0.0], [9.0, 9.0]])[:, :, None]
    mask = np.array([[True, True], [True, True], [False, False]])
    data = TrainingData(
        Sequences(X_SUM, mask), target, np.array([1.0, 3.0, 2.0]), per_step=True
    )
    optimizer = SGD(net.params, learning_rate_init=0.0)
    loss = run_epoch(net, optimizer, data, 2, np.random.RandomState(0), False, None)
    assert loss == (0.125 * 1 + 1.125 * 3) / 8  # step weights: 2 x (1 + 3)
    assert optimizer.iterations == 1


def test_a_nan_loss_raises_before_its_batch_updates_the_weights():
    X = np.vstack([X_SUM, X_SUM[:1]])
    X[3, 1, 0] = np.nan
    y, weights = np.vstack([Y_SUM, Y_SUM[:1]]), np.ones(4)
    net = sum_network()
    optimizer = SGD(net.params, learning_rate_init=0.1)
    data = TrainingData(Sequences(X, None), y, weights, per_step=False)
    with pytest.raises(TrainingDivergedError) as info:
        run_epoch(net, optimizer, data, 2, None, False, 1.0)
    assert str(info.value) == "loss"
    assert optimizer.iterations == 1
    # The weights are those after the first batch only.
    reference = sum_network()
    first = TrainingData(Sequences(X[:2], None), y[:2], weights[:2], per_step=False)
    run_epoch(reference, SGD(reference.params, 0.1), first, 2, None, False, 1.0)
    assert not np.array_equal(reference.params[3], sum_network().params[3])
    for a, b in zip(net.params, reference.params):
        assert_array_equal(a, b)


# ------------------------------------------------------- divergence_message
def settings(**changes):
    safe = dict(
        learning_rate_init=0.01,
        clip_norm=1.0,
        init="xavier",
        recurrent_init="orthogonal",
        cell="rnn",
        activation="tanh",
        recurrent_max_norm=None,
        scale_input=True,
        embedding_dim=None,
    )
    return SimpleNamespace(**{**safe, **changes})


def test_divergence_message_with_safe_settings_suggests_the_learning_rate():
    assert divergence_message("loss", settings()) == (
        "Training diverged: the loss became infinite or NaN. Try: lower "
        "learning_rate_init (now 0.01)."
    )


def test_divergence_message_lists_every_fix_not_in_effect():
    reckless = settings(
        learning_rate_init=1e6, clip_norm=None, init="he", activation="relu"
    )
    assert divergence_message("gradient", reckless) == (
        "Training diverged: the gradient became infinite or NaN. Try: lower "
        "learning_rate_init (now 1e+06); set clip_norm (e.g. 1.0); the default "
        "init='xavier' and recurrent_init='orthogonal'; recurrent_max_norm=1.0 "
        "(no recurrence can then explode); a bounded activation ('tanh' instead "
        "of 'relu')."
    )


@pytest.mark.parametrize(
    "changes, fix",
    [
        ({"clip_norm": 5.0}, "a smaller clip_norm (now 5; e.g. 1.0)"),
        ({"recurrent_init": "normal"}, "the default init='xavier'"),
        ({"activation": "identity"}, "('tanh' instead of 'identity')"),
        ({"activation": "identity"}, "recurrent_max_norm=1.0"),
        ({"scale_input": False}, "scale_input=True (large raw inputs overflow)"),
        ({"scale_target": False}, "scale_target=True (large raw targets overflow)"),
    ],
)
def test_divergence_message_names_each_fix(changes, fix):
    assert fix in divergence_message("weights", settings(**changes))
    assert fix not in divergence_message("weights", settings())


def test_divergence_message_suggests_input_scaling_only_for_dense_input():
    assert "scale_input" not in divergence_message(
        "loss", settings(scale_input=False, embedding_dim=8)
    )


def test_divergence_message_suggests_the_norm_bound_only_where_it_helps():
    assert "recurrent_max_norm" not in divergence_message(
        "loss", settings(activation="identity", recurrent_max_norm=1.0)
    )
    assert "recurrent_max_norm" not in divergence_message(
        "loss", settings(activation="identity", cell="gru")
    )


# ----------------------------------------------------- spectral-norm bound
def counted_ids(n, length, rng):
    """Token ids whose label is whether ids < 50 outnumber ids in [50, 100)."""
    X = rng.randint(2, 500, size=(n, length))
    y = ((X < 50).sum(axis=1) > ((X >= 50) & (X < 100)).sum(axis=1)).astype(int)
    return X, y


@pytest.mark.parametrize("max_norm", [None, 1.0])
def test_the_norm_bound_keeps_a_linear_recurrence_from_exploding(max_norm, monkeypatch):
    """A linear RNN averaged over 300 steps: without the bound, an Adam step
    lifts the recurrent kernel's spectral radius above 1 and a batch loss
    explodes (about 150 for 0.69 at the start); with it, no batch loss
    exceeds its start by half and the task is learnt."""
    from sklearn_rnn import ScratchRNNClassifier
    from sklearn_rnn.nn.network import Network

    losses, original = [], Network.loss_and_gradients

    def recorded(self, *args, **kwargs):
        losses.append(float(original(self, *args, **kwargs)))
        return losses[-1]

    monkeypatch.setattr(Network, "loss_and_gradients", recorded)
    X, y = counted_ids(1000, 300, np.random.RandomState(0))
    clf = ScratchRNNClassifier(
        cell="rnn",
        activation="identity",
        embedding_dim=8,
        hidden_size=8,
        pooling="mean",
        learning_rate_init=0.005,
        max_iter=3,
        tol=0.0,
        random_state=0,
        recurrent_max_norm=max_norm,
    ).fit(X, y)
    kernel = clf.network_.named_params()["rnn.0.recurrent_kernel"]
    if max_norm is None:
        assert max(losses) > 3 * losses[0]  # measured: 0.69 -> 150
        return
    assert np.linalg.norm(kernel.astype(np.float64), 2) <= 1.0 + 1e-6
    assert max(losses) < 1.5 * losses[0]
    assert clf.score(X, y) > 0.9


# ----------------------------------------------------- estimator divergence
def test_divergence_raises_a_clear_error_and_keeps_no_model(scaled_data):
    X, y, target = scaled_data
    reg = ScratchRNNRegressor(**EXPLODING)
    with pytest.raises(TrainingDivergedError, match="learning_rate_init.*clip_norm"):
        reg.fit(X, target)
    assert not hasattr(reg, "network_")


def test_clipping_prevents_the_divergence(scaled_data):
    X, y, target = scaled_data
    params = {**EXPLODING, "learning_rate_init": 1e-3, "clip_norm": 1.0}
    reg = ScratchRNNRegressor(**params).fit(X, target)
    assert np.isfinite(reg.predict(X)).all()


def test_early_stopping_restores_the_last_finite_best_on_divergence(scaled_data):
    X, y, target = scaled_data
    reg = ScratchRNNRegressor(**{**EXPLODING, "early_stopping": True})
    with pytest.warns(ConvergenceWarning, match="diverged.*restored the weights"):
        reg.fit(X, target)
    assert all(np.isfinite(p).all() for p in reg.network_.params)
    assert np.isfinite(reg.predict(X)).all()


def test_divergence_message_suggests_only_what_is_not_in_effect(sum_sign):
    X, y = sum_sign(96, 8, 2)
    clf = ScratchRNNRegressor(
        scale_target=False,
        early_stopping=False,  # with it, a divergence restores the best epoch
        learning_rate_init=1e9,
        solver="sgd",
        dtype="float32",
        max_iter=3,
        clip_norm=1.0,
        **SMALL,
    )
    with pytest.raises(TrainingDivergedError) as info:
        clf.fit(X * 1e4, y * 1e30)
    message = str(info.value)
    assert "lower learning_rate_init (now 1e+09)" in message
    assert (
        "clip_norm" not in message
        and "init=" not in message
        and "activation" not in message
    )
    reckless = ScratchRNNRegressor(
        scale_target=False,
        early_stopping=False,  # with it, a divergence restores the best epoch
        learning_rate_init=1e9,
        solver="sgd",
        dtype="float32",
        clip_norm=None,
        init="he",
        activation="relu",
        max_iter=3,
        **SMALL,
    )
    with pytest.raises(
        TrainingDivergedError, match="set clip_norm.*init='xavier'.*'tanh'"
    ):
        reckless.fit(X * 1e4, y * 1e30)
