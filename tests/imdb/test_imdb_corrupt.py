"""The IMDB loader on corrupt, truncated or tampered archives and caches."""

import gzip
import io
import os
import zipfile

import numpy as np
import pytest
from _fakes import (  # noqa: F401 (not every file uses every fake)
    OTHER_MEMBERS,
    REPO_ROOT,
    REVIEWS,
    TEST,
    TRAIN,
    assert_subset,
    make_archive,
)
from sklearn.utils._param_validation import InvalidParameterError

from sklearn_rnn.datasets import _imdb
from sklearn_rnn.datasets._imdb import ARCHIVE_NAME, fetch_imdb

# --------------------------------------------------------------------------- #
# corrupt, truncated or tampered archives and caches
# --------------------------------------------------------------------------- #


def archive_error(archive, reason):
    return (
        f"The IMDB archive {archive} is corrupt or is not the IMDB archive "
        f"({reason}): delete it, and fetch_imdb will download it again (or put a "
        f"good copy of {_imdb.ARCHIVE_URL} there)."
    )


def cache_error(cache, reason):
    return (
        f"The IMDB cache {cache} is corrupt ({reason}): delete it, and fetch_imdb "
        "will rebuild it from the archive."
    )


@pytest.fixture
def home(tmp_path):
    """An empty data home."""
    (tmp_path / "home").mkdir()
    return tmp_path / "home"


@pytest.fixture
def no_download(monkeypatch):
    def urlopen(*args, **kwargs):
        raise AssertionError("no download in these tests")

    monkeypatch.setattr(_imdb.urllib.request, "urlopen", urlopen)


def good_archive_bytes(tmp_path):
    return make_archive(tmp_path / "good.tar.gz", REVIEWS).read_bytes()


def flip_last_byte(data):
    return data[:-1] + bytes([data[-1] ^ 0xFF])


NOT_A_REVIEW = (
    "is not a review: the ratings are 1-4 (neg) or 7-10 (pos), the ids fit in 64 bits"
)


@pytest.mark.parametrize(
    "members, reason",
    [
        (OTHER_MEMBERS, "it holds no aclImdb/{train,test}/{pos,neg}/<id>_<rating>.txt"),
        (
            {"aclImdb/test/neg/0_1.txt": b"caf\xe9"},
            (
                "aclImdb/test/neg/0_1.txt is not valid UTF-8: 'utf-8' codec can't "
                "decode byte 0xe9 in position 3: unexpected end of data"
            ),
        ),
        (
            {"aclImdb/train/pos/1_7.txt": "a", "aclImdb/train/pos/1_8.txt": "b"},
            "it holds two reviews aclImdb/train/pos/1_8.txt",
        ),
        (
            {"aclImdb/train/pos/0_5.txt": "a"},
            "aclImdb/train/pos/0_5.txt " + NOT_A_REVIEW,
        ),
        (
            {"aclImdb/test/neg/3_300.txt": "a"},
            "aclImdb/test/neg/3_300.txt " + NOT_A_REVIEW,
        ),
        (
            {f"aclImdb/train/neg/{2**63}_1.txt": "a"},
            f"aclImdb/train/neg/{2**63}_1.txt " + NOT_A_REVIEW,
        ),
    ],
)
def test_archive_with_invalid_reviews(home, no_download, members, reason):
    archive = make_archive(home / ARCHIVE_NAME, members)
    with pytest.raises(ValueError) as info:
        fetch_imdb(data_home=home)
    assert str(info.value) == archive_error(archive, reason)
    assert isinstance(info.value, OSError)  # as the errors of bad archives were
    assert os.listdir(home) == [ARCHIVE_NAME]  # no cache written


