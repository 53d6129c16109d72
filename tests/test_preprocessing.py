"""SequenceScaler: StandardScaler over the valid time steps of sequences."""

import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from sklearn_rnn import ScratchRNNClassifier
from sklearn_rnn.preprocessing import SequenceScaler

RNG = np.random.RandomState(0)
X = RNG.randn(20, 7, 3) * [1.0, 10.0, 100.0] + [0.0, 5.0, -50.0]


def test_statistics_are_standard_scalers_over_all_steps():
    reference = StandardScaler().fit(X.reshape(-1, 3))
    scaler = SequenceScaler().fit(X)
    assert_allclose(scaler.mean_, reference.mean_, rtol=1e-12)
    assert_allclose(scaler.scale_, reference.scale_, rtol=1e-12)
    assert_allclose(
        scaler.transform(X).reshape(-1, 3),
        reference.transform(X.reshape(-1, 3)),
        rtol=1e-12,
    )
    assert_allclose(scaler.inverse_transform(scaler.transform(X)), X, rtol=1e-12)


def test_padding_counts_in_no_statistic_and_is_left_unchanged():
    lengths = RNG.randint(2, 8, size=20)
    post = np.full_like(X, -9.0)
    pre = np.full_like(X, -9.0)
    for i, n in enumerate(lengths):
        post[i, :n], pre[i, 7 - n :] = X[i, :n], X[i, :n]
    steps = np.concatenate([X[i, :n] for i, n in enumerate(lengths)])
    for padded in (post, pre):
        scaler = SequenceScaler(mask_value=-9.0).fit(padded)
        assert scaler.n_steps_seen_ == lengths.sum()
        assert_allclose(scaler.mean_, steps.mean(axis=0), rtol=1e-12)
        out = scaler.transform(padded)
        assert_array_equal(out[padded == -9.0], -9.0)
    ragged = SequenceScaler().fit([X[i, :n] for i, n in enumerate(lengths)])
    assert_allclose(ragged.mean_, steps.mean(axis=0), rtol=1e-12)
    out = ragged.transform([X[0, :3], X[1, :5]])
    assert [len(s) for s in out] == [3, 5]
    assert_allclose(out[0], (X[0, :3] - ragged.mean_) / ragged.scale_, rtol=1e-12)


def test_univariate_2d_sequences_and_constant_features():
    X2 = RNG.rand(5, 4) * 3 + 1
    scaler = SequenceScaler().fit(X2)
    assert_allclose(scaler.mean_, [X2.mean()])
    assert scaler.transform(X2).shape == (5, 4)
    constant = SequenceScaler().fit(np.ones((3, 4, 2)))
    assert_array_equal(constant.scale_, [1.0, 1.0])
    assert_array_equal(
        SequenceScaler(with_mean=False, with_std=False).fit(X).transform(X), X
    )


@pytest.mark.parametrize(
    "bad, match",
    [
        (np.zeros((2, 3, 4, 5)), "got an array of shape"),
        (np.full((2, 3, 1), np.nan), "NaN or infinity"),
        (np.full((2, 3, 1), -1.0), "no valid time step"),
    ],
)
def test_bad_input_is_a_clear_error(bad, match):
    with pytest.raises(ValueError, match=match):
        SequenceScaler(mask_value=-1.0).fit(bad)


def test_transform_refuses_what_fit_refuses():
    scaler = SequenceScaler(mask_value=-1.0).fit(X)
    bad = X.copy()
    bad[0, 0, 0] = np.inf
    with pytest.raises(ValueError, match="NaN or infinity"):
        scaler.transform(bad)
    padded = np.full_like(X[:1], -1.0)  # padding is never read
    assert_array_equal(scaler.transform(padded), padded)


def test_feature_mismatch_and_pipeline():
    scaler = SequenceScaler().fit(X)
    with pytest.raises(ValueError, match="2 features per time step.*fitted with 3"):
        scaler.transform(X[:, :, :2])
    y = (X[:, :, 2].mean(axis=1) > -50).astype(int)
    pipe = make_pipeline(
        SequenceScaler(),
        ScratchRNNClassifier(hidden_size=4, max_iter=3, random_state=0),
    )
    assert pipe.fit(X, y).predict(X).shape == (20,)
