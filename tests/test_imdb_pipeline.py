"""The main job end to end on a small sample of the real IMDB reviews.

Skipped only when no ``aclImdb_v1.tar.gz`` is in the data home (CI sets
``SKLEARN_RNN_DATA=../shared/data``).
"""

import os
import re
import sys
from pathlib import Path

import pytest

from sklearn_rnn.datasets import fetch_imdb

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"


@pytest.fixture
def imdb_available(monkeypatch):
    home = os.environ.get("SKLEARN_RNN_DATA")
    if home:  # resolve a relative data home before the test changes directory
        monkeypatch.setenv("SKLEARN_RNN_DATA", str(Path(home).resolve()))
    try:
        fetch_imdb("test", download_if_missing=False)
    except FileNotFoundError as exc:
        pytest.skip(str(exc))


def test_imdb_example_pipeline_learns_sentiment(
    imdb_available, tmp_path, monkeypatch, capsys
):
    monkeypatch.syspath_prepend(str(EXAMPLES))
    monkeypatch.chdir(tmp_path)
    import imdb_sentiment

    imdb_sentiment.main(
        ["--train-size", "6000", "--test-size", "1000", "--max-iter", "2"]
        + ["--batch-losses"]
    )
    out = capsys.readouterr().out
    accuracy = float(re.search(r"test accuracy: ([0-9.]+)", out).group(1))
    assert accuracy > 0.80  # measured: 0.868 (2026-12-02 settings)
    # stable: no mini-batch loss far above the first (the bound: 10x)
    assert float(re.search(r"; ([0-9.]+) times\)", out).group(1)) < 10
    assert "neg" in out and "pos" in out  # the classification report
    assert (tmp_path / "imdb_loss_curve.png").stat().st_size > 1000
    sys.modules.pop("imdb_sentiment", None)


def test_pretrained_embeddings_example_round_trips_the_vectors(
    imdb_available, monkeypatch, capsys
):
    monkeypatch.syspath_prepend(str(EXAMPLES))
    import imdb_pretrained_embeddings

    imdb_pretrained_embeddings.main(
        ["--train-size", "2000", "--test-size", "1000"]
        + ["--max-features", "20000", "--maxlen", "200"]
    )
    out = capsys.readouterr().out
    assert "20000 vectors of 32 numbers" in out  # every vocabulary term found
    accuracies = dict(re.findall(r"\| ([a-z, -]+) \| ([0-9.]+) \|", out))
    assert accuracies.keys() == {
        "random initialisation",
        "pretrained, frozen",
        "pretrained, fine-tuned",
    }
    # measured: 0.757, 0.762, 0.769 (2026-12-07)
    assert all(float(accuracy) > 0.70 for accuracy in accuracies.values())
    sys.modules.pop("imdb_pretrained_embeddings", None)
    sys.modules.pop("imdb_sentiment", None)
