"""Loader of the IMDB Large Movie Review Dataset (Maas et al., 2011)."""

import gzip
import hashlib
import http.client
import os
import re
import sys
import tarfile
import tempfile
import time
import urllib.request
import zlib
from numbers import Integral, Real

import numpy as np
from sklearn.utils import Bunch, check_random_state
from sklearn.utils._param_validation import StrOptions, validate_params

from .._constraints import Number
from ._home import DATA_HOME_ENV, is_writable_dir, resolve_data_home
from ._imdb_cache import (
    CorruptFileError,
    cache_paths,
    corrupt_cache,
    read_cache,
    write_cache,
)

ARCHIVE_NAME = "aclImdb_v1.tar.gz"
ARCHIVE_URL = "http://ai.stanford.edu/~amaas/data/sentiment/aclImdb_v1.tar.gz"
ARCHIVE_SHA256 = "c40f74a18d3b61f90feba1e17730e0d38e8b97c05fde7008942e91923d1658fe"
DOWNLOAD_TIMEOUT = 60.0  # seconds without data before a download attempt fails
_CHUNK_SIZE = 1 << 20

SUBSETS = ("train", "test")
TARGET_NAMES = ["neg", "pos"]
_RATINGS = {"neg": range(1, 5), "pos": range(7, 11)}
_REVIEW = re.compile(r"aclImdb/(train|test)/(neg|pos)/(\d+)_(\d+)\.txt")
# urllib.error.URLError and socket errors are OSErrors
_DOWNLOAD_ERRORS = (OSError, http.client.HTTPException)

DESCR = """\
IMDB Large Movie Review Dataset (v1.0)
--------------------------------------

Binary sentiment classification of movie reviews from IMDB.

- 50,000 labelled reviews: 25,000 for training and 25,000 for testing, each half
  positive and half negative, with at most 30 reviews per movie and disjoint
  movies between training and test sets.
- Negative reviews have a rating of 1-4 out of 10, positive reviews 7-10
  (``target`` 0 = "neg", 1 = "pos"; the rating is in ``ratings``).
- The raw texts contain HTML line breaks (``<br />``) and non-ASCII characters;
  a few hundred texts occur twice.

Archive: http://ai.stanford.edu/~amaas/data/sentiment/

If you use this dataset, please cite:

    Andrew L. Maas, Raymond E. Daly, Peter T. Pham, Dan Huang, Andrew Y. Ng and
    Christopher Potts. "Learning Word Vectors for Sentiment Analysis." Proceedings
    of the 49th Annual Meeting of the Association for Computational Linguistics
    (ACL 2011), pages 142-150.
"""


class ChecksumError(OSError):
    """A downloaded file does not have the expected SHA-256 digest."""


def _corrupt_archive(archive, reason):
    return CorruptFileError(
        f"The IMDB archive {archive} is corrupt or is not the IMDB archive "
        f"({reason}): delete it, and fetch_imdb will download it again (or put a "
        f"good copy of {ARCHIVE_URL} there)."
    )


