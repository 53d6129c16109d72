"""The flat branch (``flat_units``): the Flatten layer's values and gradients,
and the estimators that build it (the gradients of networks with the branch:
``test_nn_gradients.py``)."""

import warnings

import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal

from sklearn_rnn import ScratchRNNClassifier, ScratchRNNRegressor
from sklearn_rnn.nn.gradcheck import numerical_gradient
from sklearn_rnn.nn.layers import Flatten

T, N, D = 5, 4, 2


def ragged(rng):
    """(T, N, D) values and a mask: post-, pre-, interior padding, none."""
    mask = np.ones((T, N), bool)
    mask[3:, 0] = False
    mask[:2, 1] = False
    mask[2, 2] = False
    return rng.randn(T, N, D), mask


def mlp_input(x, mask, steps):
    """What an MLP reads: each sequence's valid steps, zero-padded, flat."""
    rows = []
    for n in range(x.shape[1]):
        valid = x[mask[:, n], n][:steps]
        padded = np.zeros((steps, x.shape[2]))
        padded[: len(valid)] = valid
        rows.append(padded.ravel())
    return np.array(rows)


@pytest.mark.parametrize("steps", [2, T, T + 3])
def test_flatten_lays_the_valid_steps_side_by_side(steps):
    x, mask = ragged(np.random.RandomState(0))
    out = Flatten(steps).forward(x, mask)
    assert out.shape == (N, steps * D)
    assert_array_equal(out, mlp_input(x, mask, steps))
    assert_array_equal(
        Flatten(steps).forward(x), mlp_input(x, np.ones((T, N), bool), steps)
    )


@pytest.mark.parametrize("masked", [False, True])
@pytest.mark.parametrize("steps", [3, T + 2])
def test_flatten_input_gradient_by_finite_differences(steps, masked):
    rng = np.random.RandomState(1)
    x, mask = ragged(rng)
    mask = mask if masked else None
    weights = rng.randn(N, steps * D)
    layer = Flatten(steps)

    def loss():
        return float(np.sum(weights * layer.forward(x, mask)))

    layer.forward(x, mask, training=True)
    assert_allclose(layer.backward(weights), numerical_gradient(loss, x), atol=1e-8)
    layer.input_grad = False
    assert layer.backward(weights) is None


def positional_data(n=200, steps=12, seed=0):
    """The class is the sign of step 3 minus step 8: a difference of two
    positions, whatever the series around them."""
    rng = np.random.RandomState(seed)
    X = rng.randn(n, steps, 1)
    return X, (X[:, 3, 0] > X[:, 8, 0]).astype(int)


def test_the_flat_branch_reads_positions_to_fit_them():
    X, y = positional_data()
    clf = ScratchRNNClassifier(
        hidden_size=2,
        conv_filters=(),
        flat_units=8,
        max_iter=30,
        learning_rate_init=0.01,
        random_state=0,
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        clf.fit(X, y)
        without = clone_without_flat(clf).fit(X, y)
    assert clf.flat_steps_ == 12 and without.flat_steps_ == 0
    assert clf.score(X, y) == 1.0
    assert without.score(X, y) < 0.8  # 2 GRU units, 30 epochs: 0.67
    X_test, y_test = positional_data(seed=1)
    assert clf.score(X_test, y_test) > 0.9  # 0.945


def clone_without_flat(estimator):
    from sklearn.base import clone

    return clone(estimator).set_params(flat_units=0)


def test_flat_steps_count_the_longest_training_sequence_after_downsampling():
    rng = np.random.RandomState(6)
    X = rng.randn(10, 300, 1)
    X[:5, 250:] = 0.0  # padding, masked by mask_value
    reg = ScratchRNNRegressor(flat_units=2, mask_value=0.0, max_iter=1)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        reg.fit(X, rng.randn(10))
    assert reg.downsample_ == 3 and reg.flat_steps_ == 100
    # longer sequences than at fit are read up to flat_steps_, shorter padded
    assert reg.predict(rng.randn(3, 400, 1)).shape == (3,)
    assert reg.predict(rng.randn(3, 7, 1)).shape == (3,)


def test_flat_units_with_return_sequences_is_refused_and_changes_nothing():
    rng = np.random.RandomState(7)
    X, y = rng.randn(6, 4, 1), rng.randn(6, 4)
    reg = ScratchRNNRegressor(return_sequences=True, max_iter=2, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        reg.fit(X, y)
    before = [param.copy() for param in reg.network_.params]
    with pytest.raises(ValueError, match="flat_units=3 cannot be used with"):
        reg.set_params(flat_units=3).fit(X, y)
    assert reg.flat_steps_ == 0
    for old, new in zip(before, reg.network_.params):
        assert_array_equal(old, new)
    with pytest.raises(ValueError, match="flat_units"):
        ScratchRNNClassifier(flat_units=-1).fit(X, np.arange(6) % 2)
