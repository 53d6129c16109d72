"""Word vectors in the word2vec and GloVe text formats, aligned to token ids.

:func:`load_word_vectors` reads a vectors file into the embedding table of a
vocabulary (row ``i`` for token id ``i``, as the ``embeddings`` of the
estimators want it); :func:`save_word_vectors` writes a table as a word2vec
text file.
"""

import os
from collections.abc import Mapping
from itertools import chain
from numbers import Integral

import numpy as np
from sklearn.utils import check_random_state

from ._sequences import _BaseSequenceVectorizer

PAD_ID = _BaseSequenceVectorizer.PAD_ID
FIRST_TOKEN_ID = _BaseSequenceVectorizer.FIRST_TOKEN_ID


def _token_ids(vocabulary):
    """``vocabulary`` as term -> id: a fitted ``vocabulary_`` (ids from 2) or a
    sequence of terms (ids 2, 3, ... in order)."""
    if isinstance(vocabulary, (str, bytes)) or not hasattr(vocabulary, "__iter__"):
        raise TypeError(
            "vocabulary must be a mapping term -> token id (a fitted "
            "SequenceVectorizer's vocabulary_) or a sequence of terms; got "
            f"{type(vocabulary).__name__}."
        )
    if isinstance(vocabulary, Mapping):
        ids = dict(vocabulary)
    else:
        ids = {}
        for token_id, term in enumerate(vocabulary, start=FIRST_TOKEN_ID):
            if ids.setdefault(term, token_id) != token_id:
                raise ValueError(f"vocabulary holds the term {term!r} twice.")
    if not ids:
        raise ValueError("vocabulary is empty.")
    for term, token_id in ids.items():
        if (
            not isinstance(token_id, Integral)
            or isinstance(token_id, bool)
            or token_id < FIRST_TOKEN_ID
        ):
            raise ValueError(
                f"vocabulary gives {term!r} the id {token_id!r}; token ids of terms "
                f"start at {FIRST_TOKEN_ID} (0 is padding, 1 out-of-vocabulary), as "
                "in a fitted SequenceVectorizer's vocabulary_."
            )
    if len(set(ids.values())) != len(ids):
        raise ValueError("vocabulary gives the same id to several terms.")
    return ids


def _vector_lines(path, encoding):
    """``(line number, text)`` of each line, decoded one at a time (so a decoding
    error names its line) without its line break, trailing spaces and the
    byte-order mark some editors put first."""
    with open(path, "rb") as file:
        for number, raw in enumerate(file, start=1):
            try:
                text = raw.decode(encoding).rstrip()
                yield number, text.lstrip("\ufeff") if number == 1 else text
            except UnicodeDecodeError as exc:
                raise ValueError(
                    f"{os.fspath(path)}, line {number}, is not {encoding} text "
                    f"({exc.reason}); binary word2vec files are not read."
                ) from None


def _header(text):
    """``(n_words, dim)`` of a word2vec header line, or None (GloVe: no header)."""
    fields = text.split()
    if len(fields) == 2 and all(field.isdigit() for field in fields):
        return int(fields[0]), int(fields[1])
    return None


