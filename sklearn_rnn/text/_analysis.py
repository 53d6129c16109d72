"""Documents -> term indices, and the vocabulary selection of ``CountVectorizer``.

:func:`encode_documents` gives, term for term, what the analyzer of a
scikit-learn vectorizer gives, but as indices into a list of the distinct terms.
For the word analyzer it is faster than calling the analyzer: each token is
looked up once, the word n-grams (n >= 2) are formed from the token indices with
NumPy, and only the distinct n-grams are joined into strings.
:func:`select_vocabulary` then chooses the vocabulary exactly as
``CountVectorizer`` does, from the term counts alone (no document-term matrix).
"""

import re
from array import array
from collections import defaultdict
from numbers import Integral

import numpy as np

# CountVectorizer's default token pattern, and one that finds the same tokens
# faster: both match the maximal runs of 2 or more word characters (a match can
# only start where a run starts, and the greedy \w+ ends where the run ends).
_DEFAULT_TOKEN_PATTERN = r"(?u)\b\w\w+\b"
_FAST_TOKEN_PATTERN = re.compile(r"(?u)\w\w+")


def _word_tokenizer(vectorizer):
    """The word analyzer of ``vectorizer`` without the n-grams: doc -> tokens."""
    decode = vectorizer.decode
    preprocess = vectorizer.build_preprocessor()
    if vectorizer.tokenizer is None and vectorizer.token_pattern == (
        _DEFAULT_TOKEN_PATTERN
    ):
        tokenize = _FAST_TOKEN_PATTERN.findall
    else:
        tokenize = vectorizer.build_tokenizer()
    stop_words = vectorizer.get_stop_words()
    if stop_words is None:
        return lambda doc: tokenize(preprocess(decode(doc)))
    return lambda doc: [
        w for w in tokenize(preprocess(decode(doc))) if w not in stop_words
    ]


def encode_documents(documents, vectorizer, check_type=False):
    """Analyse the documents with the analyzer of a scikit-learn vectorizer.

    Parameters
    ----------
    documents : iterable
        The documents, iterated over once.

    vectorizer : CountVectorizer or HashingVectorizer
        Gives the analysis (``build_analyzer``), whose parameters it validates.

    check_type : bool, default=False
        Raise a TypeError for a document that is not a str or bytes.

    Returns
    -------
    terms : list
        The distinct terms (tokens or n-grams) of the documents.

    ids : ndarray of shape (n_terms_in_documents,), dtype=int64
        ``terms[ids[k]]`` is the ``k``-th term of the documents back to back, each
        document's terms in the order of ``vectorizer.build_analyzer()(doc)``.

    lengths : ndarray of shape (n_documents,), dtype=int64
        Number of terms of each document.
    """
    analyze = vectorizer.build_analyzer()
    min_n = max_n = 1
    if vectorizer.analyzer == "word":
        analyze = _word_tokenizer(vectorizer)
        min_n, max_n = vectorizer.ngram_range
    index = defaultdict()  # term -> index, a new term gets the next index
    index.default_factory = index.__len__
    lookup = index.__getitem__
    flat, lengths = array("q"), array("q")
    for i, doc in enumerate(documents):
        if check_type and not isinstance(doc, (str, bytes)):
            raise TypeError(
                f"Document {i} is of type {type(doc).__name__}; each document must "
                "be a str (or bytes, decoded with `encoding`)."
            )
        n_before = len(flat)
        flat.extend(map(lookup, analyze(doc)))
        lengths.append(len(flat) - n_before)
    tokens = list(index)
    ids = np.frombuffer(flat, dtype=np.int64)
    lengths = np.frombuffer(lengths, dtype=np.int64)
    if max_n == 1:
        return tokens, ids, lengths
    return _word_ngrams(tokens, ids, lengths, min_n, max_n)


