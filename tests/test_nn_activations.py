"""The float32 sigmoid (``0.5 * tanh(0.5 * a) + 0.5``) against a float64
reference, and the exact float64 path."""

import numpy as np
from numpy.testing import assert_array_equal
from scipy.special import expit

from sklearn_rnn.nn.activations import get_activation, sigmoid


def float32_inputs():
    """A dense grid over the whole non-saturated range, powers of two down to
    the smallest subnormal (both signs), and the extremes."""
    grid = np.linspace(-40.0, 40.0, 2_000_001, dtype=np.float32)
    powers = np.ldexp(np.float32(1.0), -np.arange(150)).astype(np.float32)
    extremes = np.array(
        [np.inf, -np.inf, np.finfo(np.float32).max, -np.finfo(np.float32).max, 0.0]
    ).astype(np.float32)
    return np.concatenate([grid, powers, -powers, extremes])


def test_float32_sigmoid_is_within_one_float32_rounding_of_the_exact_value():
    a = float32_inputs()
    exact = expit(a.astype(np.float64))
    s = sigmoid(a)
    assert s.dtype == np.float32
    error = np.abs(s.astype(np.float64) - exact)
    # One ulp of values in [0.5, 1) is 2**-24 = 5.96e-8; measured 5.98e-8
    # (scipy's own float32 expit: 8.9e-8).
    assert error.max() <= 6.1e-8
    assert error.max() <= np.abs(expit(a).astype(np.float64) - exact).max()
    assert s.min() >= 0.0 and s.max() <= 1.0
    assert_array_equal(
        sigmoid(np.array([0.0, np.inf, -np.inf], np.float32)), [0.5, 1, 0]
    )


def test_float32_sigmoid_writes_in_place_and_into_views():
    rng = np.random.RandomState(0)
    a = (rng.randn(6, 8) * 5).astype(np.float32)
    expected = sigmoid(a.copy())
    view = a[:, 2:6]
    out = sigmoid(view, out=view)
    assert out is view
    assert_array_equal(a[:, 2:6], expected[:, 2:6])
    assert_array_equal(get_activation("sigmoid").forward(a[:, :2]), expected[:, :2])


def test_float64_sigmoid_is_within_three_ulps_of_expit_everywhere():
    a = np.concatenate(
        [np.linspace(-800, 800, 200_001), [1e4, -1e4, np.inf, -np.inf, 0.0, -0.0]]
    )
    exact = expit(a)
    s = sigmoid(a)
    relative = np.abs(s - exact) / np.where(exact > 0, exact, 1.0)
    assert relative.max() <= 3 * np.finfo(np.float64).eps
    assert_array_equal(s[-6:], [1.0, 0.0, 1.0, 0.0, 0.5, 0.5])  # exact limits
    out = np.empty_like(a)
    assert sigmoid(a, out=out) is out
    assert_array_equal(out, s)


def test_other_dtypes_use_expit_exactly():
    a = np.linspace(-30, 30, 1001).astype(np.float16)
    assert_array_equal(sigmoid(a), expit(a))
    out = np.empty_like(a)
    assert sigmoid(a, out=out) is out
