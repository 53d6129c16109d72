"""ScratchRNNRegressor: target standardisation and its outputs."""

import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal

from sklearn_rnn import ScratchRNNRegressor

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
RNG = np.random.RandomState(0)
X = RNG.randn(60, 6, 2)
Y = np.c_[X[:, :, 0].sum(axis=1), X[:, -1, 1]]
FAST = dict(hidden_size=6, max_iter=5, random_state=0, dtype="float64")


def test_standardised_targets_make_the_fit_equivariant_to_their_units():
    """y in other units (a * y + b per output, a > 0) trains the same network."""
    a, b = np.array([1e4, 3.0]), np.array([2e5, -7.0])
    base = ScratchRNNRegressor(**FAST).fit(X, Y)
    moved = ScratchRNNRegressor(**FAST).fit(X, Y * a + b)
    for p, q in zip(base.network_.params, moved.network_.params):
        assert_allclose(p, q, rtol=1e-9, atol=1e-12)
    assert_allclose(moved.predict(X), base.predict(X) * a + b, rtol=1e-9)
    assert_allclose(moved.y_mean_, Y.mean(axis=0) * a + b, rtol=1e-12)
    assert_allclose(moved.y_scale_, Y.std(axis=0) * np.abs(a), rtol=1e-12)
    assert moved.score(X, Y * a + b) == pytest.approx(base.score(X, Y), rel=1e-9)


def test_scale_target_false_trains_on_the_raw_targets():
    reg = ScratchRNNRegressor(scale_target=False, **FAST).fit(X, Y[:, 0])
    assert_array_equal(reg.y_mean_, [0.0])
    assert_array_equal(reg.y_scale_, [1.0])
    assert reg.get_params()["scale_target"] is False


def test_weighted_statistics_and_per_step_targets_skip_padding():
    w = RNG.rand(60)
    reg = ScratchRNNRegressor(**FAST).fit(X, Y[:, 0], sample_weight=w)
    assert_allclose(reg.y_mean_, [np.average(Y[:, 0], weights=w)], rtol=1e-12)
    ragged = [X[i, : 2 + i % 4] for i in range(60)]
    targets = [np.cumsum(x[:, 0]) * 100 + 5 for x in ragged]
    seq = ScratchRNNRegressor(return_sequences=True, **FAST).fit(ragged, targets)
    assert_allclose(seq.y_mean_, [np.concatenate(targets).mean()], rtol=1e-12)
    assert seq.predict(ragged[:3]).shape == (3, 4)  # post-padded to the longest


def test_unscaled_airline_sized_targets_are_learned():
    """Targets in the hundreds (monthly airline passengers) with the defaults."""
    t = np.arange(130)
    series = 100 + 2.5 * t + 40 * np.sin(2 * np.pi * t / 12)
    windows = np.lib.stride_tricks.sliding_window_view(series, 13)
    X12, y = windows[:, :12, None], windows[:, 12]
    reg = ScratchRNNRegressor(random_state=0, max_iter=300).fit(X12 / 100, y)
    assert reg.score(X12 / 100, y) > 0.95


def test_regressor_single_and_multi_output():
    rng = np.random.RandomState(0)
    X = rng.randn(40, 5)
    params = dict(hidden_size=8, max_iter=5, random_state=0)
    reg = ScratchRNNRegressor(**params).fit(X, X.sum(axis=1))
    assert reg.predict(X).shape == (40,)
    reg = ScratchRNNRegressor(**params).fit(X, np.c_[X.sum(axis=1), X.max(axis=1)])
    assert reg.predict(X).shape == (40, 2)
    assert reg.n_outputs_ == 2


def test_return_sequences_regressor_multi_output_and_transform():
    rng = np.random.RandomState(5)
    X = rng.randn(10, 7, 2)
    y = np.cumsum(X, axis=1)
    params = dict(hidden_size=6, max_iter=4, random_state=0)
    reg = ScratchRNNRegressor(return_sequences=True, **params).fit(X, y)
    assert reg.predict(X).shape == (10, 7, 2)
    # per step: the recurrent state beside the convolutional branch's last
    # 32 filters (conv_filters="auto")
    assert reg.transform(X).shape == (10, 7, 6 + 32)


def test_early_stopping_starts_from_the_training_mean(monkeypatch):
    """The regressor's first early-stopping candidate is the constant training
    mean: a fit whose epochs all validate worse predicts exactly that."""
    rng = np.random.RandomState(0)
    X, y = rng.randn(40, 6, 2), rng.randn(40) * 3 + 10
    weights = rng.rand(40) + 0.5
    monkeypatch.setattr(
        ScratchRNNRegressor, "_validation_score", lambda self, *validation: -1e9
    )
    reg = ScratchRNNRegressor(
        hidden_size=4,
        early_stopping=True,
        max_iter=5,
        n_iter_no_change=2,
        random_state=0,
    ).fit(X, y, sample_weight=weights)
    assert reg.validation_scores_ == [-1e9] * reg.n_iter_
    assert reg.best_validation_score_ > -1e9  # the constant's own score
    assert_allclose(reg.predict(X), np.full(40, reg.y_mean_[0]))


def test_early_stopping_keeps_an_epoch_that_beats_the_mean():
    rng = np.random.RandomState(0)
    X = rng.randn(200, 6, 2)
    y = X[:, :, 0].sum(axis=1)
    reg = ScratchRNNRegressor(
        hidden_size=8, early_stopping=True, max_iter=30, random_state=0
    ).fit(X, y)
    assert reg.best_validation_score_ == max(reg.validation_scores_) > 0.5
    assert np.std(reg.predict(X)) > 1.0
