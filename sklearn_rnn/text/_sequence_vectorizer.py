"""Documents -> padded sequences of vocabulary ids."""

from itertools import repeat
from numbers import Integral

import numpy as np
from sklearn.base import _fit_context
from sklearn.feature_extraction.text import CountVectorizer
from sklearn.utils.validation import check_array, check_is_fitted

from .._constraints import Number
from ._analysis import select_vocabulary
from ._sequences import _BaseSequenceVectorizer


class SequenceVectorizer(_BaseSequenceVectorizer):
    r"""Convert text documents to padded sequences of token ids.

    The documents are tokenised by the analyzer of a
    :class:`~sklearn.feature_extraction.text.CountVectorizer` built with the same
    text parameters, and the vocabulary is selected as ``CountVectorizer`` does
    (``max_features``, ``min_df``, ``max_df``, ``stop_words``). Each token is then
    replaced by its id, keeping the word order, and the sequences are padded or
    truncated to a common length (see :func:`pad_sequences`). The output feeds an
    embedding layer.

    Ids: ``0`` is padding, ``1`` is any out-of-vocabulary token (kept in place, so
    the sequence length is the document length), and the ``V`` vocabulary tokens
    get ids ``2 .. V + 1`` by decreasing number of occurrences in the training
    documents (ties in alphabetical order), as in the Keras IMDB data set: keeping
    the ``k`` most frequent tokens means keeping the ids below ``k + 2``. A fixed
    ``vocabulary`` gives its own order instead.

    Parameters
    ----------
    vocabulary : Mapping or iterable of str, default=None
        A fixed vocabulary, as ``CountVectorizer``'s: a mapping term -> index
        with the indices ``0 .. V - 1``, or an iterable of distinct terms
        (index = position; a set is sorted first), validated as
        ``CountVectorizer`` does (repeated indices, gaps and duplicate terms
        are ValueErrors). Term ``t`` gets the id ``index(t) + 2``, after the
        padding and out-of-vocabulary ids, so ``vocabulary_`` maps each term
        to ``index + 2`` and ``n_tokens_`` is ``V + 2``. ``fit`` then learns
        no vocabulary from the documents (only ``maxlen_`` when ``maxlen`` is
        None), and ``max_features``, ``min_df`` and ``max_df`` are ignored,
        as in ``CountVectorizer``. A fitted vectorizer's vocabulary is
        reused as ``vocabulary=fitted.get_vocabulary()[2:]``. Use it to
        align the ids with pretrained word vectors
        (:func:`~sklearn_rnn.text.load_word_vectors`).

    maxlen : int or None, default=None
        Length of the output sequences. ``None`` uses the length (in tokens) of the
        longest training document, so that the output width is fixed by ``fit``.
        Longer documents are truncated and shorter ones padded.

    padding : {"pre", "post"}, default="pre"
        Put the padding before (``"pre"``) or after (``"post"``) the tokens.

    truncating : {"pre", "post"}, default="pre"
        For documents longer than ``maxlen``, keep the end (``"pre"``, as Keras) or
        the beginning (``"post"``).

    max_features : int or None, default=None
        Keep only the ``max_features`` most frequent tokens (term frequency across
        the corpus), as in ``CountVectorizer``.

    min_df : float in [0.0, 1.0] or int, default=1
        Ignore tokens with a document frequency strictly below this threshold
        (proportion of documents if float, count if int).

    max_df : float in [0.0, 1.0] or int, default=1.0
        Ignore tokens with a document frequency strictly above this threshold.

    input : {"content", "filename", "file"}, default="content"
        What the documents are, as in ``CountVectorizer``.

    encoding : str, default="utf-8"
        Encoding used to decode documents given as bytes (or files).

    decode_error : {"strict", "ignore", "replace"}, default="strict"
        What to do with bytes that are not valid in ``encoding``.

    strip_accents : {"ascii", "unicode"} or callable, default=None
        Accent removal during preprocessing.

    lowercase : bool, default=True
        Lower-case the documents before tokenising. Ignored when ``preprocessor``
        is given: the preprocessor replaces the whole preprocessing step (e.g. use
        ``functools.partial(strip_html, lowercase=True)``).

    preprocessor : callable, default=None
        Replaces the preprocessing step (lowercasing, accent stripping).

    tokenizer : callable, default=None
        Replaces the tokenisation step (``token_pattern``); ``analyzer="word"`` only.

    stop_words : {"english"}, list or None, default=None
        Tokens removed from the documents (before the ids are given).

    token_pattern : str or None, default=r"(?u)\\b\\w\\w+\\b"
        Regular expression matching a token.

    ngram_range : tuple (min_n, max_n), default=(1, 1)
        N-grams to extract; the sequence lists all n-grams in the analyzer's order.

    analyzer : {"word", "char", "char_wb"} or callable, default="word"
        Whether tokens are words or character n-grams, or the whole analysis step.

    dtype : int dtype, default=np.int32
        Data type of the output. It must hold the largest id, ``n_tokens_ - 1``
        (a ValueError is raised by ``fit`` otherwise, rather than wrapping the
        ids): e.g. ``np.int16`` holds the ids of up to 32,766 vocabulary tokens.

    Attributes
    ----------
    vocabulary_ : dict
        Mapping token -> id (as in the output, i.e. from 2).

    n_tokens_ : int
        Number of ids, ``len(vocabulary_) + 2``: the size of the embedding table.

    maxlen_ : int
        Length of the output sequences.

    See Also
    --------
    HashingSequenceVectorizer : Stateless variant using the hashing trick.
    pad_sequences : The padding / truncation step.

    Examples
    --------
    >>> from sklearn_rnn.text import SequenceVectorizer
    >>> docs = ["the cat sat on the mat", "the dog sat", "a dog and a cat"]
    >>> vec = SequenceVectorizer(maxlen=5)
    >>> vec.fit_transform(docs)
    array([[3, 5, 8, 2, 7],
           [0, 0, 2, 4, 5],
           [0, 0, 4, 6, 3]], dtype=int32)
    >>> vec.n_tokens_
    9
    >>> vec.get_vocabulary()
    array(['<pad>', '<oov>', 'the', 'cat', 'dog', 'sat', 'and', 'mat', 'on'],
          dtype=object)
    >>> vec.transform(["the bird sat"])
    array([[0, 0, 2, 1, 5]], dtype=int32)
    >>> vec.inverse_transform(vec.transform(["the bird sat"]))
    [array(['the', '<oov>', 'sat'], dtype=object)]

    A fixed vocabulary: its terms get the ids 2, 3, ... in its order.

    >>> fixed = SequenceVectorizer(vocabulary=["cat", "dog", "sat"], maxlen=4)
    >>> fixed.fit_transform(docs)
    array([[4, 1, 1, 1],
           [0, 1, 3, 4],
           [0, 3, 1, 2]], dtype=int32)
    >>> fixed.vocabulary_, fixed.n_tokens_
    ({'cat': 2, 'dog': 3, 'sat': 4}, 5)
    """

    #: Tokens shown for the padding and out-of-vocabulary ids.
    PAD_TOKEN = "<pad>"
    OOV_TOKEN = "<oov>"

    _parameter_constraints: dict = {
        **_BaseSequenceVectorizer._parameter_constraints,
        **{
            p: CountVectorizer._parameter_constraints[p]
            for p in ("max_features", "min_df", "max_df", "vocabulary")
        },
        "maxlen": [Number(Integral, 1, None, closed="left"), None],
    }

    def __init__(
        self,
        *,
        vocabulary=None,
        maxlen=None,
        padding="pre",
        truncating="pre",
        max_features=None,
        min_df=1,
        max_df=1.0,
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
        self.vocabulary = vocabulary
        self.maxlen = maxlen
        self.padding = padding
        self.truncating = truncating
        self.max_features = max_features
        self.min_df = min_df
        self.max_df = max_df
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
        """Learn the vocabulary (unless ``vocabulary`` is given) and ``maxlen_``.

        Parameters
        ----------
        X : iterable of str, bytes or files
            Training documents.

        y : None
            Ignored.

        Returns
        -------
        self : SequenceVectorizer
            The fitted vectorizer.
        """
        self._fit(X)
        return self

    @_fit_context(prefer_skip_nested_validation=True)
    def fit_transform(self, X, y=None):
        """Learn the vocabulary and return the padded id sequences.

        Equivalent to ``fit(X).transform(X)`` but analyses the documents once.

        Parameters
        ----------
        X : iterable of str, bytes or files
            Training documents.

        y : None
            Ignored.

        Returns
        -------
        sequences : ndarray of shape (n_documents, maxlen)
            Padded id sequences.
        """
        ids, lengths, dtype = self._fit(X)
        return self._pad(ids, lengths, self.maxlen_, dtype)

    def _fit(self, X):
        """Fit the vectorizer; return the ids of the documents, their lengths and
        the output dtype.

        Nothing is set on the vectorizer if an error is raised.
        """
        fixed = self._fixed_vocabulary()
        terms, term_indices, lengths = self._encode(X)
        first_id = self.FIRST_TOKEN_ID
        if fixed is None:
            kept = select_vocabulary(
                terms,
                term_indices,
                lengths,
                self.max_features,
                self.min_df,
                self.max_df,
            )
            term_ids = np.full(len(terms), self.OOV_ID, dtype=np.int64)
            term_ids[kept] = np.arange(first_id, first_id + len(kept))
            vocabulary = {
                terms[index]: token_id
                for token_id, index in enumerate(kept.tolist(), start=first_id)
            }
        else:
            vocabulary = fixed
        n_vocabulary = len(vocabulary)
        dtype = self._output_dtype(
            n_vocabulary + 1, self._n_ids_description(n_vocabulary)
        )
        if fixed is not None:
            term_ids = self._term_ids(terms, vocabulary)
        self.vocabulary_ = vocabulary
        self.n_tokens_ = n_vocabulary + first_id
        self.maxlen_ = int(lengths.max()) if self.maxlen is None else self.maxlen
        return term_ids[term_indices], lengths, dtype

    def _fixed_vocabulary(self):
        """``vocabulary`` as term -> id (its index + 2), checked as CountVectorizer
        checks it; None without one."""
        if self.vocabulary is None:
            return None
        counter = CountVectorizer(vocabulary=self.vocabulary)
        try:
            counter._validate_vocabulary()
        except ValueError as exc:
            hint = (
                " The indices of a vocabulary mapping are 0 .. V-1, as in "
                "CountVectorizer (they become the ids 2 .. V+1); to reuse a fitted "
                "SequenceVectorizer's vocabulary, pass vocabulary="
                "fitted.get_vocabulary()[2:]."
                if "doesn't contain index" in str(exc)
                else ""
            )
            raise ValueError(f"Invalid vocabulary: {exc}{hint}") from None
        first_id = self.FIRST_TOKEN_ID
        return {
            term: int(index) + first_id for term, index in counter.vocabulary_.items()
        }

    def _term_ids(self, terms, vocabulary):
        """The id of each term (``OOV_ID`` for terms not in ``vocabulary``)."""
        return np.fromiter(
            map(vocabulary.get, terms, repeat(self.OOV_ID)),
            dtype=np.int64,
            count=len(terms),
        )

    def transform(self, X):
        """Convert documents to padded id sequences.

        Parameters
        ----------
        X : iterable of str, bytes or files
            Documents.

        Returns
        -------
        sequences : ndarray of shape (n_documents, maxlen)
            Padded id sequences; out-of-vocabulary tokens get id 1.
        """
        check_is_fitted(self)
        n_vocabulary = self.n_tokens_ - self.FIRST_TOKEN_ID
        dtype = self._output_dtype(
            self.n_tokens_ - 1, self._n_ids_description(n_vocabulary)
        )
        terms, term_indices, lengths = self._encode(X)
        term_ids = self._term_ids(terms, self.vocabulary_)
        return self._pad(term_ids[term_indices], lengths, self.maxlen_, dtype)

    @staticmethod
    def _n_ids_description(n_vocabulary):
        return f"{n_vocabulary} vocabulary tokens"

    def get_vocabulary(self):
        """Return the token of each id.

        Returns
        -------
        tokens : ndarray of shape (n_tokens,), dtype=object
            ``tokens[i]`` is the token with id ``i``; ``"<pad>"`` and ``"<oov>"``
            at ids 0 and 1.
        """
        check_is_fitted(self)
        tokens = np.empty(self.n_tokens_, dtype=object)
        tokens[self.PAD_ID] = self.PAD_TOKEN
        tokens[self.OOV_ID] = self.OOV_TOKEN
        tokens[list(self.vocabulary_.values())] = list(self.vocabulary_)
        return tokens

    def inverse_transform(self, X):
        """Return the tokens of id sequences, without the padding.

        Parameters
        ----------
        X : array-like of shape (n_documents, n_steps)
            Integer id sequences, e.g. the output of :meth:`transform`.

        Returns
        -------
        tokens : list of ndarray of dtype object
            Tokens of each document; out-of-vocabulary ids give ``"<oov>"``.
        """
        tokens = self.get_vocabulary()
        X = check_array(X, dtype=None)
        if not np.issubdtype(X.dtype, np.integer):
            raise ValueError(f"Expected integer token ids, got dtype {X.dtype}.")
        if X.size and (X.min() < 0 or X.max() >= self.n_tokens_):
            raise ValueError(f"Token ids must be in [0, {self.n_tokens_}).")
        return [tokens[row[row != self.PAD_ID]] for row in X]

    @property
    def _n_features_out(self):
        return self.maxlen_
