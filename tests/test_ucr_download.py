"""Tests of the UCR/UEA loader's downloads: a fake urlopen serves zip archives
built in memory."""

import io
import os
import stat
import urllib.error
import urllib.request
import zipfile

import numpy as np
import pytest
from _ucr_files import TOY_TEST, TOY_TRAIN, URL, no_network, write_ts  # noqa: F401
from numpy.testing import assert_array_equal

from sklearn_rnn.datasets import _ucr, fetch_ucr
from sklearn_rnn.datasets._ucr import ArchiveError


class FakeResponse(io.BytesIO):
    def __init__(self, payload):
        super().__init__(payload)
        self.headers = {"Content-Length": str(len(payload))}


def make_zip(members):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for member, text in members.items():
            archive.writestr(member, text)
    return buffer.getvalue()


@pytest.fixture
def served(monkeypatch):
    """Serve the given payloads (bytes or exceptions) in turn; record the URLs."""
    urls, payloads = [], []

    def urlopen(url, timeout=None):
        urls.append(url)
        payload = payloads.pop(0)
        if isinstance(payload, Exception):
            raise payload
        return FakeResponse(payload)

    monkeypatch.setattr(urllib.request, "urlopen", urlopen)
    return urls, payloads


def test_download(tmp_path, served, capsys):
    urls, payloads = served
    members = {"Toy_TRAIN.ts": TOY_TRAIN, "Toy_TEST.ts": TOY_TEST}
    payloads.append(make_zip({**members, "../evil.ts": "x", "/tmp/abs.ts": "x"}))
    toy = fetch_ucr("Toy", data_home=tmp_path, dtype=np.float64)
    assert urls == [URL.format("Toy")]
    assert_array_equal(toy.data[:, :, 0], [[1, 2, 3], [0.5, -0.001, 400], [7, 8, 9]])
    assert toy.target.tolist() == ["a", "b", "b"]
    assert sorted(os.listdir(tmp_path / "ucr")) == ["Toy_TEST.ts", "Toy_TRAIN.ts"]
    assert sorted(os.listdir(tmp_path)) == ["ucr"]  # nothing else was written
    assert not (tmp_path.parent / "evil.ts").exists()
    assert (tmp_path / "ucr" / "Toy_TEST.ts").read_text() == TOY_TEST
    assert "Downloading " + URL.format("Toy") in capsys.readouterr().err
    # the files are now in place: no second download
    assert fetch_ucr("Toy", split="test", data_home=tmp_path).target.tolist() == ["b"]
    assert len(urls) == 1


def test_download_of_a_zip_with_a_folder_keeps_present_files(tmp_path, served):
    urls, payloads = served
    payloads.append(make_zip({"Toy/Toy_TRAIN.ts": TOY_TRAIN, "Toy/Toy_TEST.ts": "bad"}))
    write_ts(tmp_path, "Toy", "TEST", TOY_TEST, nested=True)
    train = fetch_ucr("Toy", split="train", data_home=tmp_path)
    assert train.data.shape == (2, 3, 1) and len(urls) == 1
    assert (tmp_path / "ucr" / "Toy_TRAIN.ts").read_text() == TOY_TRAIN
    assert not (tmp_path / "ucr" / "Toy_TEST.ts").exists()  # the nested one is used
    assert fetch_ucr("Toy", split="test", data_home=tmp_path).target.tolist() == ["b"]


@pytest.mark.parametrize(
    "payload, message",
    [
        (make_zip({"Toy_TRAIN.ts": TOY_TRAIN}), "has no Toy_TEST.ts"),
        (
            make_zip({"Toy_TEST.ts": TOY_TEST, "x/Toy_TRAIN.ts": "x"}),
            "has no Toy_TRAIN",
        ),
        (b"<html>not a zip</html>", "is not a valid zip archive"),
    ],
)
def test_download_of_a_bad_archive(tmp_path, served, payload, message):
    urls, payloads = served
    payloads.append(payload)
    with pytest.raises(ArchiveError, match=message):
        fetch_ucr("Toy", data_home=tmp_path, delay=0)
    assert len(urls) == 1  # not retried
    assert os.listdir(tmp_path / "ucr") == []  # temporary files removed


