"""Padding of id sequences and the base class shared by the sequence vectorizers."""

from itertools import chain
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
    StrOptions,
    validate_params,
)

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
    # rank of each copied value inside the kept part of its sequence
    rank = np.arange(n_kept) - np.repeat(np.cumsum(kept) - kept, kept)
    rows = np.repeat(np.arange(n_sequences), kept)
    cols = np.repeat(first_col, kept) + rank
    out[rows, cols] = flat[np.repeat(first_kept, kept) + rank]
    return out


class OOVDict(dict):
    """A token -> id dict that returns ``oov_id`` for missing tokens."""

    def __init__(self, vocabulary, oov_id):
        super().__init__(vocabulary)
        self.oov_id = oov_id

    def __missing__(self, key):
        return self.oov_id


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
        "dtype": "no_validation",  # delegated to numpy
    }

    @staticmethod
    def _check_documents(X):
        """Reject a single document given instead of an iterable of documents."""
        if isinstance(X, (str, bytes)):
            raise ValueError(
                "Iterable over raw text documents expected, string object received."
            )

    def _analyze(self, X):
        """Return the list of token lists of the documents ``X``.

        Also validates the text parameters (n-gram range, stop words) and warns
        about unused ones, as the scikit-learn vectorizers do.
        """
        self._check_documents(X)
        vectorizer = self._text_vectorizer_class(
            **{param: getattr(self, param) for param in TEXT_PARAMS}
        )
        vectorizer._validate_ngram_range()
        vectorizer._warn_for_unused_params()
        analyze = vectorizer.build_analyzer()
        token_lists = []
        for i, doc in enumerate(X):
            if self.input == "content" and not isinstance(doc, (str, bytes)):
                raise TypeError(
                    f"Document {i} is of type {type(doc).__name__}; each document must "
                    "be a str (or bytes, decoded with `encoding`)."
                )
            token_lists.append(analyze(doc))
        return token_lists

    def _pad(self, token_lists, token_to_id, maxlen):
        """Map tokens to ids with the mapping ``token_to_id`` and pad to ``maxlen``."""
        lengths = np.fromiter(
            map(len, token_lists), dtype=np.intp, count=len(token_lists)
        )
        ids = np.fromiter(
            map(token_to_id.__getitem__, chain.from_iterable(token_lists)),
            dtype=np.int64,
            count=int(lengths.sum()),
        )
        return _pad_flat(
            ids, lengths, maxlen, self.dtype, self.padding, self.truncating, self.PAD_ID
        )

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.string = True
        tags.input_tags.two_d_array = False
        tags.transformer_tags.preserves_dtype = []
        return tags
