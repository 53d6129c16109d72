"""Variable-length, ragged and padded sequences; output modes and architectures."""

import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal

from sklearn_rnn import ScratchRNNClassifier, ScratchRNNRegressor

FAST = dict(hidden_size=6, max_iter=4, random_state=0)


def ragged_sequences(n, n_features, rng, min_len=2, max_len=9):
    return [rng.randn(rng.randint(min_len, max_len + 1), n_features) for _ in range(n)]


def pad(seqs, length, where, value=0.0):
    out = np.full((len(seqs), length) + seqs[0].shape[1:], value)
    for row, s in zip(out, seqs):
        if where == "post":
            row[: len(s)] = s
        else:
            row[length - len(s) :] = s
    return out


@pytest.mark.parametrize("Est", [ScratchRNNClassifier, ScratchRNNRegressor])
def test_pre_and_post_padding_give_identical_predictions(Est):
    rng = np.random.RandomState(0)
    seqs = ragged_sequences(40, 3, rng)
    y = np.array([s[:, 0].sum() > 0 for s in seqs]).astype(int)
    post, pre = pad(seqs, 12, "post", -9.0), pad(seqs, 12, "pre", -9.0)
    est = Est(mask_value=-9.0, **FAST).fit(post, y)
    reference = (
        est.predict_proba(post) if hasattr(est, "predict_proba") else est.predict(post)
    )
    other = (
        est.predict_proba(pre) if hasattr(est, "predict_proba") else est.predict(pre)
    )
    assert_allclose(other, reference, atol=1e-6)
    # Ragged input is padded and masked internally: same predictions again.
    ragged = (
        est.predict_proba(seqs) if hasattr(est, "predict_proba") else est.predict(seqs)
    )
    assert_allclose(ragged, reference, atol=1e-6)


def test_pre_and_post_padding_give_identical_gradients():
    rng = np.random.RandomState(1)
    seqs = ragged_sequences(8, 2, rng)
    y = rng.randint(0, 2, 8)
    est = ScratchRNNClassifier(mask_value=0.0, dtype="float64", **FAST).fit(
        pad(seqs, 10, "post"), y
    )
    grads = []
    for where in ("post", "pre"):
        X = pad(seqs, 10, where)
        x, mask = np.ascontiguousarray(X.transpose(1, 0, 2)), (X != 0).any(axis=2).T
        est.network_.loss_and_gradients(x, y[:, None].astype(float), np.ones(8), mask)
        grads.append([g.copy() for g in est.network_.grads])
    for post, pre in zip(*grads):
        assert_allclose(pre, post, rtol=1e-12, atol=1e-15)


@pytest.mark.parametrize("Est", [ScratchRNNClassifier, ScratchRNNRegressor])
def test_ragged_fit_and_predict(Est):
    rng = np.random.RandomState(2)
    seqs = ragged_sequences(30, 2, rng)
    y = np.array([len(s) > 5 for s in seqs]).astype(int)
    est = Est(**FAST).fit(seqs, y)
    assert est.predict(seqs).shape == (30,)
    assert est.n_step_features_ == 2
    univariate = [s[:, 0] for s in seqs]
    assert Est(**FAST).fit(univariate, y).predict(univariate[:3]).shape == (3,)
    with pytest.raises(ValueError, match="same number of features per time step"):
        est.fit([rng.randn(3, 2), rng.randn(4, 3)], [0, 1])


def test_all_padding_sequence_gets_the_zero_state_prediction():
    rng = np.random.RandomState(3)
    X = rng.randn(20, 5, 2)
    y = rng.randint(0, 2, 20)
    clf = ScratchRNNClassifier(mask_value=0.0, **FAST).fit(X, y)
    empty = np.zeros((1, 5, 2))
    proba = clf.predict_proba(empty)
    assert np.isfinite(proba).all()
    assert_allclose(clf.transform(empty), 0.0)
    assert_allclose(
        proba, clf.predict_proba([np.zeros((0, 2)), rng.randn(3, 2)])[:1], atol=1e-7
    )


