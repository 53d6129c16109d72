"""Divergence, atomicity, reproducibility, memory bounds and numerics."""

import copy
import tracemalloc

import numpy as np
import pytest
from numpy.testing import assert_array_equal
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import GridSearchCV

import sklearn_rnn._inference as inference
from sklearn_rnn import ScratchRNNClassifier, ScratchRNNRegressor, TrainingDivergedError
from sklearn_rnn.nn.losses import (
    SigmoidBinaryCrossEntropy,
    SoftmaxCrossEntropy,
    SquaredError,
)

EXPLODING = dict(
    activation="relu",
    init="normal",
    recurrent_init="he",
    solver="sgd",
    learning_rate_init=1e6,
    clip_norm=None,
    hidden_size=8,
    max_iter=20,
    random_state=0,
    dtype="float32",
)


@pytest.fixture
def data():
    rng = np.random.RandomState(0)
    X = rng.randn(40, 6, 2) * 5
    return X, (X[:, :, 0].sum(axis=1) > 0).astype(int), X[:, :, 1].sum(axis=1) * 100


def snapshot(estimator):
    """Everything the estimator holds, comparable with ``assert_same_state``."""
    return copy.deepcopy(estimator.__dict__)


def assert_same_state(before, after):
    """Equal fitted state; hyperparameters (changed by set_params) are not compared."""
    assert before.keys() == after.keys()
    hyperparameters = ScratchRNNClassifier().get_params().keys()
    for key, value in before.items():
        if key in hyperparameters:
            continue
        if key == "network_":
            for a, b in zip(value.params, after[key].params):
                assert_array_equal(a, b)
        elif key == "_optimizer":
            old, new = value.get_state(), after[key].get_state()
            assert old["iterations"] == new["iterations"]
            for name in old["slots"]:
                for a, b in zip(old["slots"][name], new["slots"][name]):
                    assert_array_equal(a, b)
        elif key == "_random_state":
            assert_array_equal(value.get_state()[1], after[key].get_state()[1])
        elif isinstance(value, np.ndarray):
            assert_array_equal(value, after[key])
        elif key != "_label_binarizer":
            assert value == after[key], key


def test_divergence_raises_a_clear_error_and_keeps_no_model(data):
    X, y, target = data
    reg = ScratchRNNRegressor(**EXPLODING)
    with pytest.raises(TrainingDivergedError, match="learning_rate_init.*clip_norm"):
        reg.fit(X, target)
    assert not hasattr(reg, "network_")


def test_divergence_in_warm_start_keeps_the_previous_model(data):
    X, y, target = data
    reg = ScratchRNNRegressor(
        **{
            **EXPLODING,
            "activation": "identity",
            "learning_rate_init": 1e-3,
            "max_iter": 2,
        }
    )
    reg.fit(X, target)
    before = snapshot(reg)
    reg.set_params(learning_rate_init=1e6, warm_start=True)
    with pytest.raises(TrainingDivergedError):
        reg.fit(X, target)
    assert_same_state(before, snapshot(reg))
    assert all(np.isfinite(p).all() for p in reg.network_.params)


def test_clipping_prevents_the_divergence(data):
    X, y, target = data
    params = {**EXPLODING, "learning_rate_init": 1e-3, "clip_norm": 1.0}
    reg = ScratchRNNRegressor(**params).fit(X, target)
    assert np.isfinite(reg.predict(X)).all()


def test_early_stopping_restores_the_last_finite_best_on_divergence(data):
    X, y, target = data
    reg = ScratchRNNRegressor(**{**EXPLODING, "early_stopping": True})
    with pytest.warns(ConvergenceWarning, match="diverged.*restored the weights"):
        reg.fit(X, target)
    assert all(np.isfinite(p).all() for p in reg.network_.params)
    assert np.isfinite(reg.predict(X)).all()


@pytest.mark.parametrize(
    "bad_call",
    [
        lambda est, X, y: est.partial_fit(X, np.full(len(y), 5)),  # unseen label
        lambda est, X, y: est.partial_fit(X[:, :, :1], y),  # wrong features
        lambda est, X, y: est.partial_fit(
            X, y, sample_weight=np.ones(3)
        ),  # bad weights
        lambda est, X, y: est.partial_fit(X * np.nan, y),  # NaN input
        lambda est, X, y: est.set_params(
            learning_rate_init=1e9, clip_norm=None, batch_size=4, solver="sgd"
        ).partial_fit(X * 1e3, y),  # diverges mid-epoch
    ],
)
def test_failed_partial_fit_leaves_the_estimator_exactly_as_it_was(data, bad_call):
    X, y, _ = data
    clf = ScratchRNNClassifier(hidden_size=8, activation="identity", random_state=0)
    clf.partial_fit(X, y, classes=[0, 1])
    clf.partial_fit(X, y)
    before = snapshot(clf)
    with pytest.raises((ValueError, TypeError)):
        bad_call(clf, X, y)
    assert_same_state(before, snapshot(clf))


def test_grid_search_is_reproducible_across_processes(data):
    X, y, _ = data
    grid = {"hidden_size": [4, 8], "learning_rate_init": [0.01, 0.05]}
    est = ScratchRNNClassifier(max_iter=5, random_state=0)
    results = [
        GridSearchCV(est, grid, cv=3, n_jobs=n_jobs).fit(X, y).cv_results_
        for n_jobs in (1, 2)
    ]
    assert_array_equal(results[0]["mean_test_score"], results[1]["mean_test_score"])
    assert_array_equal(results[0]["split0_test_score"], results[1]["split0_test_score"])


def test_predict_works_in_bounded_chunks(data, monkeypatch):
    X, y, _ = data
    clf = ScratchRNNClassifier(hidden_size=8, max_iter=2, random_state=0)
    clf.fit(X.astype(np.float32), y)  # a float32 model: the input is not converted
    big = np.random.RandomState(1).randn(3000, 50, 2).astype(np.float32)
    expected = clf.predict_proba(big)
    monkeypatch.setattr(inference, "PREDICT_CHUNK_BYTES", 2**18)  # 256 KiB of states
    tracemalloc.start()
    chunked = clf.predict_proba(big)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    np.testing.assert_allclose(chunked, expected, rtol=1e-6)
    # input copy chunks + states: far below one full pass (3000 * 50 * 8 * 4 B
    # per layer, ~5 MB) on top of the output.
    assert peak < 2.5 * 2**20


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_losses_are_finite_and_exact_for_extreme_logits(dtype):
    logits = np.array([[1e4, -1e4], [-1e4, 1e4]], dtype=dtype)
    weights = np.ones(2, dtype=dtype)
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        loss, grad = SoftmaxCrossEntropy().loss_and_gradient(
            logits, np.array([1, 1]), weights
        )
        assert loss == pytest.approx(1e4, rel=1e-6)  # one sample wrong by 2e4 / 2
        assert np.isfinite(grad).all()
        loss, grad = SigmoidBinaryCrossEntropy().loss_and_gradient(
            logits, np.array([[1.0, 0.0], [1.0, 0.0]], dtype=dtype), weights
        )
        assert loss == pytest.approx(1e4, rel=1e-6)  # row 2: 1e4 per output, / 2 rows
        assert np.isfinite(grad).all()
        loss, _ = SquaredError().loss_and_gradient(
            logits[:, :1], np.zeros((2, 1), dtype), weights
        )
        assert loss == pytest.approx(0.5e8, rel=1e-6)
