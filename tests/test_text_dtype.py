"""The ``dtype`` of the sequence vectorizers: integer, and large enough for the ids."""

import copy

import numpy as np
import pytest
from numpy.testing import assert_array_equal
from sklearn.utils._param_validation import InvalidParameterError

from sklearn_rnn.text import HashingSequenceVectorizer, SequenceVectorizer

# one document of 400 distinct tokens: the vocabulary ids are 2..401, the token
# "wNNN" getting id NNN + 2 (all counts are 1: alphabetical order)
DOC_400 = " ".join(f"w{i:03d}" for i in range(400))


def vocabulary_docs(n_tokens):
    """One document with ``n_tokens`` distinct tokens (ids 2 .. n_tokens + 1)."""
    return [" ".join(f"w{i:06d}" for i in range(n_tokens))]


def too_small(estimator, dtype, largest_id, description, maximum, fits):
    return (
        f"The `dtype` parameter of {estimator}, {dtype}, cannot hold the token ids: "
        f"the largest id is {largest_id} ({description} after the reserved ids 0 "
        f"and 1), but {dtype} holds at most {maximum}. Use dtype=np.{fits} or a "
        "larger integer dtype."
    )


def attributes(estimator):
    return copy.deepcopy(vars(estimator))


@pytest.mark.parametrize(
    "dtype, maximum, fits",
    [(np.int8, 127, "int16"), ("uint8", 255, "uint16"), (np.dtype("i1"), 127, "int16")],
)
def test_sequence_vectorizer_dtype_too_small_raises_at_fit(dtype, maximum, fits):
    name = np.dtype(dtype).name
    expected = too_small(
        "SequenceVectorizer", name, 401, "400 vocabulary tokens", maximum, fits
    )
    vec = SequenceVectorizer(dtype=dtype)
    before = attributes(vec)
    for method in (vec.fit, vec.fit_transform):
        with pytest.raises(ValueError) as info:
            method([DOC_400])
        assert str(info.value) == expected
        assert attributes(vec) == before  # nothing learnt
    # the same documents with a large enough dtype: no id is wrapped
    X = vec.set_params(dtype=fits).fit_transform([DOC_400])
    assert X.dtype == np.dtype(fits)
    assert_array_equal(X, [np.arange(2, 402)])


def test_failed_refit_keeps_the_fitted_vectorizer():
    vec = SequenceVectorizer(maxlen=3).fit(["bb aa aa", "cc"])
    before = attributes(vec)
    assert before["vocabulary_"] == {"aa": 2, "bb": 3, "cc": 4}
    vec.set_params(dtype=np.int8)
    with pytest.raises(ValueError, match="the largest id is 401"):
        vec.fit([DOC_400])
    assert attributes(vec) == dict(before, dtype=np.int8)
    assert_array_equal(vec.transform(["cc aa xx"]), [[4, 2, 1]])  # old vocabulary
    assert vec.transform(["aa"]).dtype == np.int8


def test_sequence_vectorizer_dtype_bounds():
    # int8 holds 127: 126 tokens (ids up to 127) fit, 127 tokens do not
    X = SequenceVectorizer(dtype=np.int8).fit_transform(vocabulary_docs(126))
    assert X.dtype == np.int8 and X.max() == 127 and X.min() == 2
    with pytest.raises(ValueError) as info:
        SequenceVectorizer(dtype=np.int8).fit(vocabulary_docs(127))
    assert str(info.value) == too_small(
        "SequenceVectorizer", "int8", 128, "127 vocabulary tokens", 127, "int16"
    )
    X = SequenceVectorizer(dtype=np.uint8).fit_transform(vocabulary_docs(254))
    assert X.dtype == np.uint8 and X.max() == 255
    with pytest.raises(ValueError, match="the largest id is 256 "):
        SequenceVectorizer(dtype=np.uint8).fit(vocabulary_docs(255))


def test_sequence_vectorizer_int16_and_a_large_vocabulary():
    docs = vocabulary_docs(40_000)
    with pytest.raises(ValueError) as info:
        SequenceVectorizer(dtype="int16").fit(docs)
    assert str(info.value) == too_small(
        "SequenceVectorizer", "int16", 40_001, "40000 vocabulary tokens", 32767, "int32"
    )
    # max_features decides the largest id, not the number of distinct tokens
    vec = SequenceVectorizer(dtype="int16", max_features=32_766, maxlen=40_000)
    X = vec.fit_transform(docs)
    assert X.dtype == np.int16 and vec.n_tokens_ == 32_768
    assert_array_equal(X[0], np.r_[np.arange(2, 32_768), np.ones(7_234)])
    with pytest.raises(ValueError, match="the largest id is 32768 "):
        vec.set_params(max_features=32_767).fit(docs)
    X = SequenceVectorizer(dtype=np.uint16).fit_transform(docs)
    assert X.dtype == np.uint16 and X.max() == 40_001


