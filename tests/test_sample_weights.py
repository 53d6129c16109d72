"""Sample weights: only their ratios matter (``normalized_sample_weight``), so
weights far from 1 neither underflow nor overflow in float32 models; weights
that leave nothing to learn from or to score are refused by name."""

import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal

from sklearn_rnn import ScratchRNNClassifier, ScratchRNNRegressor
from sklearn_rnn._training import normalized_sample_weight

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")

FAST = dict(hidden_size=4, max_iter=3, batch_size=8, random_state=0)
RNG = np.random.RandomState(0)
X = RNG.randn(40, 6, 2).astype(np.float32)
LABELS = (X[:, :, 0].sum(axis=1) > 0).astype(int)
PER_STEP = (X[:, :, 0] > 0).astype(int)
WEIGHTS = RNG.rand(40) + 0.5  # ordinary weights of mean 1


def fitted(weights, dtype="float32", **params):
    cases = {
        "many-to-one": (ScratchRNNClassifier, LABELS, {}),
        "per-step": (ScratchRNNClassifier, PER_STEP, {"return_sequences": True}),
        "regressor": (ScratchRNNRegressor, X[:, :, 1].sum(axis=1) * 100, {}),
        "per-step-regressor": (
            ScratchRNNRegressor,
            X[:, :, 1].cumsum(axis=1),
            {"return_sequences": True},
        ),
    }
    Est, y, options = cases[params.pop("case", "many-to-one")]
    return Est(dtype=dtype, **FAST, **options, **params).fit(
        X, y, sample_weight=weights
    )


def assert_same_fit(a, b, exact):
    compare = assert_array_equal if exact else assert_allclose
    compare(a.loss_curve_, b.loss_curve_)
    for got, expected in zip(a.network_.params, b.network_.params, strict=True):
        if exact:
            assert_array_equal(got, expected)
        else:
            assert_allclose(got, expected, rtol=1e-4, atol=1e-6)


CASES = ["many-to-one", "per-step", "regressor", "per-step-regressor"]


@pytest.mark.parametrize("case", CASES)
@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("scale", [2.0**-160, 2.0**-20, 0.5, 4.0, 2.0**100])
def test_weights_scaled_by_a_power_of_two_give_a_bit_identical_fit(case, dtype, scale):
    """The rule: only the ratios of the weights matter."""
    reference = fitted(WEIGHTS, dtype, case=case)
    assert_same_fit(fitted(WEIGHTS * scale, dtype, case=case), reference, exact=True)


@pytest.mark.parametrize("case", CASES)
@pytest.mark.parametrize("scale", [1e-46, 1e-3, 3.0, 1e39, 1e300])
def test_weights_of_any_scale_give_the_same_fit_in_float32(case, scale):
    """1e-46 underflowed and 1e39 overflowed float32: [nan] curves, or a
    'Training diverged' that blamed the learning rate."""
    reference = fitted(WEIGHTS, case=case)
    scaled = fitted(WEIGHTS * scale, case=case)
    assert np.isfinite(scaled.loss_curve_).all()
    assert_same_fit(scaled, reference, exact=False)


def test_normalized_weights_keep_every_ratio_and_have_a_mean_of_1():
    for weights in ([1e-46, 3e-46], [1e308, 1e308, 0.0], [5e-324, 0.0], [7.0]):
        weights = np.array(weights)
        out = normalized_sample_weight(weights)
        assert_allclose(out.mean(), 1.0, rtol=1e-15)
        assert_allclose(out / out.max(), weights / weights.max(), rtol=1e-15)
    # any scale gives the same float32 weights, so the same float32 fit
    for scale in (1e-46, 1e-3, 3.0, 1e39, 1e300):
        assert_array_equal(
            normalized_sample_weight(WEIGHTS * scale).astype(np.float32),
            normalized_sample_weight(WEIGHTS).astype(np.float32),
        )


def test_weights_that_sum_to_zero_are_still_refused():
    # scikit-learn >= 1.9 says so itself, in its own words
    with pytest.raises(ValueError, match="(?i)sample.?weights? must (have|contain)"):
        fitted(np.zeros(40))


@pytest.mark.parametrize("Est", [ScratchRNNClassifier, ScratchRNNRegressor])
def test_early_stopping_split_with_only_zero_weights_is_refused_by_name(Est):
    """The validation (or training) split of 20 of 40 samples, when only one
    sample has a weight, holds no weight half the time."""
    y = LABELS if Est is ScratchRNNClassifier else X[:, 0, 0]
    weights = np.zeros(40)
    weights[0] = 1.0
    messages = set()
    for seed in range(6):
        est = Est(
            early_stopping=True,
            validation_fraction=0.5,
            **{**FAST, "random_state": seed},
        )
        with pytest.raises(ValueError) as info:
            est.fit(X, y, sample_weight=weights)
        assert "validation_fraction=0.5" in str(info.value)
        messages.add(str(info.value).split(" split")[0])
        assert not hasattr(est, "network_")
    assert messages == {
        "early_stopping: every sample of the training",
        "early_stopping: every sample of the validation",
    }
