"""The course notebooks' tasks, solved through the public estimators."""

import numpy as np
import pytest
from numpy.testing import assert_array_equal

from sklearn_rnn import ScratchRNNClassifier, ScratchRNNRegressor
from sklearn_rnn.datasets import (
    decode_bits,
    encode_binary_addition,
    make_binary_addition,
    make_count_ones,
)


def test_binary_addition_gets_every_bit_of_every_8_bit_sum_right():
    X, y = make_binary_addition(2000, n_bits=8, random_state=0)
    clf = ScratchRNNClassifier(
        cell="rnn",  # the course's Elman SimpleRNN
        hidden_size=16,
        return_sequences=True,
        learning_rate_init=0.01,
        batch_size=32,
        max_iter=60,
        random_state=0,
    ).fit(X, y)
    a, b = (grid.ravel() for grid in np.meshgrid(np.arange(128), np.arange(128)))
    X_all, y_all = encode_binary_addition(a, b, n_bits=8)
    predicted = clf.predict(X_all)
    assert predicted.shape == (128 * 128, 8)
    assert_array_equal(predicted, y_all)
    assert_array_equal(decode_bits(predicted), a + b)


def test_count_ones_linear_rnn_learns_unit_weights_and_generalises_to_length_36():
    X, y = make_count_ones(1000, length=10, random_state=0)
    reg = ScratchRNNRegressor(
        cell="rnn",
        hidden_size=1,
        activation="identity",
        conv_filters=(),  # the course's linear RNN alone
        solver="rprop",
        learning_rate_init=0.01,
        scale_input=False,  # the weights are read in the input's units
        scale_target=False,  # and in the target's
        max_iter=500,
        tol=1e-10,
        random_state=0,
    )
    reg.fit(X[:, :, None], y)  # (n, 10, 1): any length at predict
    X_long, y_long = make_count_ones(200, length=36, random_state=1)
    assert np.abs(reg.predict(X_long[:, :, None]) - y_long).max() < 0.5
    Wx, Wh, b, W_out, b_out = (float(p.ravel()[0]) for p in reg.network_.params)
    assert Wh == pytest.approx(1.0, abs=0.01)
    # The output layer may rescale the state: input weight 1 in its units.
    assert Wx * W_out == pytest.approx(1.0, abs=0.01)
    assert abs(b * W_out) < 0.05 and abs(b_out) < 0.05


def test_dataset_generators_are_seeded_and_consistent():
    X1, y1 = make_binary_addition(50, random_state=3)
    X2, y2 = make_binary_addition(50, random_state=3)
    assert_array_equal(X1, X2)
    assert_array_equal(
        decode_bits(y1), decode_bits(X1[:, :, 0]) + decode_bits(X1[:, :, 1])
    )
    assert X1[:, -1].max() == 0  # a, b < 2**7: top input bit is 0
    X, y = make_count_ones(20, length=7, random_state=0)
    assert X.shape == (20, 7) and set(np.unique(X)) <= {0.0, 1.0}
    assert_array_equal(y, X.sum(axis=1))
    with pytest.raises(ValueError, match="a \\+ b < 2\\*\\*n_bits"):
        encode_binary_addition([200], [100], n_bits=8)