@validate_params(
    {
        "subset": [StrOptions({"train", "test", "all"})],
        "data_home": [str, os.PathLike, None],
        "download_if_missing": ["boolean"],
        "return_X_y": ["boolean"],
        "shuffle": ["boolean"],
        "random_state": ["random_state"],
        "n_retries": [Number(Integral, 0, None, closed="left")],
        "delay": [Number(Real, 0.0, None, closed="left")],
        "cache_home": [str, os.PathLike, None],
    },
    prefer_skip_nested_validation=True,
)
def fetch_imdb(
    subset="train",
    *,
    data_home=None,
    download_if_missing=True,
    return_X_y=False,
    shuffle=False,
    random_state=None,
    n_retries=3,
    delay=1.0,
    cache_home=None,
):
    """Load the IMDB movie review sentiment dataset (binary classification).

    =================   ======================
    Classes                                  2
    Samples (train)                     25,000
    Samples (test)                      25,000
    Features              text (variable size)
    =================   ======================

    The reviews are read from the archive ``aclImdb_v1.tar.gz`` (its
    ``aclImdb/{train,test}/{pos,neg}/<id>_<rating>.txt`` members; nothing else is
    required) in the data home, which is downloaded (84 MB) if absent. The parsed
    reviews are cached in ``imdb_parsed_v1.npz`` next to the archive, or, when
    that directory is read-only, in ``cache_home``.

    Parameters
    ----------
    subset : {"train", "test", "all"}, default="train"
        Which reviews to load; "all" gives the training then the test reviews.

    data_home : str or path-like, default=None
        Folder holding ``aclImdb_v1.tar.gz``. By default the environment variable
        ``SKLEARN_RNN_DATA`` if set, else :func:`sklearn.datasets.get_data_home`
        (``~/scikit_learn_data``).

    download_if_missing : bool, default=True
        Download the archive from the Stanford server if it is not in the data
        home (the download is checked against the official SHA-256; an archive
        already present is used as is). If False, a missing archive raises.

    return_X_y : bool, default=False
        Return ``(data, target)`` instead of a Bunch.

    shuffle : bool, default=False
        Shuffle the reviews. Otherwise they are ordered by subset, label, then
        review id.

    random_state : int, RandomState instance or None, default=None
        Shuffling seed (only used with ``shuffle=True``).

    n_retries : int, default=3
        Number of retries of a failed download.

    delay : float, default=1.0
        Seconds between download retries.

    cache_home : str or path-like, default=None
        Folder of the parsed-reviews cache when it cannot be written next to the
        archive, or always if given. By default
        :func:`sklearn.datasets.get_data_home`. Caching is skipped if no folder is
        writable. A folder without any write permission bit is considered
        read-only, even for root.

    Returns
    -------
    dataset : :class:`~sklearn.utils.Bunch`
        Dictionary-like object, with the following attributes.

        data : list of str
            The reviews (raw text, with HTML line breaks).
        target : ndarray of shape (n_samples,)
            0 for negative, 1 for positive reviews.
        target_names : list of str
            ``["neg", "pos"]``.
        ratings : ndarray of shape (n_samples,)
            Ratings 1-4 (negative) or 7-10 (positive), from the file names.
        ids : ndarray of shape (n_samples,)
            Review id within its subset and label directory.
        filenames : ndarray of shape (n_samples,)
            Member names in the archive, e.g. ``"aclImdb/train/pos/0_9.txt"``.
        DESCR : str
            Description of the dataset, with the reference to cite.

    (data, target) : tuple if ``return_X_y`` is True
        The reviews (list of str) and their labels (ndarray of shape
        (n_samples,)), as in the Bunch.

    Raises
    ------
    FileNotFoundError
        If the archive is absent and cannot be downloaded; the message says
        where to put it.

    ValueError
        If the archive or the cache is corrupt, truncated or was modified (a
        ``CorruptFileError``, also an ``OSError``); the message names the file to
        delete.

    See Also
    --------
    sklearn_rnn.text.SequenceVectorizer : The reviews as token-id sequences.
    sklearn_rnn.text.strip_html : Remove the reviews' HTML line breaks.

    Examples
    --------
    >>> from sklearn_rnn.datasets import fetch_imdb  # doctest: +SKIP
    >>> reviews = fetch_imdb(subset="train")  # doctest: +SKIP
    >>> len(reviews.data), int(reviews.target.sum())  # doctest: +SKIP
    (25000, 12500)
    >>> reviews.target_names  # doctest: +SKIP
    ['neg', 'pos']
    """
    data_home = resolve_data_home(data_home)
    archive = os.path.join(data_home, ARCHIVE_NAME)
    if not os.path.isfile(archive):
        _obtain_archive(archive, download_if_missing, n_retries, delay)

    parsed, cache = _load_parsed(archive, cache_home)
    wanted = SUBSETS if subset == "all" else (subset,)
    rows = np.flatnonzero(np.isin(parsed["subset"], [SUBSETS.index(s) for s in wanted]))
    if shuffle:
        rows = check_random_state(random_state).permutation(rows)

    text, offsets = memoryview(parsed["text"]), parsed["offsets"]
    try:
        data = [str(text[offsets[i] : offsets[i + 1]], "utf-8") for i in rows]
    except UnicodeDecodeError as exc:  # the archive's texts were checked
        raise corrupt_cache(cache, f"a review is not valid UTF-8: {exc}") from exc
    subsets, target, ids, ratings = (
        parsed[name][rows].astype(np.int64)
        for name in ("subset", "target", "ids", "ratings")
    )
    if return_X_y:
        return data, target
    filenames = np.array(
        [
            f"aclImdb/{SUBSETS[s]}/{TARGET_NAMES[t]}/{i}_{r}.txt"
            for s, t, i, r in zip(subsets, target, ids, ratings)
        ],
        dtype=object,
    )
    return Bunch(
        data=data,
        target=target,
        target_names=list(TARGET_NAMES),
        ratings=ratings,
        ids=ids,
        filenames=filenames,
        DESCR=DESCR,
    )


def _missing_archive_error(archive, reason):
    return FileNotFoundError(
        f"The IMDB archive {ARCHIVE_NAME} was not found at {archive} and {reason}. "
        f"Download it from {ARCHIVE_URL} and save it as {archive}, or put it in "
        f"another folder and point the environment variable {DATA_HOME_ENV} (or "
        "the data_home argument) to that folder."
    )


def _obtain_archive(archive, download_if_missing, n_retries, delay):
    """Download the archive to ``archive`` or raise a FileNotFoundError."""
    if not download_if_missing:
        raise _missing_archive_error(archive, "download_if_missing=False")
    folder = os.path.dirname(archive)
    try:
        os.makedirs(folder, exist_ok=True)
    except OSError as exc:
        raise _missing_archive_error(archive, f"{folder} cannot be created") from exc
    if not is_writable_dir(folder):
        raise _missing_archive_error(archive, f"{folder} is read-only")
    for attempt in range(n_retries + 1):
        try:
            _download(ARCHIVE_URL, archive, ARCHIVE_SHA256)
            return
        except ChecksumError:
            raise
        except _DOWNLOAD_ERRORS as exc:
            error = exc
            if attempt < n_retries:
                print(
                    f"Download failed ({exc}), retrying in {delay} s", file=sys.stderr
                )
                time.sleep(delay)
    raise _missing_archive_error(
        archive, f"the download failed after {n_retries + 1} attempts ({error})"
    ) from error


