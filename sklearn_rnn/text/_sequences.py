"""Padding of id sequences and the base class shared by the sequence vectorizers."""

from numbers import Integral

import numpy as np
from sklearn.base import (
    BaseEstimator,
    ClassNamePrefixFeaturesOutMixin,
    TransformerMixin,
)
from sklearn.feature_extraction.text import CountVectorizer
from sklearn.utils._param_validation import (
    HasMethods,
    Interval,
    Options,
    StrOptions,
    validate_parameter_constraints,
    validate_params,
)

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
        "maxlen": [Interval(Integral, 0, None, closed="left"), None],
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
    flat = np.concatenate(sequences) if sequences else np.empty(0)
    return _pad_flat(flat, lengths, maxlen, dtype, padding, truncating, value)


def _pad_flat(flat, lengths, maxlen, dtype, padding, truncating, value=0):
    """Pad the sequences stored back to back in ``flat``, with one vectorised copy.

    ``lengths[i]`` is the length of sequence ``i``; the sequences are consecutive
    slices of the 1-D array ``flat``.
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
    out.reshape(-1)[source + np.repeat(move, kept)] = flat[source]
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
        vectorizer = self._text_vectorizer_class(
            **{param: getattr(self, param) for param in TEXT_PARAMS}
        )
        vectorizer._validate_ngram_range()
        vectorizer._warn_for_unused_params()
        return encode_documents(X, vectorizer, check_type=self.input == "content")

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
        fits = next(
            (
                f"{kind}{bits}"
                for bits in (16, 32, 64)
                if np.iinfo(f"{kind}{bits}").max >= max_id
            ),
            "int64",
        )
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