def test_download_of_one_split(tmp_path, served):
    urls, payloads = served
    payloads.append(make_zip({"Toy_TRAIN.ts": TOY_TRAIN}))  # no test file
    train = fetch_ucr("Toy", split="train", data_home=tmp_path)
    assert train.target.tolist() == ["a", "b"] and len(urls) == 1
    assert os.listdir(tmp_path / "ucr") == ["Toy_TRAIN.ts"]


def test_download_of_an_encrypted_member(tmp_path, served):
    urls, payloads = served
    archive = bytearray(make_zip({"Toy_TRAIN.ts": TOY_TRAIN, "Toy_TEST.ts": TOY_TEST}))
    for offset in (6, archive.find(b"PK\x01\x02") + 8):  # first entry's flags
        archive[offset] |= 1  # the "encrypted" bit, in the local and central headers
    payloads.append(bytes(archive))
    with pytest.raises(ArchiveError, match="is not a valid zip archive .*encrypted"):
        fetch_ucr("Toy", data_home=tmp_path)
    assert os.listdir(tmp_path / "ucr") == []


def test_download_size_caps(tmp_path, served, monkeypatch):
    urls, payloads = served
    archive = make_zip({"Toy_TRAIN.ts": TOY_TRAIN, "Toy_TEST.ts": TOY_TEST})
    monkeypatch.setattr(_ucr, "MAX_MEMBER_BYTES", len(TOY_TRAIN) - 1)
    payloads.append(archive)
    with pytest.raises(
        ArchiveError, match=f"Toy_TRAIN.ts in .* is too large \\({len(TOY_TRAIN)} bytes"
    ):
        fetch_ucr("Toy", data_home=tmp_path)
    monkeypatch.setattr(_ucr, "MAX_DOWNLOAD_BYTES", len(archive) - 1)
    payloads.append(archive)
    with pytest.raises(ArchiveError, match=f"is too large \\({len(archive)} bytes"):
        fetch_ucr("Toy", data_home=tmp_path)
    assert len(urls) == 2 and os.listdir(tmp_path / "ucr") == []


def test_download_retries(tmp_path, served, capsys):
    urls, payloads = served
    archive = make_zip({"Toy_TRAIN.ts": TOY_TRAIN, "Toy_TEST.ts": TOY_TEST})
    payloads += [urllib.error.URLError("timed out"), ConnectionResetError(), archive]
    toy = fetch_ucr("Toy", split="test", data_home=tmp_path, n_retries=2, delay=0)
    assert toy.target.tolist() == ["b"] and len(urls) == 3
    assert capsys.readouterr().err.count("Download failed") == 2

    payloads += [urllib.error.URLError("down")] * 2
    with pytest.raises(FileNotFoundError, match=r"failed after 2 attempts \(<urlopen"):
        fetch_ucr("Other", data_home=tmp_path, n_retries=1, delay=0)
    assert len(urls) == 5


def test_unknown_data_set_is_not_retried(tmp_path, served):
    urls, payloads = served
    url = URL.format("Nope")
    payloads.append(urllib.error.HTTPError(url, 404, "Not Found", {}, None))
    with pytest.raises(FileNotFoundError, match="HTTP Error 404: Not Found"):
        fetch_ucr("Nope", data_home=tmp_path, delay=0)
    assert urls == [url] and os.listdir(tmp_path / "ucr") == []


def test_no_download_into_a_read_only_folder(tmp_path, served):
    urls, _ = served
    folder = tmp_path / "ucr"
    folder.mkdir()
    folder.chmod(stat.S_IRUSR | stat.S_IXUSR)
    try:
        with pytest.raises(FileNotFoundError, match=f"{folder} is read-only"):
            fetch_ucr("Toy", data_home=tmp_path)
    finally:
        folder.chmod(stat.S_IRWXU)
    assert urls == []