def _download(url, path, sha256):
    """Download ``url`` to ``path`` atomically, checking its SHA-256 digest.

    The data goes to a temporary file in the same folder, renamed to ``path``
    only if complete and with the expected digest; it is removed otherwise.
    """
    digest = hashlib.sha256()
    tmp = tempfile.NamedTemporaryFile(
        dir=os.path.dirname(path),
        prefix=f".{os.path.basename(path)}.",
        suffix=".part",
        delete=False,
    )
    try:
        with tmp, urllib.request.urlopen(url, timeout=DOWNLOAD_TIMEOUT) as response:
            total = int(response.headers.get("Content-Length") or 0)
            done = 0
            while chunk := response.read(_CHUNK_SIZE):
                tmp.write(chunk)
                digest.update(chunk)
                done += len(chunk)
                _show_progress(url, done, total)
            print(file=sys.stderr)
        if digest.hexdigest() != sha256:
            raise ChecksumError(
                f"The file downloaded from {url} has SHA-256 {digest.hexdigest()}, "
                f"expected {sha256}; it was discarded."
            )
        os.replace(tmp.name, path)
    finally:
        if os.path.exists(tmp.name):
            os.remove(tmp.name)


def _show_progress(url, done, total):
    size = f"{done / 1e6:.1f} MB"
    if total:
        size += f" / {total / 1e6:.1f} MB ({100 * done / total:.0f}%)"
    print(f"\rDownloading {url}: {size}", end="", file=sys.stderr, flush=True)


def _load_parsed(archive, cache_home):
    """Parsed reviews of ``archive`` and the cache they come from (None if parsed).

    Read from an up-to-date cache, else parsed from the archive and cached.
    """
    info = os.stat(archive)
    key = np.array([info.st_size, info.st_mtime_ns], dtype=np.int64)
    caches = cache_paths(archive, cache_home)
    for path in caches:
        parsed = read_cache(path, key)
        if parsed is not None:
            return parsed, path
    parsed = _parse_archive(archive)
    for path in caches:
        if write_cache(path, dict(parsed, key=key)):
            break
    return parsed, None


def _parse_archive(archive):
    """Read the labelled reviews from the tar.gz archive in one streaming pass.

    Returns a dict of arrays ordered by subset, label and id: ``subset`` (index
    in SUBSETS), ``target``, ``ids``, ``ratings``, and the UTF-8 texts
    concatenated in ``text`` (uint8), review ``i`` being
    ``text[offsets[i]:offsets[i + 1]]``. A damaged archive (bad gzip or tar
    data, checksum, truncation, invalid review) raises a CorruptFileError.
    """
    reviews = {}
    try:
        with gzip.open(archive, "rb") as stream:
            with tarfile.open(fileobj=stream, mode="r|") as tar:
                for member in tar:
                    review = _read_review(tar, member)
                    if review is None:
                        continue
                    if review[:3] in reviews:
                        raise ValueError(f"it holds two reviews {member.name}")
                    reviews[review[:3]] = review
            while stream.read(_CHUNK_SIZE):  # to the end, which checks the CRC
                pass
    except (
        tarfile.TarError,
        gzip.BadGzipFile,
        EOFError,
        zlib.error,
        ValueError,
    ) as exc:
        raise _corrupt_archive(archive, exc) from exc
    if not reviews:
        raise _corrupt_archive(
            archive, "it holds no aclImdb/{train,test}/{pos,neg}/<id>_<rating>.txt"
        )
    subsets, targets, ids, ratings, texts = zip(*(reviews[k] for k in sorted(reviews)))
    lengths = np.fromiter(map(len, texts), dtype=np.int64, count=len(texts))
    return {
        "subset": np.array(subsets, dtype=np.int8),
        "target": np.array(targets, dtype=np.int8),
        "ids": np.array(ids, dtype=np.int64),
        "ratings": np.array(ratings, dtype=np.int8),
        "offsets": np.concatenate([[0], np.cumsum(lengths)]),
        "text": np.frombuffer(b"".join(texts), dtype=np.uint8),
    }


def _read_review(tar, member):
    """``(subset, target, id, rating, text)`` of a review member of the archive.

    None for the other members; a ValueError for an invalid review.
    """
    match = _REVIEW.fullmatch(member.name)
    if match is None or not member.isfile():
        return None
    subset, label, review_id, rating = match.groups()
    target, review_id, rating = TARGET_NAMES.index(label), int(review_id), int(rating)
    if rating not in _RATINGS[label] or review_id > np.iinfo(np.int64).max:
        raise ValueError(
            f"{member.name} is not a review: the ratings are 1-4 (neg) or 7-10 "
            "(pos), the ids fit in 64 bits"
        )
    raw = tar.extractfile(member).read()
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ValueError(f"{member.name} is not valid UTF-8: {exc}") from exc
    return SUBSETS.index(subset), target, review_id, rating, raw
