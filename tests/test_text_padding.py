"""Tests of sklearn_rnn.text.pad_sequences: padding, truncating, dtypes, and
equality to a plain-Python reference on generated inputs."""

import numpy as np
import pytest
from _text_references import reference_pad
from hypothesis import given
from hypothesis import strategies as st
from numpy.testing import assert_array_equal
from sklearn.utils._param_validation import InvalidParameterError

from sklearn_rnn.text import pad_sequences


@pytest.mark.parametrize(
    "padding, truncating, expected",
    [
        ("pre", "pre", [[3, 4, 5], [0, 6, 7], [0, 0, 0]]),
        ("pre", "post", [[1, 2, 3], [0, 6, 7], [0, 0, 0]]),
        ("post", "pre", [[3, 4, 5], [6, 7, 0], [0, 0, 0]]),
        ("post", "post", [[1, 2, 3], [6, 7, 0], [0, 0, 0]]),
    ],
)
def test_pad_sequences_padding_and_truncating(padding, truncating, expected):
    padded = pad_sequences(
        [[1, 2, 3, 4, 5], [6, 7], []], maxlen=3, padding=padding, truncating=truncating
    )
    assert padded.dtype == np.int32
    assert_array_equal(padded, expected)


def test_pad_sequences_defaults_to_longest_sequence():
    assert_array_equal(
        pad_sequences([[1], [2, 3, 4], [5, 6]]), [[0, 0, 1], [2, 3, 4], [0, 5, 6]]
    )


def test_pad_sequences_value_dtype_and_inputs():
    padded = pad_sequences(
        (np.array(s) for s in [[1.5, 2.5], [3.5]]),
        maxlen=3,
        dtype="float64",
        value=-1.0,
    )
    assert padded.dtype == np.float64
    assert_array_equal(padded, [[-1.0, 1.5, 2.5], [-1.0, -1.0, 3.5]])


def test_pad_sequences_edge_cases():
    assert pad_sequences([]).shape == (0, 0)
    assert pad_sequences([[], []]).shape == (2, 0)
    assert pad_sequences([[1, 2]], maxlen=0).shape == (1, 0)
    with pytest.raises(ValueError, match="one-dimensional"):
        pad_sequences([[[1, 2]], [[3, 4]]])
    with pytest.raises(InvalidParameterError):
        pad_sequences([[1]], padding="middle")
    with pytest.raises(InvalidParameterError):
        pad_sequences([[1]], maxlen=-1)


@given(
    sequences=st.lists(st.lists(st.integers(1, 1000), max_size=8), max_size=6),
    maxlen=st.integers(1, 10),
    padding=st.sampled_from(["pre", "post"]),
    truncating=st.sampled_from(["pre", "post"]),
)
def test_pad_sequences_matches_reference(sequences, maxlen, padding, truncating):
    padded = pad_sequences(sequences, maxlen, padding=padding, truncating=truncating)
    assert_array_equal(padded, reference_pad(sequences, maxlen, padding, truncating))


@pytest.mark.parametrize(
    "sequences, options, message",
    [
        ([[1, 300, 70000]], {"dtype": "int8"}, "1 to 70000 does not fit dtype=int8"),
        ([[1, -3]], {"dtype": "uint8"}, "-3 to 1 does not fit dtype=uint8"),
        ([[2**64 - 1]], {}, "dtype=int32 .*Pass dtype='uint64'"),
        ([[2**70], [-1]], {}, "No integer dtype holds them"),
        ([[1.5]], {}, "the non-integer 1.5 does not fit dtype=int32"),
        ([[np.nan]], {"dtype": "int64"}, "the non-integer nan does not fit"),
        ([[70000.0]], {"dtype": "float16"}, "70000.0 is beyond the largest float16"),
        ([[1]], {"dtype": "int8", "value": 300}, "value: 300 does not fit dtype=int8"),
    ],
)
def test_pad_sequences_refuses_values_its_dtype_cannot_hold(
    sequences, options, message
):
    with pytest.raises(ValueError, match=message):
        pad_sequences(sequences, **options)


def test_pad_sequences_checks_only_the_values_it_keeps():
    padded = pad_sequences([[1, 2, 3, 300]], maxlen=3, dtype="int8", truncating="post")
    assert_array_equal(padded, [[1, 2, 3]])


@given(
    sequences=st.lists(
        st.lists(st.integers(-(2**63), 2**64 - 1), max_size=4), min_size=1, max_size=3
    ),
    dtype=st.sampled_from(["int8", "uint8", "int16", "uint16", "int32", "int64"]),
)
def test_pad_sequences_never_wraps(sequences, dtype):
    """The rule: every kept value comes out as it went in, or a ValueError."""
    values = [v for seq in sequences for v in seq]
    info = np.iinfo(dtype)
    if values and (min(values) < info.min or max(values) > info.max):
        with pytest.raises(ValueError, match=f"does not fit dtype={dtype} "):
            pad_sequences(sequences, dtype=dtype, padding="post")
        return
    padded = pad_sequences(sequences, dtype=dtype, padding="post")
    maxlen = max(map(len, sequences))
    assert padded.dtype == dtype
    assert padded.tolist() == [
        list(seq) + [0] * (maxlen - len(seq)) for seq in sequences
    ]
