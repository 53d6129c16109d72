"""Fuzzing: odd and bad input gets a correct result or a clear ValueError/TypeError.

Never an IndexError, a NumPy broadcasting error, a hang, or a NaN prediction.
"""

import warnings

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from sklearn_rnn import ScratchRNNClassifier, ScratchRNNRegressor
from sklearn_rnn.text import HashingSequenceVectorizer, SequenceVectorizer

FUZZ = settings(
    max_examples=120,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
TINY = dict(hidden_size=2, max_iter=1, random_state=0)
# Phrases that betray an internal failure instead of a validation message.
INTERNAL = (
    "could not be broadcast",
    "out of bounds",
    "index",
    "unhashable",
    "object of type",
    "has no attribute",
    "not subscriptable",
    "setting an array element",
    "not supported between",
    "an integer is required",
    "ufunc",
)


def outcome(func, *args, **kwargs):
    """Call ``func``; a ValueError/TypeError must explain itself, any other
    exception fails; a float array result must be finite."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            result = func(*args, **kwargs)
    except (ValueError, TypeError) as exc:
        message = str(exc)
        assert len(message) >= 15, f"terse error: {exc!r}"
        assert not any(p in message.lower() for p in INTERNAL), (
            f"internal error leaked: {exc!r}"
        )
        return exc
    if isinstance(result, np.ndarray) and result.dtype.kind == "f":
        assert np.isfinite(result).all(), "non-finite output"
    return result


floats = st.floats(allow_nan=True, allow_infinity=True, width=32)
float_arrays = hnp.arrays(
    dtype=st.sampled_from([np.float64, np.float32, np.int64, np.bool_, np.complex128]),
    shape=hnp.array_shapes(min_dims=0, max_dims=4, min_side=0, max_side=4),
    elements=None,
)
ragged = st.lists(
    st.one_of(
        st.lists(floats, max_size=5),
        st.lists(st.lists(floats, min_size=1, max_size=2), max_size=4),
    ),
    min_size=1,
    max_size=5,
)
odd_objects = st.sampled_from(
    [
        None,
        "abc",
        3,
        [["a", "b"], ["c", "d"]],
        [[1, None]],
        np.array([[1, "x"]], dtype=object),
        [[]],
        [[[]]],
        {},
    ]
)
any_X = st.one_of(float_arrays, ragged, odd_objects)
labels = st.one_of(
    hnp.arrays(np.int64, st.integers(0, 6), elements=st.integers(-2, 3)),
    hnp.arrays(np.float64, st.integers(0, 6), elements=floats),
    st.lists(st.sampled_from(["a", "b", None]), max_size=6),
    odd_objects,
)


def fitted(Est, **params):
    rng = np.random.RandomState(0)
    X = rng.randn(12, 4, 2)
    y = rng.randint(0, 2, 12) if Est is ScratchRNNClassifier else rng.randn(12)
    return Est(**{**TINY, **params}).fit(X, y)


@pytest.mark.parametrize("Est", [ScratchRNNClassifier, ScratchRNNRegressor])
@FUZZ
@given(X=any_X, y=labels)
def test_fit_with_arbitrary_input(Est, X, y):
    outcome(Est(**TINY).fit, X, y)


@pytest.mark.parametrize("Est", [ScratchRNNClassifier, ScratchRNNRegressor])
@FUZZ
@given(X=any_X)
def test_predict_and_transform_with_arbitrary_input(Est, X):
    est = fitted(Est)
    for method in ("predict", "transform"):
        outcome(getattr(est, method), X)


@FUZZ
@given(
    X=any_X,
    y=labels,
    sample_weight=st.one_of(
        st.none(), hnp.arrays(np.float64, st.integers(0, 13), elements=floats)
    ),
)
def test_partial_fit_with_arbitrary_input_leaves_model_intact_on_error(
    X, y, sample_weight
):
    est = fitted(ScratchRNNClassifier)
    before = [p.copy() for p in est.network_.params]
    result = outcome(est.partial_fit, X, y, sample_weight=sample_weight)
    if isinstance(result, Exception):
        for old, new in zip(before, est.network_.params):
            np.testing.assert_array_equal(old, new)
        assert est.n_iter_ == 1


@FUZZ
@given(
    ids=st.one_of(
        hnp.arrays(
            np.int64,
            st.tuples(st.integers(1, 4), st.integers(1, 5)),
            elements=st.integers(-3, 10**9),
        ),
        hnp.arrays(
            np.float64,
            st.tuples(st.integers(1, 4), st.integers(1, 5)),
            elements=st.one_of(st.floats(-5, 50), st.just(np.nan)),
        ),
        st.lists(st.lists(st.integers(-1, 30), max_size=5), min_size=1, max_size=4),
    )
)
def test_embedding_with_arbitrary_token_ids(ids):
    rng = np.random.RandomState(0)
    est = ScratchRNNClassifier(embedding_dim=3, **TINY).fit(
        rng.randint(1, 20, (10, 5)), rng.randint(0, 2, 10)
    )
    outcome(est.predict_proba, ids)


documents = st.lists(
    st.one_of(
        st.text(max_size=30),
        st.binary(max_size=20),
        st.sampled_from(["<br />", "", "   ", "é ü 日本語", "a a a", None, 3]),
    ),
    max_size=6,
)


@FUZZ
@given(docs=st.one_of(documents, st.text(max_size=10)))
def test_text_vectorizers_with_arbitrary_documents(docs):
    for vectorizer in (
        SequenceVectorizer(maxlen=5),
        HashingSequenceVectorizer(maxlen=5),
    ):
        result = outcome(vectorizer.fit_transform, docs)
        if isinstance(result, np.ndarray):
            assert result.shape == (len(docs), 5) and (result >= 0).all()
