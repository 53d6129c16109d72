"""Losses on logits (``nn/losses.py``): stable for extreme logits."""

import numpy as np
import pytest

from sklearn_rnn.nn.losses import (
    SigmoidBinaryCrossEntropy,
    SoftmaxCrossEntropy,
    SquaredError,
)


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