@pytest.mark.parametrize(
    "damage, reason",
    [
        (lambda data: b"", "empty file"),
        (lambda data: b"not a gzip file at all", "Not a gzipped file (b'no')"),
        (lambda data: b"\x1f\x8b garbage", "Unknown compression method"),
        (
            lambda data: data[: len(data) // 2],
            "Compressed file ended before the end-of-stream marker was reached",
        ),
        (  # only the gzip trailer (CRC and size) is missing
            lambda data: data[:-8],
            "Compressed file ended before the end-of-stream marker was reached",
        ),
        (lambda data: gzip.compress(b"not a tar file" * 100), "invalid header"),
    ],
)
def test_damaged_archive(tmp_path, home, no_download, damage, reason):
    archive = home / ARCHIVE_NAME
    archive.write_bytes(damage(good_archive_bytes(tmp_path)))
    with pytest.raises(ValueError) as info:
        fetch_imdb(data_home=home)
    assert str(info.value) == archive_error(archive, reason)
    assert os.listdir(home) == [ARCHIVE_NAME]


def test_archive_with_bad_checksum(tmp_path, home, no_download):
    archive = home / ARCHIVE_NAME
    data = good_archive_bytes(tmp_path)
    archive.write_bytes(data[:-8] + flip_last_byte(data[-8:-4]) + data[-4:])  # CRC
    with pytest.raises(ValueError, match=r"^The IMDB archive .* \(CRC check failed"):
        fetch_imdb(data_home=home)
    archive.write_bytes(data[:-4] + b"\0\0\0\0")  # uncompressed size
    with pytest.raises(ValueError) as info:
        fetch_imdb(data_home=home)
    assert str(info.value) == archive_error(
        archive, "Incorrect length of data produced"
    )


def cache_arrays(home):
    with np.load(home / "imdb_parsed_v1.npz", allow_pickle=False) as cache:
        return {name: cache[name] for name in cache.files}


def write_npz(path, arrays):
    with open(path, "wb") as file:
        np.savez(file, **arrays)


def write_npy_member(path, name, header, data):
    """Replace the member ``name`` of an .npz by an .npy with the given header."""
    with zipfile.ZipFile(path) as npz:
        members = {n: npz.read(n) for n in npz.namelist()}
    stream = io.BytesIO()
    np.lib.format.write_array_header_1_0(stream, header)
    members[f"{name}.npy"] = stream.getvalue() + data
    with zipfile.ZipFile(path, "w") as npz:
        for member, content in members.items():
            npz.writestr(member, content)


def swapped(array, i, j):
    array = array.copy()
    array[[i, j]] = array[[j, i]]
    return array


N = len(REVIEWS)  # reviews in the cache of the fake archive
TEXT_BYTES = sum(len(text.encode()) for text in REVIEWS.values())
INVALID_VALUES = "it holds invalid subsets, labels, ratings or review ids"


@pytest.mark.parametrize(
    "change, reason",
    [
        (
            lambda a: dict(a, offsets=a["offsets"][:3]),
            f"its arrays have lengths [{N}, {N}, {N}, {N}, 3]",
        ),
        (
            lambda a: dict(a, ratings=a["ratings"][1:]),
            f"its arrays have lengths [{N}, {N}, {N}, {N - 1}, {N + 1}]",
        ),
        (
            lambda a: {k: v[:0] if k != "key" else v for k, v in a.items()},
            "its arrays have lengths [0, 0, 0, 0, 0]",
        ),
        (lambda a: dict(a, key=np.zeros(3, np.int64)), "its key has 3 values, not 2"),
        (
            lambda a: dict(a, offsets=a["offsets"] * 10**15),
            "its text offsets do not split the text",
        ),
        (
            lambda a: dict(a, offsets=a["offsets"] - 1),
            "its text offsets do not split the text",
        ),
        (
            lambda a: dict(a, offsets=swapped(a["offsets"], 1, 2)),
            "its text offsets do not split the text",
        ),
        (
            lambda a: dict(a, text=a["text"][:-1]),
            "its text offsets do not split the text",
        ),
        (lambda a: dict(a, subset=a["subset"] + 5), INVALID_VALUES),
        (lambda a: dict(a, target=a["target"] + 7), INVALID_VALUES),
        (lambda a: dict(a, ratings=np.full(N, 5, np.int8)), INVALID_VALUES),
        (lambda a: dict(a, target=1 - a["target"]), INVALID_VALUES),  # ratings
        (lambda a: dict(a, ids=-a["ids"] - 1), INVALID_VALUES),
        (
            lambda a: dict(a, ids=swapped(a["ids"], 0, 1)),
            "its reviews are not sorted by subset, label and id",
        ),
        (
            lambda a: dict(a, ids=np.zeros(N, np.int64)),  # duplicates
            "its reviews are not sorted by subset, label and id",
        ),
        (
            lambda a: dict(a, text=a["text"].astype(np.float64)),
            (
                "text.npy holds an array of dtype float64 and shape "
                f"({TEXT_BYTES},), not a 1-D array of dtype uint8"
            ),
        ),
        (
            lambda a: dict(a, ids=a["ids"].reshape(1, N)),
            (
                f"ids.npy holds an array of dtype int64 and shape (1, {N}), not a 1-D "
                "array of dtype int64"
            ),
        ),
        (
            lambda a: dict(a, subset=a["subset"].astype(object)),
            (
                f"subset.npy holds an array of dtype object and shape ({N},), not a "
                "1-D array of dtype int8"
            ),
        ),
        (
            lambda a: {k: v for k, v in a.items() if k != "text"},
            (
                "it holds ['ids.npy', 'key.npy', 'offsets.npy', 'ratings.npy', "
                "'subset.npy', 'target.npy'], not the arrays of a cache"
            ),
        ),
        (
            lambda a: dict(a, extra=np.zeros(1)),
            (
                "it holds ['extra.npy', 'ids.npy', 'key.npy', 'offsets.npy', "
                "'ratings.npy', 'subset.npy', 'target.npy', 'text.npy'], not the "
                "arrays of a cache"
            ),
        ),
    ],
)
def test_cache_with_bad_contents(data_home, no_download, count_parses, change, reason):
    fetch_imdb(data_home=data_home)
    cache = data_home / "imdb_parsed_v1.npz"
    write_npz(cache, change(cache_arrays(data_home)))
    written = cache.read_bytes()
    for _ in range(2):  # neither rebuilt nor replaced
        with pytest.raises(ValueError) as info:
            fetch_imdb(data_home=data_home)
        assert str(info.value) == cache_error(cache, reason)
    assert cache.read_bytes() == written
    assert len(count_parses) == 1
    cache.unlink()  # as the message says
    assert fetch_imdb(data_home=data_home).data == TRAIN["data"]
    assert len(count_parses) == 2


def test_cache_with_invalid_utf8(data_home, no_download):
    fetch_imdb(data_home=data_home)
    arrays = cache_arrays(data_home)
    arrays["text"] = np.full_like(arrays["text"], 0xFF)
    cache = data_home / "imdb_parsed_v1.npz"
    write_npz(cache, arrays)
    with pytest.raises(ValueError) as info:
        fetch_imdb("test", data_home=data_home)
    reason = (
        "a review is not valid UTF-8: 'utf-8' codec can't decode byte 0xff in "
        "position 0: invalid start byte"
    )
    assert str(info.value) == cache_error(cache, reason)


@pytest.mark.parametrize(
    "damage, reason",
    [
        (lambda data: b"", "File is not a zip file"),
        (lambda data: os.urandom(1000), "File is not a zip file"),
        (lambda data: data[: len(data) // 2], "File is not a zip file"),
        (lambda data: data[:-1], "File is not a zip file"),
        (  # a byte of a review text: the CRC of text.npy no longer matches
            lambda data: data.replace(b"Good film", b"Good filn"),
            "Bad CRC-32 for file 'text.npy'",
        ),
    ],
)
def test_damaged_cache_file(data_home, no_download, damage, reason):
    fetch_imdb(data_home=data_home)
    cache = data_home / "imdb_parsed_v1.npz"
    cache.write_bytes(damage(cache.read_bytes()))
    with pytest.raises(ValueError) as info:
        fetch_imdb(data_home=data_home)
    assert str(info.value) == cache_error(cache, reason)


def test_cache_that_is_an_npy_file(data_home, no_download):
    cache = data_home / "imdb_parsed_v1.npz"
    np.save(cache.with_suffix(".npy"), np.arange(3))
    cache.with_suffix(".npy").rename(cache)
    with pytest.raises(ValueError) as info:
        fetch_imdb(data_home=data_home)
    assert str(info.value) == cache_error(cache, "File is not a zip file")


def test_cache_with_lying_array_header(data_home, no_download):
    """A header announcing more data than stored is caught before allocating it."""
    fetch_imdb(data_home=data_home)
    cache = data_home / "imdb_parsed_v1.npz"
    header = {"descr": "|u1", "fortran_order": False, "shape": (10**15,)}
    write_npy_member(cache, "text", header, b"abc")
    with pytest.raises(ValueError) as info:
        fetch_imdb(data_home=data_home)
    assert str(info.value) == cache_error(
        cache, f"text.npy holds 3 bytes, not {10**15}"
    )
    header["descr"] = "<f8"
    write_npy_member(cache, "text", dict(header, shape=(2, 2)), bytes(32))
    with pytest.raises(ValueError, match=r"text.npy holds an array of dtype float64"):
        fetch_imdb(data_home=data_home)


def test_corrupt_cache_elsewhere_is_named(data_home, tmp_path, no_download):
    cache_home = tmp_path / "cache"
    fetch_imdb(data_home=data_home, cache_home=cache_home)
    [name] = os.listdir(cache_home)
    (cache_home / name).write_bytes(b"garbage")
    with pytest.raises(ValueError) as info:
        fetch_imdb(data_home=data_home, cache_home=cache_home)
    assert str(info.value) == cache_error(cache_home / name, "File is not a zip file")
    assert os.listdir(data_home) == [ARCHIVE_NAME]


@pytest.mark.parametrize(
    "params",
    [{"subset": "unsup"}, {"n_retries": -1}, {"delay": -1.0}, {"data_home": 3}],
)
def test_invalid_params(params):
    with pytest.raises(InvalidParameterError):
        fetch_imdb(**params)
