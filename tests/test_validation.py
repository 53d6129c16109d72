"""Input rules (``_validation.py``): 2-D and 3-D arrays, ragged lists, padding
and masks, token ids, dtypes and ranges."""

import tracemalloc
import warnings

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose, assert_array_equal

from sklearn_rnn import ScratchRNNClassifier, ScratchRNNRegressor
from sklearn_rnn._ragged import is_ragged, pad_ragged
from sklearn_rnn._validation import (
    ID_CLAMP,
    _check_token_ids,
    input_float_dtype,
    validate_sequences,
)

FAST = dict(hidden_size=6, max_iter=4, random_state=0)
SMALL = dict(hidden_size=8, random_state=0, batch_size=16)


@pytest.fixture(scope="module")
def data(sum_sign):
    return sum_sign(96, 8, 2)


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


# ------------------------------------------------------- is_ragged, pad_ragged
def test_is_ragged_only_for_lists_and_tuples_of_different_lengths():
    assert is_ragged([[1, 2], [3]]) and is_ragged(([1, 2], [3]))
    assert not is_ragged([[1, 2], [3, 4]])
    assert not is_ragged([])
    assert not is_ragged([1, 2, 3])  # items without a length
    assert not is_ragged(np.array([np.zeros(2), np.zeros(3)], dtype=object))


def test_pad_ragged_post_pads_with_zeros_and_marks_the_valid_steps():
    first = np.array([[1.0, 2.0]], dtype=np.float32)
    second = np.array([[3, 4], [5, 6]], dtype=np.float32)
    padded, valid = pad_ragged([first, second], None)
    assert padded.dtype == np.float32
    assert_array_equal(padded, [[[1, 2], [0, 0]], [[3, 4], [5, 6]]])
    assert_array_equal(valid, [[True, False], [True, True]])
    padded, valid = pad_ragged([[1, 2], [3.5]], np.float64)
    assert_array_equal(padded, [[1.0, 2.0], [3.5, 0.0]])
    assert_array_equal(valid, [[True, True], [True, False]])


@pytest.mark.parametrize(
    "items, name, message",
    [
        (
            [5, [1, 2]],
            "X",
            r"Each sequence of a ragged X must be 1-D \(n_timesteps,\) or 2-D "
            r"\(n_timesteps, n_features\); sequence 0 has shape \(\)\.",
        ),
        (
            [np.zeros((2, 2)), np.zeros((3, 3))],
            "X",
            r"All sequences of a ragged X must have the same number of features "
            r"per time step; got trailing shapes \[\(2,\), \(3,\)\]\.",
        ),
        (
            [np.zeros(2), np.zeros((2, 1))],
            "X",
            r"got trailing shapes \[\(\), \(1,\)\]\.",
        ),
        ([[], []], "y", r"^Every sequence of y is empty \(0 time steps\)\.$"),
    ],
    ids=["scalar-item", "other-features", "1d-and-2d", "all-empty"],
)
def test_pad_ragged_errors(items, name, message):
    with pytest.raises(ValueError, match=message):
        pad_ragged(items, np.float64, name=name)


# ----------------------------------------------------------- input_float_dtype
@pytest.mark.parametrize(
    "X, expected",
    [
        (np.zeros((2, 3), np.float32), np.float32),
        (np.zeros((2, 3)), np.float64),
        (np.zeros((2, 3), int), np.float64),
        ([[1.0, 2.0]], np.float64),
        ([np.zeros(2, np.float32), np.zeros(3, np.float32)], np.float32),
        ([np.zeros(2, np.float32), np.zeros(3)], np.float64),
        (pd.DataFrame({"a": np.zeros(2, np.float32)}), np.float32),
        (pd.DataFrame({"a": np.zeros(2, np.float32), "b": np.zeros(2)}), np.float64),
    ],
    ids=[
        "float32",
        "float64",
        "int",
        "list",
        "float32-arrays",
        "mixed-arrays",
        "float32-frame",
        "mixed-frame",
    ],
)
def test_input_float_dtype(X, expected):
    assert input_float_dtype(X) == np.dtype(expected)


# ------------------------------------------------------------------ token ids
@pytest.mark.parametrize(
    "ids",
    [np.array([[2**64 - 1, 3]], dtype=np.uint64), np.array([[1e20, 3.0]])],
    ids=["uint64-max", "float-1e20"],
)
def test_token_ids_beyond_the_clamp_are_clamped_not_wrapped(ids):
    out = _check_token_ids(ids)
    assert out.dtype == np.intp
    assert_array_equal(out, [[ID_CLAMP, 3]])
    assert ID_CLAMP == 2**62


def test_token_ids_in_range_pass_unchanged_and_bad_ones_are_errors():
    ids = np.array([[1, 2]], dtype=np.intp)
    assert _check_token_ids(ids) is ids
    assert_array_equal(_check_token_ids(np.array([[7.0, 0.0]])), [[7, 0]])
    with pytest.raises(ValueError, match="got non-integer values"):
        _check_token_ids(np.array([[1.5]]))
    with pytest.raises(ValueError, match=r"non-negative \(0 is padding\); got -3\."):
        _check_token_ids(np.array([[-3, 1]]))


def test_one_stray_token_id_cannot_size_the_embedding_table():
    ids = np.ones((4, 5), dtype=np.int64)
    ids[2, 3] = 10**9
    clf = ScratchRNNClassifier(embedding_dim=8, hidden_size=4, max_iter=1)
    tracemalloc.start()
    try:
        with pytest.raises(
            ValueError, match=r"token id 1000000000.*29\.8 GiB.*vocab_size"
        ):
            clf.fit(ids, [0, 1, 0, 1])
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 10 * 2**20
    assert not hasattr(clf, "network_")


