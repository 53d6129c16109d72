"""The cache of the parsed IMDB archive: written once, checked before every use.

The cache is an ``.npz`` of plain arrays (no pickle); every array's name,
dtype and shape is checked before anything is allocated, and its contents
(lengths, offsets, value ranges, order) before they are used, so a damaged
or tampered cache raises a :class:`CorruptFileError` saying to delete it.
"""

import hashlib
import os
import tempfile
import zipfile
import zlib

import numpy as np
from sklearn.datasets import get_data_home

from ._home import is_writable_dir

#: Base name of the cache files.
CACHE_NAME = "imdb_parsed_v1"


class CorruptFileError(ValueError, OSError):
    """The archive or the cache is damaged (also an OSError, as it used to be).

    :func:`~sklearn_rnn.datasets.fetch_imdb` raises it for an archive whose
    gzip or tar data, checksum or reviews are wrong, and for a parsed-reviews
    cache that is not as it was written; the message names the file to
    delete.  It is a ValueError, and an OSError for the code that caught
    the errors of reading files.

    See Also
    --------
    fetch_imdb : The loader that raises it.

    Examples
    --------
    >>> import os, shutil, tempfile
    >>> from sklearn_rnn.datasets import CorruptFileError, fetch_imdb
    >>> home = tempfile.mkdtemp()
    >>> with open(os.path.join(home, "aclImdb_v1.tar.gz"), "wb") as file:
    ...     _ = file.write(b"not an archive")
    >>> try:
    ...     fetch_imdb(data_home=home, cache_home=home, download_if_missing=False)
    ... except CorruptFileError as error:
    ...     print(isinstance(error, ValueError), isinstance(error, OSError))
    True True
    >>> shutil.rmtree(home)
    """


def corrupt_cache(path, reason):
    return CorruptFileError(
        f"The IMDB cache {path} is corrupt ({reason}): delete it, and fetch_imdb "
        "will rebuild it from the archive."
    )


def cache_paths(archive, cache_home):
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


# dtype of each (1-D) array of the cache
_CACHE_DTYPES = {
    "key": "int64",
    "subset": "int8",
    "target": "int8",
    "ids": "int64",
    "ratings": "int8",
    "offsets": "int64",
    "text": "uint8",
}


def read_cache(path, key):
    """The cached arrays; None if the cache is absent, unreadable or stale.

    A cache that is not as ``_write_cache`` wrote it raises a CorruptFileError.
    """
    if not os.path.isfile(path):
        return None
    try:
        with open(path, "rb") as file:
            arrays = _read_npz(file)
        _check_cache(arrays)
    except PermissionError:
        return None
    except (ValueError, EOFError, OSError, zipfile.BadZipFile, zlib.error) as exc:
        raise corrupt_cache(path, exc) from exc
    if not np.array_equal(arrays.pop("key"), key):
        return None  # made from another archive (or another version of it)
    return arrays


def _read_npz(file):
    """The arrays of an .npz file, checked to be the 1-D arrays of _CACHE_DTYPES.

    Each size is checked against the data before anything is allocated.
    """
    arrays = {}
    with zipfile.ZipFile(file) as npz:
        names = sorted(npz.namelist())
        if names != sorted(f"{name}.npy" for name in _CACHE_DTYPES):
            raise ValueError(f"it holds {names}, not the arrays of a cache")
        for name, expected in _CACHE_DTYPES.items():
            with npz.open(f"{name}.npy") as member:
                version = np.lib.format.read_magic(member)
                if version not in ((1, 0), (2, 0)):
                    raise ValueError(f"{name}.npy has .npy format version {version}")
                read_header = (
                    np.lib.format.read_array_header_1_0
                    if version == (1, 0)
                    else np.lib.format.read_array_header_2_0
                )
                shape, _, dtype = read_header(member)
                if len(shape) != 1 or dtype != expected:
                    raise ValueError(
                        f"{name}.npy holds an array of dtype {dtype} and shape "
                        f"{shape}, not a 1-D array of dtype {expected}"
                    )
                size = shape[0] * dtype.itemsize
                data = member.read(size + 1)  # to the end: checks the CRC
                if len(data) != size:
                    raise ValueError(f"{name}.npy holds {len(data)} bytes, not {size}")
                arrays[name] = np.frombuffer(data, dtype=dtype)
    return arrays


def _check_cache(arrays):
    """Check that the arrays of a cache describe sorted, well-formed reviews."""
    subset, target, ids, ratings = (
        arrays[name] for name in ("subset", "target", "ids", "ratings")
    )
    offsets, text = arrays["offsets"], arrays["text"]
    if len(arrays["key"]) != 2:
        raise ValueError(f"its key has {len(arrays['key'])} values, not 2")
    n_reviews = len(subset)
    lengths = [len(a) for a in (subset, target, ids, ratings, offsets)]
    if n_reviews == 0 or lengths != [n_reviews] * 4 + [n_reviews + 1]:
        raise ValueError(f"its arrays have lengths {lengths}")
    if not (
        offsets[0] == 0
        and offsets[-1] == len(text)
        and np.all((offsets >= 0) & (offsets <= len(text)))
        and np.all(np.diff(offsets) >= 0)
    ):
        raise ValueError("its text offsets do not split the text")
    negative = (ratings >= 1) & (ratings <= 4)
    positive = (ratings >= 7) & (ratings <= 10)
    if not (
        np.isin(subset, [0, 1]).all()
        and np.where(target == 0, negative, (target == 1) & positive).all()
        and (ids >= 0).all()
    ):
        raise ValueError("it holds invalid subsets, labels, ratings or review ids")
    # ordered by subset, label, then id, without duplicates
    d_subset, d_target, d_ids = np.diff(subset), np.diff(target), np.diff(ids)
    later_target = (d_target > 0) | ((d_target == 0) & (d_ids > 0))
    if not np.all((d_subset > 0) | ((d_subset == 0) & later_target)):
        raise ValueError("its reviews are not sorted by subset, label and id")


def write_cache(path, arrays):
    """Write the cache atomically; return False if the folder is not writable."""
    folder = os.path.dirname(path)
    try:
        os.makedirs(folder, exist_ok=True)
    except OSError:
        return False
    if not is_writable_dir(folder):
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
