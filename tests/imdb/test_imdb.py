"""Tests of the IMDB loader on small fake archives, and on the real one if present."""

import hashlib
import os
import stat
import time
import urllib.error
from pathlib import Path

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
from numpy.testing import assert_array_equal

from sklearn_rnn.datasets import _imdb
from sklearn_rnn.datasets._imdb import ARCHIVE_NAME, ChecksumError, fetch_imdb


def test_fetch_subsets(data_home):
    train = fetch_imdb(data_home=data_home)
    assert_subset(train, TRAIN, "train")
    assert_subset(fetch_imdb("test", data_home=str(data_home)), TEST, "test")
    both = fetch_imdb("all", data_home=data_home)
    assert both.data == TRAIN["data"] + TEST["data"]
    assert_array_equal(both.target, TRAIN["target"] + TEST["target"])
    assert train.target_names == ["neg", "pos"]
    assert "Maas" in train.DESCR
    assert "Learning Word Vectors for Sentiment Analysis" in train.DESCR


def test_fetch_return_X_y_and_shuffle(data_home):
    X, y = fetch_imdb("all", data_home=data_home, return_X_y=True)
    assert X == TRAIN["data"] + TEST["data"]
    assert_array_equal(y, TRAIN["target"] + TEST["target"])
    shuffled = fetch_imdb("all", data_home=data_home, shuffle=True, random_state=0)
    again = fetch_imdb("all", data_home=data_home, shuffle=True, random_state=0)
    assert shuffled.data == again.data != X
    assert sorted(shuffled.data) == sorted(X)
    pairs = set(zip(X, y.tolist()))
    assert set(zip(shuffled.data, shuffled.target.tolist())) == pairs
    labels = [name.split("/")[2] for name in shuffled.filenames]
    assert labels == [["neg", "pos"][t] for t in shuffled.target]


def test_data_home_from_environment(data_home, monkeypatch):
    monkeypatch.setenv("SKLEARN_RNN_DATA", str(data_home))
    assert fetch_imdb().data == TRAIN["data"]
    monkeypatch.chdir(data_home.parent)  # a relative path is relative to the cwd
    monkeypatch.setenv("SKLEARN_RNN_DATA", data_home.name)
    assert fetch_imdb("test").data == TEST["data"]


def test_cache_next_to_archive_is_reused(data_home, count_parses):
    first = fetch_imdb("all", data_home=data_home)
    assert sorted(os.listdir(data_home)) == [ARCHIVE_NAME, "imdb_parsed_v1.npz"]
    with np.load(data_home / "imdb_parsed_v1.npz", allow_pickle=False) as cache:
        assert {"key", "text", "offsets", "subset", "target"} <= set(cache.files)
    second = fetch_imdb("all", data_home=data_home)
    assert len(count_parses) == 1
    assert second.data == first.data
    assert_array_equal(second.ratings, first.ratings)


def test_changed_archive_invalidates_cache(data_home, count_parses):
    fetch_imdb(data_home=data_home)
    archive = data_home / ARCHIVE_NAME
    make_archive(archive, {**REVIEWS, "aclImdb/train/pos/11_8.txt": "New"})
    assert fetch_imdb(data_home=data_home).data[-1] == "New"
    assert len(count_parses) == 2
    info = archive.stat()
    os.utime(archive, ns=(info.st_atime_ns, info.st_mtime_ns + 10**9))  # same size
    fetch_imdb(data_home=data_home)
    assert len(count_parses) == 3


@pytest.fixture
def read_only(tmp_path):
    """Make folders read-only (by their mode: also for root); restored afterwards."""
    folders = []

    def make_read_only(folder):
        folders.append(folder)
        folder.chmod(stat.S_IRUSR | stat.S_IXUSR | stat.S_IRGRP | stat.S_IXGRP)
        return folder

    yield make_read_only
    for folder in folders:
        folder.chmod(stat.S_IRWXU)


def test_read_only_data_home_falls_back_to_sklearn_home(
    data_home, tmp_path, read_only, count_parses
):
    read_only(data_home)
    assert fetch_imdb(data_home=data_home).data == TRAIN["data"]
    assert fetch_imdb("test", data_home=data_home).data == TEST["data"]
    assert os.listdir(data_home) == [ARCHIVE_NAME]
    [cache] = os.listdir(tmp_path / "sklearn_home")
    assert cache.startswith("imdb_parsed_v1_") and cache.endswith(".npz")
    assert len(count_parses) == 1


def test_cache_home_argument(data_home, tmp_path, count_parses):
    cache_home = tmp_path / "cache"
    fetch_imdb(data_home=data_home, cache_home=cache_home)
    fetch_imdb(data_home=data_home, cache_home=str(cache_home))
    assert os.listdir(data_home) == [ARCHIVE_NAME]
    assert len(os.listdir(cache_home)) == 1 and len(count_parses) == 1


def test_no_writable_cache_folder(data_home, tmp_path, read_only):
    cache_home = tmp_path / "cache"
    cache_home.mkdir()
    read_only(data_home)
    read_only(cache_home)
    assert fetch_imdb(data_home=data_home, cache_home=cache_home).data == TRAIN["data"]
    assert os.listdir(cache_home) == [] and os.listdir(data_home) == [ARCHIVE_NAME]