@pytest.mark.parametrize("huge", [np.uint64(2**64 - 1), np.uint64(2**63), 1e20])
def test_huge_ids_read_the_out_of_vocabulary_row_and_never_wrap(huge):
    ids = np.array([[2, 3, 4], [5, 6, 7], [2, 5, 3], [7, 6, 4]])
    clf = ScratchRNNClassifier(
        embedding_dim=3, hidden_size=4, vocab_size=10, max_iter=2, random_state=0
    ).fit(ids, [0, 1, 0, 1])
    dtype = np.float64 if isinstance(huge, float) else np.uint64
    probe = np.array([[2, 3, 1]], dtype=dtype)
    oov = clf.predict_proba(probe)
    probe[0, 2] = huge
    assert_array_equal(clf.predict_proba(probe), oov)
    with pytest.raises(ValueError, match="token id"):
        ScratchRNNClassifier(embedding_dim=3, max_iter=1).fit(
            np.vstack([probe, probe]), [0, 1]
        )


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


# ------------------------------------------------------ validate_sequences
def test_validate_sequences_masks_steps_equal_to_mask_value():
    est = ScratchRNNClassifier()
    X = np.array([[[1.0, 0.0], [0.0, 0.0], [2.0, 2.0]], np.ones((3, 2))])
    values, mask = validate_sequences(
        est, X, reset=True, token_ids=False, dtype=np.float64, mask_value=0.0
    )
    assert_array_equal(values, X)
    assert_array_equal(mask, [[True, False, True], [True, True, True]])
    assert (est.n_features_in_, est.n_step_features_) == (2, 2)
    for mask_value in (None, -1.0):  # no step is padding: no mask at all
        _, mask = validate_sequences(
            est, X, reset=True, token_ids=False, dtype=np.float64, mask_value=mask_value
        )
        assert mask is None


def test_validate_sequences_combines_mask_value_and_ragged_padding():
    est = ScratchRNNClassifier()
    X = [np.array([[1.0, 1.0], [1.0, 5.0]]), np.full((3, 2), 2.0)]
    values, mask = validate_sequences(
        est, X, reset=True, token_ids=False, dtype=np.float64, mask_value=1.0
    )
    assert_array_equal(values, [[[1, 1], [1, 5], [0, 0]], np.full((3, 2), 2.0)])
    # Step 0 of sequence 0 equals mask_value; its step 2 is padding.
    assert_array_equal(mask, [[False, True, False], [True, True, True]])


def test_validate_sequences_token_ids_mask_id_zero():
    est = ScratchRNNClassifier()
    values, mask = validate_sequences(
        est, np.array([[3, 0, 4], [1, 2, 3]]), reset=True, token_ids=True, dtype=None
    )
    assert values.dtype == np.intp
    assert_array_equal(mask, [[True, False, True], [True, True, True]])
    assert (est.n_features_in_, est.n_step_features_) == (3, 1)
    values, mask = validate_sequences(
        est, [[3, 5, 4], [1]], reset=True, token_ids=True, dtype=None
    )
    assert_array_equal(values, [[3, 5, 4], [1, 0, 0]])
    assert_array_equal(mask, [[True, True, True], [True, False, False]])
    _, mask = validate_sequences(
        est, np.array([[3, 5], [1, 2]]), reset=True, token_ids=True, dtype=None
    )
    assert mask is None


# ------------------------------------------------------- estimator input rules
def test_input_rules_2d_columns_and_3d_lengths():
    rng = np.random.RandomState(0)
    X2 = rng.randn(30, 5)
    params = dict(hidden_size=8, max_iter=5, random_state=0)
    reg = ScratchRNNRegressor(**params).fit(X2, X2[:, 0])
    assert reg.n_features_in_ == 5 and reg.n_step_features_ == 1
    with pytest.raises(
        ValueError, match="X has 6 features, but ScratchRNNRegressor is expecting 5"
    ):
        reg.predict(rng.randn(3, 6))
    assert reg.predict(rng.randn(3, 9, 1)).shape == (3,)  # 3-D: any length

    X3 = rng.randn(30, 5, 2)
    reg = ScratchRNNRegressor(**params).fit(X3, X3[:, 0, 0])
    assert reg.n_features_in_ == 2
    assert reg.predict(rng.randn(4, 12, 2)).shape == (4,)
    with pytest.raises(
        ValueError,
        match="3 features per time step, but ScratchRNNRegressor "
        "was fitted with 2 features per time step",
    ):
        reg.predict(rng.randn(4, 5, 3))


def test_zero_time_steps_are_a_clear_error(data):
    X, y = data
    with pytest.raises(ValueError, match="0 time steps"):
        ScratchRNNClassifier().fit(np.zeros((4, 0, 2)), [0, 1, 0, 1])
    clf = ScratchRNNClassifier(max_iter=1, **SMALL).fit(X, y)
    with pytest.raises(ValueError, match="0 time steps"):
        clf.predict(np.zeros((4, 0, 2)))


@pytest.mark.parametrize("Est", [ScratchRNNClassifier, ScratchRNNRegressor])
def test_values_beyond_float32_are_an_error_without_warnings(data, Est):
    X, y = data
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with pytest.raises(ValueError, match="too large for dtype"):
            Est(dtype="float32").fit(X * 1e300, y)
    if Est is ScratchRNNRegressor:
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            with pytest.raises(ValueError, match="too large for dtype"):
                Est(dtype="float32").fit(X, y * 1e300)


# ------------------------------------------------- padding, ragged input, masks
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
