"""Padding of id sequences and the base class shared by the sequence vectorizers."""

from numbers import Integral, Real

import numpy as np
from sklearn.base import (
    BaseEstimator,
    ClassNamePrefixFeaturesOutMixin,
    TransformerMixin,
)
from sklearn.feature_extraction.text import CountVectorizer
from sklearn.utils._param_validation import (
    HasMethods,
    Options,
    StrOptions,
    validate_parameter_constraints,
    validate_params,
)

from .._constraints import Number
from ._analysis import encode_documents

#: Parameters passed unchanged to the scikit-learn vectorizer that builds the analyzer.
TEXT_PARAMS = (
    "input",
    "encoding",
    "decode_error",
    "strip_accents",
    "lowercase",
    "preprocessor",
    "tokenizer",
    "stop_words",
    "token_pattern",
    "ngram_range",
    "analyzer",
)

_SIDES = StrOptions({"pre", "post"})


class _IntegerDtype(Options):
    """Constraint: a NumPy integer dtype (or anything ``np.dtype`` makes one of).

    An ``Options`` only because scikit-learn's validation accepts no other
    constraint class; the set of options is not used.
    """

    def __init__(self):
        super().__init__(object, set())

    def is_satisfied_by(self, val):
        try:
            return np.dtype(val).kind in "iu"
        except (TypeError, ValueError):
            return False

    def __str__(self):
        return "an integer dtype such as np.int32 or 'int64'"


@validate_params(
    {
        "sequences": [HasMethods("__iter__")],
        "maxlen": [Number(Integral, 0, None, closed="left"), None],
        "dtype": "no_validation",
        "padding": [_SIDES],
        "truncating": [_SIDES],
        "value": "no_validation",
    },
    prefer_skip_nested_validation=True,
)
def pad_sequences(
    sequences, maxlen=None, *, dtype="int32", padding="pre", truncating="pre", value=0
):
    """Pad (or truncate) sequences of different lengths to one 2-D array.

    Same semantics as ``keras.utils.pad_sequences``.

    Parameters
    ----------
    sequences : iterable of sequences
        Each element is a list (or 1-D array) of numbers, e.g. token ids.

    maxlen : int or None, default=None
        Output width. ``None`` uses the length of the longest sequence.

    dtype : str or numpy dtype, default="int32"
        Data type of the output.

    padding : {"pre", "post"}, default="pre"
        Pad before (``"pre"``) or after (``"post"``) each sequence.

    truncating : {"pre", "post"}, default="pre"
        Drop the values at the beginning (``"pre"``, keeps the end) or at the end
        (``"post"``, keeps the beginning) of sequences longer than ``maxlen``.

    value : scalar, default=0
        Padding value.

    Returns
    -------
    padded : ndarray of shape (n_sequences, maxlen)
        The padded sequences.

    Raises
    ------
    ValueError
        If a kept value or ``value`` does not fit ``dtype`` (it would wrap
        around or overflow), or a non-integer value is given for an integer
        ``dtype``.

    See Also
    --------
    SequenceVectorizer : Documents to padded token-id sequences.

    Examples
    --------
    >>> from sklearn_rnn.text import pad_sequences
    >>> pad_sequences([[1, 2, 3], [4], []])
    array([[1, 2, 3],
           [0, 0, 4],
           [0, 0, 0]], dtype=int32)
    >>> pad_sequences([[1, 2, 3], [4]], maxlen=2, padding="post", truncating="post")
    array([[1, 2],
           [4, 0]], dtype=int32)
    """
    sequences = [np.asarray(seq) for seq in sequences]
    if any(seq.ndim != 1 for seq in sequences):
        raise ValueError("Each sequence must be one-dimensional (a list of numbers).")
    lengths = np.fromiter(map(len, sequences), dtype=np.intp, count=len(sequences))
    flat = _concatenated([seq for seq in sequences if seq.size])
    _check_fits(np.asarray([value]), dtype, "value")
    return _pad_flat(
        flat, lengths, maxlen, dtype, padding, truncating, value, check_fits=True
    )


def _concatenated(sequences):
    """The sequences back to back, every value exact: empty ones (float64
    arrays) are left out, and int64 with uint64 become Python ints, not the
    float64 NumPy would promote them to (2**53 + 1 would lose its 1)."""
    if not sequences:
        return np.empty(0)
    kinds = {seq.dtype.kind for seq in sequences}
    if kinds <= set("iub") and np.result_type(*sequences).kind == "f":
        sequences = [seq.astype(object) for seq in sequences]
    return np.concatenate(sequences)