def _word_ngrams(tokens, ids, lengths, min_n, max_n):
    """The n-grams for ``min_n <= n <= max_n`` of tokenised documents.

    Same terms, in the same order, as ``CountVectorizer._word_ngrams``: in each
    document, the n-grams for increasing n, each in the order of the text; an
    n-gram is its tokens joined by spaces. ``tokens``, ``ids`` and ``lengths`` are
    the tokens as returned by :func:`encode_documents` for ``max_n = 1``.
    """
    n_tokens = len(tokens)
    # number of tokens from each position to the end of its document
    left = np.repeat(np.cumsum(lengths), lengths) - np.arange(len(ids))
    levels = [(tokens, ids)] if min_n == 1 else []  # (terms, term indices)
    gram_terms, gram_ids = tokens, ids  # n-grams starting at each position
    for n in range(2, max_n + 1):
        starts = np.flatnonzero(left >= n)
        # an n-gram is its (n-1)-gram prefix followed by its last token
        codes = gram_ids[starts] * n_tokens + ids[starts + n - 1]
        codes, inverse = np.unique(codes, return_inverse=True)
        prefixes, last = np.divmod(codes, n_tokens)
        gram_terms = [
            f"{gram_terms[p]} {tokens[t]}"
            for p, t in zip(prefixes.tolist(), last.tolist())
        ]
        gram_ids = np.empty_like(ids)
        gram_ids[starts] = inverse
        if n >= min_n:
            levels.append((gram_terms, inverse))
    # in each document, the n-grams for increasing n
    counts = [np.maximum(lengths - (n - 1), 0) for n in range(min_n, max_n + 1)]
    new_lengths = np.sum(counts, axis=0, dtype=np.int64)
    out = np.empty(int(new_lengths.sum()), dtype=np.int64)
    position = np.cumsum(new_lengths) - new_lengths  # next free slot of each doc
    terms, offset = [], 0
    for (level_terms, level_ids), count in zip(levels, counts):
        first = np.cumsum(count) - count  # index in level_ids of each doc's first
        out[np.repeat(position - first, count) + np.arange(len(level_ids))] = (
            level_ids + offset
        )
        position += count
        terms += level_terms
        offset += len(level_terms)
    if any(" " in token for token in tokens):
        # tokens with spaces: distinct token tuples may give the same string
        merged = {term: i for i, term in enumerate(dict.fromkeys(terms))}
        if len(merged) < len(terms):
            out = np.fromiter(map(merged.__getitem__, terms), np.int64)[out]
            terms = list(merged)
    return terms, out, new_lengths


def select_vocabulary(terms, ids, lengths, max_features, min_df, max_df):
    """The vocabulary ``CountVectorizer`` keeps, most frequent first.

    Same selection as ``CountVectorizer(max_features=max_features, min_df=min_df,
    max_df=max_df)`` (same errors, and for ``max_features``, the same choice
    between terms of equal counts), computed from the term counts.

    Parameters
    ----------
    terms : list
        The distinct terms of the documents.

    ids, lengths : ndarray of int
        Index in ``terms`` of each term of the documents, documents back to back,
        and the number of terms of each document (see :func:`encode_documents`).

    max_features, min_df, max_df
        As in ``CountVectorizer``.

    Returns
    -------
    kept : ndarray of int64
        Indices in ``terms`` of the vocabulary, by decreasing number of occurrences
        then in alphabetical order.
    """
    if not terms:
        raise ValueError(
            "empty vocabulary; perhaps the documents only contain stop words"
        )
    n_docs = len(lengths)
    max_doc_count = max_df if isinstance(max_df, Integral) else max_df * n_docs
    min_doc_count = min_df if isinstance(min_df, Integral) else min_df * n_docs
    if max_doc_count < min_doc_count:
        raise ValueError("max_df corresponds to < documents than min_df")
    # CountVectorizer's features are in alphabetical order
    alphabetical = np.array(sorted(range(len(terms)), key=terms.__getitem__))
    tfs = np.bincount(ids, minlength=len(terms))[alphabetical]
    mask = np.ones(len(terms), dtype=bool)
    if min_doc_count > 1 or max_doc_count < n_docs:  # else no term is pruned
        dfs = _document_frequencies(ids, lengths, len(terms))[alphabetical]
        mask &= (dfs <= max_doc_count) & (dfs >= min_doc_count)
    if max_features is not None and mask.sum() > max_features:
        # the same (not stable) sort of the same array as CountVectorizer, for
        # the same choice among terms with equal counts
        mask_inds = (-tfs[mask]).argsort()[:max_features]
        new_mask = np.zeros(len(terms), dtype=bool)
        new_mask[np.flatnonzero(mask)[mask_inds]] = True
        mask = new_mask
    if not mask.any():
        raise ValueError(
            "After pruning, no terms remain. Try a lower min_df or a higher max_df."
        )
    return alphabetical[mask][np.argsort(-tfs[mask], kind="stable")]


def _document_frequencies(ids, lengths, n_terms):
    """Number of documents in which each term occurs."""
    pairs = np.repeat(np.arange(len(lengths), dtype=np.int64), lengths)
    pairs *= n_terms
    pairs += ids  # (document, term)
    pairs.sort()  # faster than np.unique, for the many distinct pairs here
    first = np.ones(len(pairs), dtype=bool)
    np.not_equal(pairs[1:], pairs[:-1], out=first[1:])
    return np.bincount(pairs[first] % n_terms, minlength=n_terms)