def test_missing_archive_without_download(tmp_path):
    with pytest.raises(FileNotFoundError) as info:
        fetch_imdb(data_home=tmp_path, download_if_missing=False)
    message = str(info.value)
    assert str(tmp_path / ARCHIVE_NAME) in message
    assert "SKLEARN_RNN_DATA" in message and _imdb.ARCHIVE_URL in message


@pytest.fixture
def remote_archive(tmp_path, monkeypatch):
    """Serve a fake archive through a file:// URL, with its true checksum."""
    remote = make_archive(tmp_path / "remote.tar.gz", REVIEWS)
    monkeypatch.setattr(_imdb, "ARCHIVE_URL", remote.as_uri())
    monkeypatch.setattr(
        _imdb, "ARCHIVE_SHA256", hashlib.sha256(remote.read_bytes()).hexdigest()
    )
    return remote


def test_download(remote_archive, tmp_path, capsys):
    home = tmp_path / "new" / "home"
    assert fetch_imdb(data_home=home).data == TRAIN["data"]
    assert (home / ARCHIVE_NAME).read_bytes() == remote_archive.read_bytes()
    assert sorted(os.listdir(home)) == [ARCHIVE_NAME, "imdb_parsed_v1.npz"]
    assert "Downloading file://" in capsys.readouterr().err


def test_download_checksum_mismatch(remote_archive, tmp_path, monkeypatch):
    monkeypatch.setattr(_imdb, "ARCHIVE_SHA256", "0" * 64)
    with pytest.raises(ChecksumError, match="SHA-256"):
        fetch_imdb(data_home=tmp_path / "home")
    assert os.listdir(tmp_path / "home") == []  # no partial file


def test_download_failure(tmp_path, monkeypatch):
    calls = []

    def failing_urlopen(url, timeout=None):
        calls.append(url)
        raise urllib.error.URLError("no network")

    monkeypatch.setattr(_imdb.urllib.request, "urlopen", failing_urlopen)
    home = tmp_path / "home"
    with pytest.raises(FileNotFoundError, match="SKLEARN_RNN_DATA") as info:
        fetch_imdb(data_home=home, n_retries=2, delay=0)
    assert len(calls) == 3
    assert str(home / ARCHIVE_NAME) in str(info.value)
    assert "no network" in str(info.value)
    assert os.listdir(home) == []


def test_no_download_into_read_only_data_home(tmp_path, read_only, monkeypatch):
    monkeypatch.setattr(_imdb.urllib.request, "urlopen", None)  # must not be called
    with pytest.raises(FileNotFoundError, match="read-only"):
        fetch_imdb(data_home=read_only(tmp_path))


# --------------------------------------------------------------------------- #
# the real archive, when available
# --------------------------------------------------------------------------- #


def _real_data_home():
    """$SKLEARN_RNN_DATA (relative to the repository root), else ../shared/data."""
    folder = os.environ.get("SKLEARN_RNN_DATA")
    folder = Path(folder) if folder else REPO_ROOT.parent / "shared" / "data"
    return folder if folder.is_absolute() else REPO_ROOT / folder


REAL_HOME = _real_data_home()
real_data = pytest.mark.skipif(
    not (REAL_HOME / ARCHIVE_NAME).is_file(), reason=f"no {ARCHIVE_NAME} in {REAL_HOME}"
)


@pytest.fixture(scope="module")
def real_imdb(tmp_path_factory):
    """Parse the real archive once, with the default cache locations."""
    sklearn_home = tmp_path_factory.mktemp("sklearn_home")
    listing = sorted(os.listdir(REAL_HOME))
    writable = _imdb.is_writable_dir(REAL_HOME)
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SCIKIT_LEARN_DATA", str(sklearn_home))
        bunch = fetch_imdb("all", data_home=REAL_HOME)
    if not writable:  # the cache went to the sklearn data home
        assert sorted(os.listdir(REAL_HOME)) == listing
        assert len(os.listdir(sklearn_home)) == 1
    return bunch, sklearn_home


@real_data
def test_real_imdb(real_imdb, monkeypatch):
    everything, sklearn_home = real_imdb
    monkeypatch.setenv("SCIKIT_LEARN_DATA", str(sklearn_home))
    monkeypatch.setattr(_imdb, "_parse_archive", None)  # the cache must be used
    start = time.perf_counter()
    train = fetch_imdb("train", data_home=REAL_HOME)
    test = fetch_imdb("test", data_home=REAL_HOME)
    assert time.perf_counter() - start < 10
    assert train.data + test.data == everything.data
    for bunch in (train, test):
        assert len(bunch.data) == 25_000
        assert np.bincount(bunch.target).tolist() == [12_500, 12_500]
        assert set(bunch.ratings[bunch.target == 0]) == {1, 2, 3, 4}
        assert set(bunch.ratings[bunch.target == 1]) == {7, 8, 9, 10}
        assert all(isinstance(text, str) and text for text in bunch.data[::500])
    assert sum("<br />" in text for text in train.data) > 10_000
    assert len(set(everything.data)) < 50_000  # some texts occur twice