def test_sequence_vectorizer_transform_checks_the_dtype_first():
    vec = SequenceVectorizer().fit([DOC_400])
    vec.set_params(dtype=np.int8)

    def documents():
        raise AssertionError("the documents must not be read")
        yield  # pragma: no cover

    with pytest.raises(ValueError) as info:
        vec.transform(documents())
    assert str(info.value) == too_small(
        "SequenceVectorizer", "int8", 401, "400 vocabulary tokens", 127, "int16"
    )
    X = vec.set_params(dtype="uint16").transform(["w399 w000 zzz"])
    assert X.dtype == np.uint16
    assert_array_equal(X[:, -4:], [[0, 401, 2, 1]])


@pytest.mark.parametrize(
    "dtype, maximum, fits, n_features",
    [
        (np.int8, 127, "int16", 300),
        (np.uint8, 255, "uint16", 300),
        (np.int16, 32767, "int32", 2**16),
        (np.uint16, 65535, "uint32", 65_535),
    ],
)
def test_hashing_dtype_too_small_raises_before_reading(
    dtype, maximum, fits, n_features
):
    name = np.dtype(dtype).name
    vec = HashingSequenceVectorizer(n_features=n_features, dtype=dtype)
    expected = too_small(
        "HashingSequenceVectorizer",
        name,
        n_features + 1,
        f"n_features={n_features} hash buckets",
        maximum,
        fits,
    )
    read = []

    def documents():
        read.append(True)
        yield "a document"

    before = attributes(vec)
    for method in (vec.fit, vec.transform, vec.fit_transform):
        with pytest.raises(ValueError) as info:
            method(documents())
        assert str(info.value) == expected
    assert read == []
    assert attributes(vec) == before


def test_hashing_dtype_bounds_and_values():
    docs = [" ".join(f"w{i}" for i in range(1000))]
    expected = HashingSequenceVectorizer(n_features=126, maxlen=1000).transform(docs)
    assert expected.max() == 127
    vec = HashingSequenceVectorizer(n_features=126, maxlen=1000, dtype=np.int8)
    X = vec.transform(docs)
    assert X.dtype == np.int8
    assert_array_equal(X, expected)
    with pytest.raises(ValueError, match="the largest id is 128 "):
        vec.set_params(n_features=127).transform(docs)
    vec = HashingSequenceVectorizer(n_features=65_534, maxlen=1000, dtype=np.uint16)
    assert_array_equal(
        vec.transform(docs),
        HashingSequenceVectorizer(n_features=65_534, maxlen=1000).transform(docs),
    )


NOT_INTEGER = [
    float,
    np.float32,
    "float64",
    bool,
    np.bool_,
    object,
    "U10",
    complex,
    None,
    "not a dtype",
    3,
]


@pytest.mark.parametrize("dtype", NOT_INTEGER)
@pytest.mark.parametrize("Vectorizer", [SequenceVectorizer, HashingSequenceVectorizer])
def test_non_integer_dtypes_are_rejected(Vectorizer, dtype):
    vec = Vectorizer(dtype=dtype)
    expected = (
        f"The 'dtype' parameter of {Vectorizer.__name__} must be an integer dtype "
        f"such as np.int32 or 'int64'. Got {dtype!r} instead."
    )
    before = attributes(vec)
    methods = [vec.fit, vec.fit_transform]
    if Vectorizer is HashingSequenceVectorizer:
        methods.append(vec.transform)
    for method in methods:
        with pytest.raises(InvalidParameterError) as info:  # ValueError, TypeError
            method(["good film", "bad film"])
        assert str(info.value) == expected
    assert attributes(vec) == before


def test_non_integer_dtype_set_after_fit_is_rejected_by_transform():
    vec = SequenceVectorizer().fit(["good film"]).set_params(dtype=np.float64)
    with pytest.raises(InvalidParameterError, match="The 'dtype' parameter of"):
        vec.transform(["good film"])


@pytest.mark.parametrize(
    "dtype, expected",
    [
        (int, np.int64),
        ("int32", np.int32),
        (np.dtype("uint32"), np.uint32),
        (np.int64, np.int64),
        ("i2", np.int16),
    ],
)
def test_integer_dtype_spellings(dtype, expected):
    docs = ["the cat sat on the mat", "the dog sat"]
    hashing = HashingSequenceVectorizer(n_features=1000, dtype=dtype)
    for vec in (SequenceVectorizer(dtype=dtype), hashing):
        X = vec.fit_transform(docs)
        assert X.dtype == expected
        assert_array_equal(X, vec.set_params(dtype=np.int64).fit_transform(docs))
