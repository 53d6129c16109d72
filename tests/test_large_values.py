"""Huge finite values: the fitted standardisations (``scale_input``,
``scale_target``, ``SequenceScaler``) are computed without overflow, so a fit
on values of any size is the fit on the same values rescaled; what cannot be
standardised in the model's precision is refused (issue 21, item 2)."""

import numpy as np
import pytest
from _persistence_data import saved
from numpy.testing import assert_allclose, assert_array_equal

from sklearn_rnn import ScratchRNNClassifier, ScratchRNNRegressor
from sklearn_rnn._input_scaling import step_moments
from sklearn_rnn.persistence import load_model
from sklearn_rnn.preprocessing import SequenceScaler

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")

FAST = dict(hidden_size=4, max_iter=3, random_state=0)
RNG = np.random.RandomState(0)
X = RNG.randn(40, 6, 2)
Y = (X[:, :, 0].sum(axis=1) > 0).astype(int)
TARGET = X[:, :, 1].sum(axis=1) + 3.0


@pytest.mark.parametrize("scale", [2.0**530, 2.0**-600, 2.0**1000])
def test_inputs_scaled_by_a_power_of_two_give_the_same_classifier(scale):
    """The rule: the standardised input does not depend on the input's scale.
    ``X * 1e160`` made input_scale_ infinite and every prediction equal."""
    reference = ScratchRNNClassifier(**FAST).fit(X, Y)
    scaled = ScratchRNNClassifier(**FAST).fit(X * scale, Y)
    assert_array_equal(scaled.input_scale_, reference.input_scale_ * scale)
    assert_array_equal(scaled.predict_proba(X * scale), reference.predict_proba(X))


def test_a_classifier_fitted_on_1e160_is_not_constant_and_round_trips(tmp_path):
    reference = ScratchRNNClassifier(**FAST).fit(X, Y)
    clf = ScratchRNNClassifier(**FAST).fit(X * 1e160, Y)
    assert np.isfinite(clf.input_scale_).all()
    proba = clf.predict_proba(X * 1e160)
    assert_allclose(proba, reference.predict_proba(X), rtol=1e-6)
    assert np.ptp(proba[:, 1]) > 0.01
    loaded = load_model(saved(clf, tmp_path))
    assert_array_equal(loaded.predict_proba(X * 1e160), proba)


@pytest.mark.parametrize("return_sequences", [False, True])
@pytest.mark.parametrize("scale", [2.0**600, 2.0**-600])
def test_targets_scaled_by_a_power_of_two_scale_the_predictions(
    return_sequences, scale
):
    y = X[:, :, 1].cumsum(axis=1) if return_sequences else TARGET
    params = dict(return_sequences=return_sequences, **FAST)
    reference = ScratchRNNRegressor(**params).fit(X, y).predict(X)
    reg = ScratchRNNRegressor(**params).fit(X, y * scale)
    assert_array_equal(reg.predict(X), reference * scale)


@pytest.mark.parametrize("scale", [1e154, 1e200, 1e300])
def test_huge_targets_give_finite_predictions(scale):
    """``y * 1e200`` made y_scale_ infinite and predict returned inf."""
    reference = ScratchRNNRegressor(**FAST).fit(X, TARGET).predict(X)
    reg = ScratchRNNRegressor(**FAST).fit(X, TARGET * scale)
    assert np.isfinite(reg.y_scale_).all()
    assert_allclose(reg.predict(X), reference * scale, rtol=1e-6)


@pytest.mark.parametrize("dtype, largest", [(np.float32, 3e38), (np.float64, 1.5e308)])
def test_inputs_that_overflow_when_standardised_are_refused(dtype, largest):
    X_edge = np.full(X.shape, largest, dtype=dtype)
    X_edge[0, 0] = -largest  # minus a mean near +largest: beyond the dtype
    clf = ScratchRNNClassifier(**FAST)
    with pytest.raises(
        ValueError, match=f"^X cannot be standardised in {np.dtype(dtype).name}"
    ):
        clf.fit(X_edge, Y)
    assert not hasattr(clf, "network_")


def test_targets_that_overflow_when_standardised_are_refused():
    reg = ScratchRNNRegressor(**FAST)
    with pytest.raises(ValueError, match="^y cannot be standardised in float64"):
        reg.fit(X, np.where(Y == 1, 1.5e308, -1.5e308))
    assert not hasattr(reg, "network_")


def test_step_moments_of_huge_values_are_the_scaled_moments():
    mean, std, weight = step_moments(X)
    for scale in (2.0**1000, 2.0**-1000):
        scaled_mean, scaled_std, scaled_weight = step_moments(X * scale)
        assert_array_equal(scaled_mean, mean * scale)
        assert_array_equal(scaled_std, std * scale)
        assert scaled_weight == weight == X.shape[0] * X.shape[1]
    big_mean, big_std, _ = step_moments(X * 1e300)
    assert_allclose(big_mean, mean * 1e300, rtol=1e-12)
    assert_allclose(big_std, std * 1e300, rtol=1e-12)


def test_the_sequence_scaler_standardises_huge_values():
    expected = SequenceScaler().fit_transform(X)
    assert_array_equal(SequenceScaler().fit_transform(X * 2.0**900), expected)
    assert_allclose(SequenceScaler().fit_transform(X * 1e160), expected, atol=1e-12)