def smallest_integer_dtype(low, high, kind="int"):
    """The name of the smallest ``kind`` ("int" or "uint") dtype holding
    ``low`` to ``high``, else uint64 if it does, else None.

    Examples
    --------
    >>> smallest_integer_dtype(0, 300), smallest_integer_dtype(0, 70000, "uint")
    ('int16', 'uint32')
    """
    return next(
        (
            name
            for name in [f"{kind}{bits}" for bits in (8, 16, 32, 64)] + ["uint64"]
            if np.iinfo(name).min <= low and high <= np.iinfo(name).max
        ),
        None,
    )


def _value_range(values):
    """``(low, high, a non-integer value or None)`` of a numeric array, or
    None if ``values`` holds something else (strings, objects)."""
    if values.dtype.kind == "O":  # Python ints beyond int64, or mixed objects
        items = values.tolist()
        if not all(isinstance(v, Real) for v in items):
            return None
        fractional = [v for v in items if not float(v).is_integer()]
        return min(items), max(items), fractional[0] if fractional else None
    if values.dtype.kind not in "iufb":
        return None
    fractional = (
        values[~(values == np.trunc(values))] if values.dtype.kind == "f" else []
    )
    finite = values[np.isfinite(values)] if values.dtype.kind == "f" else values
    low, high = (finite.min().item(), finite.max().item()) if finite.size else (0, 0)
    return low, high, fractional[0].item() if len(fractional) else None


def _check_fits(values, dtype, what):
    """Raise a ValueError unless ``dtype`` holds every number of ``values``
    exactly (no wrap-around, no overflow, no dropped fraction)."""
    dtype = np.dtype(dtype)
    found = _value_range(values) if values.size and dtype.kind in "iuf" else None
    if found is None:
        return  # strings and objects: NumPy's own casting rules and errors
    low, high, fractional = found
    if dtype.kind == "f":
        largest = max(abs(low), abs(high))
        if largest > float(np.finfo(dtype).max):
            raise ValueError(
                f"pad_sequences: {what}: {largest} is beyond the largest "
                f"{dtype.name}, {float(np.finfo(dtype).max)}; pass a larger dtype."
            )
        return
    if fractional is not None:
        raise ValueError(
            f"pad_sequences: {what}: the non-integer {fractional} does not fit "
            f"dtype={dtype.name}; pass a float dtype."
        )
    info = np.iinfo(dtype)
    if low < info.min or high > info.max:
        kind = "uint" if dtype.kind == "u" and low >= 0 else "int"
        larger = smallest_integer_dtype(low, high, kind)
        span = f"{low}" if low == high else f"{low} to {high}"
        raise ValueError(
            f"pad_sequences: {what}: {span} does not fit dtype={dtype.name} "
            f"({info.min} to {info.max}; the values would wrap around). "
            + (
                f"Pass dtype={larger!r} or a larger dtype."
                if larger
                else "No integer dtype holds them; pass a float dtype."
            )
        )


def _pad_flat(
    flat, lengths, maxlen, dtype, padding, truncating, value=0, check_fits=False
):
    """Pad the sequences stored back to back in ``flat``, with one vectorised copy.

    ``lengths[i]`` is the length of sequence ``i``; the sequences are consecutive
    slices of the 1-D array ``flat``.  With ``check_fits``, the kept values
    are checked to fit ``dtype`` first (the vectorizers' ids are known to).
    """
    n_sequences = len(lengths)
    if maxlen is None:
        maxlen = int(lengths.max(initial=0))
    out = np.full((n_sequences, maxlen), value, dtype=dtype)
    kept = np.minimum(lengths, maxlen)
    n_kept = int(kept.sum())
    if n_kept == 0:
        return out
    seq_start = np.cumsum(lengths) - lengths
    first_kept = seq_start + (lengths - kept if truncating == "pre" else 0)
    first_col = maxlen - kept if padding == "pre" else np.zeros_like(kept)
    # the k-th copied value is flat[k + shift], written to out.flat[k + shift +
    # move], with shift and move constant in each sequence
    shift = first_kept - (np.cumsum(kept) - kept)
    move = np.arange(n_sequences) * maxlen + first_col - first_kept
    source = np.repeat(shift, kept)
    source += np.arange(n_kept)
    values = flat[source]
    if check_fits:
        _check_fits(values, dtype, "sequences")
    out.reshape(-1)[source + np.repeat(move, kept)] = values
    return out