def load_word_vectors(
    path, vocabulary, *, dtype=np.float32, random_state=None, encoding="utf-8"
):
    """Read word vectors into an embedding table aligned to token ids.

    Reads the word2vec text format (a header line ``"n_words dim"``, then one
    line per word: the word and its ``dim`` numbers, separated by spaces;
    fastText's ``.vec`` files too) and GloVe's (the same lines, no header).
    The vector is the last ``dim`` fields of a line and the word is all
    before them, so words may hold spaces (the n-grams of
    ``SequenceVectorizer(ngram_range=...)``, a few tokens of GloVe 840B).
    The file is streamed line by line and only the vocabulary's vectors are
    kept (their numbers are parsed; the other lines are only split), so its
    size does not matter. The first line of a word seen twice counts.

    Parameters
    ----------
    path : str or path-like
        The vectors file, in text format.
    vocabulary : mapping or sequence of str
        The token ids of the terms: a fitted ``SequenceVectorizer``'s
        ``vocabulary_`` (term -> id, ids from 2), or the terms in id order
        (ids 2, 3, ...; e.g. what ``SequenceVectorizer(vocabulary=terms)``
        gives them).
    dtype : float dtype, default=np.float32
        Of the table (the estimators' token-id precision).
    random_state : int, RandomState instance or None, default=None
        Seeds the rows of the ids without a vector.
    encoding : str, default="utf-8"
        The encoding of the file.

    Returns
    -------
    embeddings : ndarray of shape (max id + 1, dim)
        Row ``i`` for token id ``i``: the file's vector of the term with id
        ``i``; zeros for padding (id 0); for the out-of-vocabulary id 1,
        terms not in the file and ids of no term, draws from a normal
        distribution of mean 0 and the standard deviation of every number of
        the vectors found (common practice: unknown words start at the scale
        of the known ones), each row drawn from ``random_state`` whatever
        was found.
    found : ndarray of bool, shape (max id + 1,)
        Which rows come from the file (``found.sum()`` words were found).

    Raises
    ------
    ValueError
        For a line that is not a word and ``dim`` finite numbers, a line that
        is not ``encoding`` text, a header whose word count does not match the
        file (naming the line), or when no term of the vocabulary is in it.

    See Also
    --------
    save_word_vectors : Write an embedding table in this format.

    Examples
    --------
    >>> import os, tempfile
    >>> from sklearn_rnn.text import load_word_vectors
    >>> path = os.path.join(tempfile.mkdtemp(), "vectors.txt")
    >>> with open(path, "w", encoding="utf-8") as file:
    ...     _ = file.write("3 2\\ngood 1.0 0.5\\nbad -1.0 0.5\\nthe 0.0 0.25\\n")
    >>> table, found = load_word_vectors(path, {"bad": 2, "good": 3, "film": 4})
    >>> table[2:4]
    array([[-1. ,  0.5],
           [ 1. ,  0.5]], dtype=float32)
    >>> found
    array([False, False,  True,  True, False])
    """
    ids = _token_ids(vocabulary)
    n_rows = max(ids.values()) + 1
    lines = _vector_lines(path, encoding)
    first = next(lines, None)
    if first is None:
        raise ValueError(f"{os.fspath(path)} is empty.")
    header = _header(first[1])
    if header is None:  # GloVe: the first line is a vector
        announced, dim = None, len(first[1].split()) - 1
        lines = chain([first], lines)
    else:
        announced, dim = header
    if dim < 1:
        raise ValueError(f"{os.fspath(path)}, line 1: no vector after the word.")
    vectors, count = {}, 0
    for number, text in lines:
        count += 1
        fields = text.rsplit(None, dim)
        if len(fields) != dim + 1:
            raise ValueError(
                f"{os.fspath(path)}, line {number}: expected a word and {dim} numbers; "
                f"got {len(fields)} fields."
            )
        word = fields[0]
        if word in ids and ids[word] not in vectors:
            try:
                vector = np.array(fields[1:], dtype=np.float64)
                valid = np.isfinite(vector).all()
            except ValueError:  # not a number
                valid = False
            if not valid:
                raise ValueError(
                    f"{os.fspath(path)}, line {number}: the vector of {word!r} is not "
                    f"{dim} finite numbers."
                )
            vectors[ids[word]] = vector
    if announced is not None and announced != count:
        raise ValueError(
            f"{os.fspath(path)}, line 1: the header announces {announced} words, "
            f"but the file has {count}."
        )
    if not vectors:
        raise ValueError(
            f"None of the {len(ids)} terms of the vocabulary is in {os.fspath(path)}; "
            "are they tokenised and lower-cased as the file's words are?"
        )
    rows = np.fromiter(vectors, dtype=np.intp, count=len(vectors))
    known = np.array(list(vectors.values()))
    rng = check_random_state(random_state)
    embeddings = rng.normal(0.0, known.std(), size=(n_rows, dim)).astype(dtype)
    embeddings[rows] = known
    embeddings[PAD_ID] = 0.0
    found = np.zeros(n_rows, dtype=bool)
    found[rows] = True
    return embeddings, found


