"""Loader of the IMDB Large Movie Review Dataset (Maas et al., 2011)."""

import hashlib
import http.client
import os
import re
import stat
import sys
import tarfile
import tempfile
import time
import urllib.request
import zipfile
import zlib
from numbers import Integral, Real

import numpy as np
from sklearn.datasets import get_data_home
from sklearn.utils import Bunch, check_random_state
from sklearn.utils._param_validation import Interval, StrOptions, validate_params

ARCHIVE_NAME = "aclImdb_v1.tar.gz"
ARCHIVE_URL = "http://ai.stanford.edu/~amaas/data/sentiment/aclImdb_v1.tar.gz"
ARCHIVE_SHA256 = "c40f74a18d3b61f90feba1e17730e0d38e8b97c05fde7008942e91923d1658fe"
DATA_HOME_ENV = "SKLEARN_RNN_DATA"
CACHE_NAME = "imdb_parsed_v1"
DOWNLOAD_TIMEOUT = 60.0  # seconds without data before a download attempt fails
_CHUNK_SIZE = 1 << 20

SUBSETS = ("train", "test")
TARGET_NAMES = ["neg", "pos"]
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


@validate_params(
    {
        "subset": [StrOptions({"train", "test", "all"})],
        "data_home": [str, os.PathLike, None],
        "download_if_missing": ["boolean"],
        "return_X_y": ["boolean"],
        "shuffle": ["boolean"],
        "random_state": ["random_state"],
        "n_retries": [Interval(Integral, 0, None, closed="left")],
        "delay": [Interval(Real, 0.0, None, closed="left")],
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

    Raises
    ------
    FileNotFoundError
        If the archive is absent and cannot be downloaded; the message says
        where to put it.

    Examples
    --------
    >>> from sklearn_rnn.datasets import fetch_imdb  # doctest: +SKIP
    >>> reviews = fetch_imdb(subset="train")  # doctest: +SKIP
    >>> len(reviews.data), int(reviews.target.sum())  # doctest: +SKIP
    (25000, 12500)
    >>> reviews.target_names  # doctest: +SKIP
    ['neg', 'pos']
    """
    data_home = _resolve_data_home(data_home)
    archive = os.path.join(data_home, ARCHIVE_NAME)
    if not os.path.isfile(archive):
        _obtain_archive(archive, download_if_missing, n_retries, delay)

    parsed = _load_parsed(archive, cache_home)
    wanted = SUBSETS if subset == "all" else (subset,)
    rows = np.flatnonzero(np.isin(parsed["subset"], [SUBSETS.index(s) for s in wanted]))
    if shuffle:
        rows = check_random_state(random_state).permutation(rows)

    text, offsets = memoryview(parsed["text"]), parsed["offsets"]
    data = [str(text[offsets[i] : offsets[i + 1]], "utf-8") for i in rows]
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


def _resolve_data_home(data_home):
    """Return the data home: argument, else $SKLEARN_RNN_DATA, else sklearn's."""
    if data_home is None:
        data_home = os.environ.get(DATA_HOME_ENV) or get_data_home()
    return os.path.abspath(os.path.expanduser(os.fspath(data_home)))


def _is_writable_dir(path):
    """Whether ``path`` is a directory we may write to.

    A directory without any write permission bit counts as read-only even when
    the process could write to it anyway (root).
    """
    try:
        mode = os.stat(path).st_mode
    except OSError:
        return False
    return (
        stat.S_ISDIR(mode)
        and bool(mode & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH))
        and os.access(path, os.W_OK)
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
    if not _is_writable_dir(folder):
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
    """Parsed reviews of ``archive``: from a valid cache, else parsed and cached."""
    info = os.stat(archive)
    key = np.array([info.st_size, info.st_mtime_ns], dtype=np.int64)
    caches = _cache_paths(archive, cache_home)
    for path in caches:
        parsed = _read_cache(path, key)
        if parsed is not None:
            return parsed
    parsed = _parse_archive(archive)
    for path in caches:
        if _write_cache(path, dict(parsed, key=key)):
            break
    return parsed


def _cache_paths(archive, cache_home):
    """Candidate cache files, most preferred first."""
    # a cache outside the archive's folder is named after the archive's path
    path_hash = hashlib.sha256(os.path.realpath(archive).encode()).hexdigest()[:16]
    elsewhere = f"{CACHE_NAME}_{path_hash}.npz"
    if cache_home is not None:
        return [os.path.join(os.path.expanduser(os.fspath(cache_home)), elsewhere)]
    return [
        os.path.join(os.path.dirname(archive), f"{CACHE_NAME}.npz"),
        os.path.join(get_data_home(), elsewhere),
    ]


def _read_cache(path, key):
    """The cached arrays, or None if the cache is absent, unreadable or stale."""
    try:
        with np.load(path, allow_pickle=False) as cache:
            if not np.array_equal(cache["key"], key):
                return None
            return {name: cache[name] for name in cache.files if name != "key"}
    except (OSError, ValueError, KeyError, EOFError, zipfile.BadZipFile):
        return None


def _write_cache(path, arrays):
    """Write the cache atomically; return False if the folder is not writable."""
    folder = os.path.dirname(path)
    try:
        os.makedirs(folder, exist_ok=True)
    except OSError:
        return False
    if not _is_writable_dir(folder):
        return False
    tmp_name = None
    try:
        with tempfile.NamedTemporaryFile(
            dir=folder, prefix=f".{CACHE_NAME}.", suffix=".tmp", delete=False
        ) as tmp:
            tmp_name = tmp.name
            np.savez(tmp, **arrays)
        os.replace(tmp_name, path)
        return True
    except OSError:
        if tmp_name is not None and os.path.exists(tmp_name):
            os.remove(tmp_name)
        return False


def _parse_archive(archive):
    """Read the labelled reviews from the tar.gz archive in one streaming pass.

    Returns a dict of arrays ordered by subset, label and id: ``subset`` (index
    in SUBSETS), ``target``, ``ids``, ``ratings``, and the UTF-8 texts
    concatenated in ``text`` (uint8), review ``i`` being
    ``text[offsets[i]:offsets[i + 1]]``.
    """
    reviews = []
    try:
        with tarfile.open(archive, "r|gz") as tar:
            for member in tar:
                match = _REVIEW.fullmatch(member.name)
                if match is None or not member.isfile():
                    continue
                subset, label, review_id, rating = match.groups()
                raw = tar.extractfile(member).read()
                try:
                    raw.decode("utf-8")
                except UnicodeDecodeError as exc:
                    raise ValueError(
                        f"{member.name} is not valid UTF-8: {exc}"
                    ) from exc
                reviews.append(
                    (
                        SUBSETS.index(subset),
                        TARGET_NAMES.index(label),
                        int(review_id),
                        int(rating),
                        raw,
                    )
                )
    except (tarfile.TarError, EOFError, zlib.error) as exc:
        raise OSError(
            f"Cannot read the IMDB archive {archive} ({exc}); it may be corrupt: "
            "delete it and download it again."
        ) from exc
    if not reviews:
        raise OSError(f"No aclImdb/{{train,test}}/{{pos,neg}} reviews in {archive}.")
    reviews.sort(key=lambda review: review[:3])
    subsets, targets, ids, ratings, texts = zip(*reviews)
    lengths = np.fromiter(map(len, texts), dtype=np.int64, count=len(texts))
    return {
        "subset": np.array(subsets, dtype=np.int8),
        "target": np.array(targets, dtype=np.int8),
        "ids": np.array(ids, dtype=np.int64),
        "ratings": np.array(ratings, dtype=np.int8),
        "offsets": np.concatenate([[0], np.cumsum(lengths)]),
        "text": np.frombuffer(b"".join(texts), dtype=np.uint8),
    }