class _BaseSequenceVectorizer(
    ClassNamePrefixFeaturesOutMixin, TransformerMixin, BaseEstimator
):
    """Common code of the vectorizers turning documents into padded id sequences.

    Subclasses set ``_text_vectorizer_class`` (the scikit-learn vectorizer whose
    analyzer is used) and ``_n_features_out`` (the output width).
    """

    #: Id of the padding value.
    PAD_ID = 0
    #: Id reserved for out-of-vocabulary tokens.
    OOV_ID = 1
    #: First id given to a vocabulary token.
    FIRST_TOKEN_ID = 2

    _text_vectorizer_class = CountVectorizer

    _parameter_constraints: dict = {
        **{p: CountVectorizer._parameter_constraints[p] for p in TEXT_PARAMS},
        "padding": [_SIDES],
        "truncating": [_SIDES],
        "dtype": [_IntegerDtype()],  # its size is checked against the ids at fit
    }

    @staticmethod
    def _check_documents(X):
        """Reject a single document given instead of an iterable of documents."""
        if isinstance(X, (str, bytes)):
            raise ValueError(
                "Iterable over raw text documents expected, string object received."
            )

    def _encode(self, X):
        """Analyse the documents ``X``: their distinct terms, term indices, lengths.

        See :func:`~sklearn_rnn.text._analysis.encode_documents`. Also validates
        the text parameters (n-gram range, stop words) and warns about unused
        ones, as the scikit-learn vectorizers do.
        """
        self._check_documents(X)
        self._check_ngram_range()
        vectorizer = self._text_vectorizer_class(
            **{param: getattr(self, param) for param in TEXT_PARAMS}
        )
        vectorizer._validate_ngram_range()
        vectorizer._warn_for_unused_params()
        return encode_documents(X, vectorizer, check_type=self.input == "content")

    def _check_ngram_range(self):
        """Raise a ValueError unless ``ngram_range`` is ``(min_n, max_n)`` with
        ``1 <= min_n`` (scikit-learn checks only ``min_n <= max_n``)."""
        ngram_range = self.ngram_range
        if (
            len(ngram_range) != 2
            or not all(
                isinstance(n, Integral) and not isinstance(n, (bool, np.bool_))
                for n in ngram_range
            )
            or ngram_range[0] < 1
        ):
            raise ValueError(
                f"The ngram_range parameter of {type(self).__name__} must be "
                f"(min_n, max_n) with integers 1 <= min_n <= max_n; got "
                f"{ngram_range!r}."
            )

    def _output_dtype(self, max_id, n_ids_description):
        """The output dtype, checked to hold every id up to ``max_id``.

        ``n_ids_description`` says where the ids come from, for the error message.
        Raises a ValueError naming a large enough dtype rather than letting NumPy
        wrap the ids.
        """
        validate_parameter_constraints(
            {"dtype": self._parameter_constraints["dtype"]},
            {"dtype": self.dtype},
            caller_name=type(self).__name__,
        )
        dtype = np.dtype(self.dtype)
        largest = np.iinfo(dtype).max
        if max_id <= largest:
            return dtype
        kind = "uint" if dtype.kind == "u" else "int"
        fits = smallest_integer_dtype(0, max_id, kind) or "int64"
        raise ValueError(
            f"The `dtype` parameter of {type(self).__name__}, {dtype.name}, cannot "
            f"hold the token ids: the largest id is {max_id} ({n_ids_description} "
            f"after the reserved ids {self.PAD_ID} and {self.OOV_ID}), but "
            f"{dtype.name} holds at most {largest}. Use dtype=np.{fits} or a larger "
            "integer dtype."
        )

    def _pad(self, ids, lengths, maxlen, dtype):
        """Pad the id sequences stored back to back in ``ids`` to ``maxlen``."""
        return _pad_flat(
            ids, lengths, maxlen, dtype, self.padding, self.truncating, self.PAD_ID
        )

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.string = True
        tags.input_tags.two_d_array = False
        tags.transformer_tags.preserves_dtype = []
        return tags
