"""Spectral-norm constraint of the recurrent kernels (``nn/constraints.py``)."""

import numpy as np
import pytest
from numpy.testing import assert_allclose

from sklearn_rnn.nn.constraints import clip_spectral_norm


@pytest.mark.parametrize("shape", [(5, 5), (4, 12), (12, 4), (1, 3)])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_the_norm_is_the_largest_singular_value_and_is_clipped(shape, dtype):
    weight = np.random.RandomState(0).randn(*shape).astype(dtype) * 3
    original = weight.copy()
    expected = np.linalg.norm(original.astype(np.float64), 2)
    norm = clip_spectral_norm(weight, 0.5)
    assert norm == pytest.approx(expected, rel=1e-12)
    assert weight.dtype == dtype
    rtol = 1e-6 if dtype == np.float32 else 1e-12
    assert_allclose(np.linalg.norm(weight.astype(np.float64), 2), 0.5, rtol=rtol)
    # a rescaling: the direction of the matrix is kept
    assert_allclose(weight, original * (0.5 / expected), rtol=rtol)


def test_a_kernel_within_the_bound_is_left_untouched():
    weight = np.diag([0.9, -0.3, 0.1])
    before = weight.copy()
    assert clip_spectral_norm(weight, 1.0) == pytest.approx(0.9)
    assert np.array_equal(weight, before)