def test_return_sequences_classifier_with_ragged_targets():
    rng = np.random.RandomState(4)
    seqs = [rng.randn(n, 1) for n in (3, 5, 4, 6) * 5]
    y = [(s[:, 0] > 0).astype(int) for s in seqs]
    clf = ScratchRNNClassifier(return_sequences=True, **FAST).fit(seqs, y)
    assert clf.predict(seqs).shape == (20, 6)
    assert clf.predict_proba(seqs).shape == (20, 6, 2)
    assert 0.0 <= clf.score(seqs, y) <= 1.0
    with pytest.raises(ValueError, match="one target per time step"):
        clf.fit(np.zeros((4, 3, 1)), np.zeros((4, 2)))


def test_return_sequences_regressor_multi_output_and_transform():
    rng = np.random.RandomState(5)
    X = rng.randn(10, 7, 2)
    y = np.cumsum(X, axis=1)
    reg = ScratchRNNRegressor(return_sequences=True, **FAST).fit(X, y)
    assert reg.predict(X).shape == (10, 7, 2)
    assert reg.transform(X).shape == (10, 7, 6)


@pytest.mark.parametrize(
    "params",
    [
        dict(pooling="mean"),
        dict(pooling="max"),
        dict(num_layers=2),
        dict(bidirectional=True),
        dict(bidirectional=True, num_layers=2, pooling="max"),
        dict(dense_layers=(5, 4), dropout=0.2),
        dict(bptt_truncate=2),
    ],
)
def test_architectures_fit_predict_and_transform(params):
    rng = np.random.RandomState(6)
    X = rng.randn(30, 6, 2)
    y = rng.randint(0, 3, 30)
    clf = ScratchRNNClassifier(**{**FAST, **params}).fit(X, y)
    assert clf.predict_proba(X).shape == (30, 3)
    width = params.get(
        "dense_layers", (6 * (2 if params.get("bidirectional") else 1),)
    )[-1]
    assert clf.transform(X).shape == (30, width)
    assert len(clf.get_feature_names_out()) == width


def test_dropout_is_training_only_and_seeded():
    rng = np.random.RandomState(7)
    X, y = rng.randn(30, 6, 2), rng.randint(0, 2, 30)
    clf = ScratchRNNClassifier(dropout=0.5, **FAST).fit(X, y)
    assert_array_equal(
        clf.predict_proba(X), clf.predict_proba(X)
    )  # no dropout at inference
    again = ScratchRNNClassifier(dropout=0.5, **FAST).fit(X, y)
    assert_array_equal(again.predict_proba(X), clf.predict_proba(X))


def test_embedding_input_masks_padding_id_and_maps_unknown_ids_to_oov():
    rng = np.random.RandomState(8)
    ids = rng.randint(1, 20, size=(40, 8))
    y = (ids[:, -1] > 10).astype(int)
    clf = ScratchRNNClassifier(embedding_dim=4, **FAST).fit(ids, y)
    assert clf.vocab_size_ == ids.max() + 1
    post_padded = np.hstack([ids[:, 3:], np.zeros((40, 3), int)])
    pre_padded = np.hstack([np.zeros((40, 3), int), ids[:, 3:]])
    assert_allclose(
        clf.predict_proba(post_padded), clf.predict_proba(pre_padded), atol=1e-6
    )
    unknown = ids.copy()
    unknown[:, 0] = 10_000
    oov = ids.copy()
    oov[:, 0] = 1
    assert_array_equal(clf.predict_proba(unknown), clf.predict_proba(oov))
    with pytest.raises(ValueError, match="non-negative"):
        clf.predict(-ids)
    with pytest.raises(ValueError, match="integer token ids"):
        clf.predict(ids + 0.5)