def save_word_vectors(path, embeddings, vocabulary, *, encoding="utf-8"):
    """Write the vectors of a vocabulary's terms as a word2vec text file.

    A header ``"n_words dim"``, then one line per term of ``vocabulary`` in
    id order: the term and row ``id`` of ``embeddings``, written with enough
    digits to be read back exactly (9 significant digits for float32, 17
    otherwise). The padding and out-of-vocabulary rows are not written.
    :func:`load_word_vectors`, gensim's ``KeyedVectors.load_word2vec_format``
    and fastText read it (the latter two split at every space, so they read
    an n-gram term with spaces as a malformed line).

    Parameters
    ----------
    path : str or path-like
        The file to write (replaced if it exists).
    embeddings : array-like of shape (n_ids, dim)
        Row ``i`` for token id ``i``, e.g. a trained estimator's table,
        ``est.network_.named_params()["embedding.0.embeddings"]``.
    vocabulary : mapping or sequence of str
        As in :func:`load_word_vectors`. Terms must be non-empty, without
        leading or trailing whitespace nor line breaks.
    encoding : str, default="utf-8"
        The encoding of the file.

    Raises
    ------
    ValueError
        If ``embeddings`` is not a 2-D array of numbers or has no row for an
        id of ``vocabulary``, or ``vocabulary`` is not valid (empty, a term
        or an id twice, an id below 2, a term that cannot be written on one
        line).
    TypeError
        If ``vocabulary`` is neither a mapping nor a sequence of terms.

    See Also
    --------
    load_word_vectors : Read the file back into an embedding table.

    Examples
    --------
    >>> import os, tempfile
    >>> import numpy as np
    >>> from sklearn_rnn.text import load_word_vectors, save_word_vectors
    >>> path = os.path.join(tempfile.mkdtemp(), "vectors.txt")
    >>> table = np.arange(8, dtype=np.float32).reshape(4, 2) / 3
    >>> save_word_vectors(path, table, ["good", "very good"])
    >>> print(open(path, encoding="utf-8").read())
    2 2
    good 1.33333337 1.66666663
    very good 2 2.33333325
    <BLANKLINE>
    >>> loaded, found = load_word_vectors(path, ["good", "very good"])
    >>> bool((loaded[2:] == table[2:]).all()), found.tolist()
    (True, [False, False, True, True])
    """
    ids = _token_ids(vocabulary)
    table = np.asarray(embeddings)
    if table.ndim != 2 or table.dtype.kind not in "iuf":
        raise ValueError(
            f"embeddings must be a 2-D array of numbers; got shape {table.shape} "
            f"and dtype {table.dtype}."
        )
    if max(ids.values()) >= len(table):
        raise ValueError(
            f"embeddings has {len(table)} rows, but vocabulary holds the id "
            f"{max(ids.values())}."
        )
    for term in ids:
        if (
            not isinstance(term, str)
            or not term
            or term != term.strip()
            or "\n" in term
            or "\r" in term
        ):
            raise ValueError(
                f"vocabulary holds the term {term!r}, which a vectors file cannot "
                "hold: terms must be non-empty strings without leading or trailing "
                "whitespace nor line breaks."
            )
    digits = 9 if table.dtype == np.float32 else 17
    row_format = " ".join([f"%.{digits}g"] * table.shape[1])
    with open(path, "w", encoding=encoding, newline="\n") as file:
        file.write(f"{len(ids)} {table.shape[1]}\n")
        for term, token_id in sorted(ids.items(), key=lambda item: item[1]):
            file.write(f"{term} {row_format % tuple(table[token_id].tolist())}\n")
