"""Fixtures of the IMDB loader's tests: isolated data homes with fake archives."""

import pytest
from _fakes import OTHER_MEMBERS, REVIEWS, make_archive

from sklearn_rnn.datasets import _imdb
from sklearn_rnn.datasets._imdb import ARCHIVE_NAME


@pytest.fixture(autouse=True)
def _isolated_homes(tmp_path, monkeypatch):
    """No test reads SKLEARN_RNN_DATA or writes to the real sklearn data home."""
    monkeypatch.delenv("SKLEARN_RNN_DATA", raising=False)
    monkeypatch.setenv("SCIKIT_LEARN_DATA", str(tmp_path / "sklearn_home"))


@pytest.fixture
def data_home(tmp_path):
    home = tmp_path / "data"
    home.mkdir()
    make_archive(home / ARCHIVE_NAME, {**REVIEWS, **OTHER_MEMBERS})
    return home


@pytest.fixture
def count_parses(monkeypatch):
    """Count the calls of the archive parser."""
    calls = []
    parse = _imdb._parse_archive

    def counting_parse(archive):
        calls.append(archive)
        return parse(archive)

    monkeypatch.setattr(_imdb, "_parse_archive", counting_parse)
    return calls
