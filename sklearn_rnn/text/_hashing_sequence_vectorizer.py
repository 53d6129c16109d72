"""Documents -> padded sequences of hashed token ids (stateless)."""

from numbers import Integral

import numpy as np
from sklearn.base import _fit_context
from sklearn.feature_extraction.text import HashingVectorizer
from sklearn.utils import murmurhash3_32

from .._constraints import Number
from ._sequences import _BaseSequenceVectorizer


class HashingSequenceVectorizer(_BaseSequenceVectorizer):
    """Convert text documents to padded sequences of hashed token ids.

    Stateless counterpart of :class:`SequenceVectorizer` for streaming or
    out-of-core learning: no vocabulary is stored, ``transform`` works without
    ``fit``. Documents are tokenised by the analyzer of a
    :class:`~sklearn.feature_extraction.text.HashingVectorizer` with the same text
    parameters, and a token gets the id ``j + 2`` where ``j`` is its column in
    ``HashingVectorizer(n_features=n_features)`` (signed 32-bit MurmurHash3 of its
    UTF-8 bytes with seed 0, absolute value modulo ``n_features``). Id ``0`` is
    padding; id ``1`` is reserved (out-of-vocabulary in :class:`SequenceVectorizer`)
    and never produced here. Distinct tokens may collide on the same id.

    Parameters
    ----------
    n_features : int, default=2**16
        Number of hash buckets. The ids lie in ``[0, n_features + 2)``, so this
        sizes the embedding table: keep it small (the default, 65,536, is smaller
        than ``HashingVectorizer``'s 2**20).

    maxlen : int, default=200
        Length of the output sequences (there is no fit to learn it from).

    padding : {"pre", "post"}, default="pre"
        Put the padding before (``"pre"``) or after (``"post"``) the tokens.

    truncating : {"pre", "post"}, default="pre"
        For documents longer than ``maxlen``, keep the end (``"pre"``, as Keras) or
        the beginning (``"post"``).

    input : {"content", "filename", "file"}, default="content"
        What the documents are, as in ``HashingVectorizer``.

    encoding : str, default="utf-8"
        Encoding used to decode documents given as bytes (or files).

    decode_error : {"strict", "ignore", "replace"}, default="strict"
        What to do with bytes that are not valid in ``encoding``.

    strip_accents : {"ascii", "unicode"} or callable, default=None
        Accent removal during preprocessing.

    lowercase : bool, default=True
        Lower-case the documents before tokenising. Ignored when ``preprocessor``
        is given: the preprocessor replaces the whole preprocessing step.

    preprocessor : callable, default=None
        Replaces the preprocessing step (lowercasing, accent stripping).

    tokenizer : callable, default=None
        Replaces the tokenisation step (``token_pattern``); ``analyzer="word"`` only.

    stop_words : {"english"}, list or None, default=None
        Tokens removed from the documents (before they are hashed).

    token_pattern : str or None, default=r"(?u)\\b\\w\\w+\\b"
        Regular expression matching a token.

    ngram_range : tuple (min_n, max_n), default=(1, 1)
        N-grams to extract; the sequence lists all n-grams in the analyzer's order.

    analyzer : {"word", "char", "char_wb"} or callable, default="word"
        Whether tokens are words or character n-grams, or the whole analysis step.

    dtype : int dtype, default=np.int32
        Data type of the output. It must hold the largest id, ``n_features + 1``
        (a ValueError is raised otherwise, rather than wrapping the ids).

    Attributes
    ----------
    n_tokens_ : int
        Number of ids, ``n_features + 2``: the size of the embedding table.
        Available without fitting.

    See Also
    --------
    SequenceVectorizer : Learns a vocabulary; ids by decreasing frequency.

    Examples
    --------
    >>> from sklearn_rnn.text import HashingSequenceVectorizer
    >>> vec = HashingSequenceVectorizer(n_features=16, maxlen=4)
    >>> vec.transform(["the cat sat on the mat", "the dog"])
    array([[ 6,  9, 16, 13],
           [ 0,  0, 16,  7]], dtype=int32)
    >>> vec.n_tokens_
    18
    """

    _text_vectorizer_class = HashingVectorizer

    _parameter_constraints: dict = {
        **_BaseSequenceVectorizer._parameter_constraints,
        "n_features": [Number(Integral, 1, np.iinfo(np.int32).max - 2, closed="left")],
        "maxlen": [Number(Integral, 1, None, closed="left")],
    }

    def __init__(
        self,
        *,
        n_features=2**16,
        maxlen=200,
        padding="pre",
        truncating="pre",
        input="content",
        encoding="utf-8",
        decode_error="strict",
        strip_accents=None,
        lowercase=True,
        preprocessor=None,
        tokenizer=None,
        stop_words=None,
        token_pattern=r"(?u)\b\w\w+\b",
        ngram_range=(1, 1),
        analyzer="word",
        dtype=np.int32,
    ):
        self.n_features = n_features
        self.maxlen = maxlen
        self.padding = padding
        self.truncating = truncating
        self.input = input
        self.encoding = encoding
        self.decode_error = decode_error
        self.strip_accents = strip_accents
        self.lowercase = lowercase
        self.preprocessor = preprocessor
        self.tokenizer = tokenizer
        self.stop_words = stop_words
        self.token_pattern = token_pattern
        self.ngram_range = ngram_range
        self.analyzer = analyzer
        self.dtype = dtype

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y=None):
        """Only validate the parameters: the vectorizer is stateless.

        Parameters
        ----------
        X : iterable of str, bytes or files
            Ignored (only checked not to be a single string).

        y : None
            Ignored.

        Returns
        -------
        self : HashingSequenceVectorizer
            The vectorizer.
        """
        self._check_dtype()
        self._check_documents(X)
        self._encode([])  # validates the text parameters
        return self

    def transform(self, X):
        """Convert documents to padded sequences of hashed ids.

        Parameters
        ----------
        X : iterable of str, bytes or files
            Documents.

        Returns
        -------
        sequences : ndarray of shape (n_documents, maxlen)
            Padded id sequences, ids in ``[2, n_features + 2)``.
        """
        self._validate_params()
        dtype = self._check_dtype()
        terms, term_indices, lengths = self._encode(X)
        offset, n_features = self.FIRST_TOKEN_ID, self.n_features
        # hash each distinct token once
        term_ids = np.fromiter(
            (abs(murmurhash3_32(term, seed=0)) % n_features + offset for term in terms),
            dtype=np.int64,
            count=len(terms),
        )
        return self._pad(term_ids[term_indices], lengths, self.maxlen, dtype)

    def _check_dtype(self):
        """The output dtype, checked to hold the largest id, ``n_features + 1``."""
        return self._output_dtype(
            self.n_tokens_ - 1, f"n_features={self.n_features} hash buckets"
        )

    @property
    def n_tokens_(self):
        """Number of ids, ``n_features + 2``: the size of the embedding table.

        Available without fitting: the vectorizer is stateless.
        """
        return self.n_features + self.FIRST_TOKEN_ID

    @property
    def _n_features_out(self):
        return self.maxlen

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.requires_fit = False
        return tags
