"""The time-series examples, end to end on the shared data, quickly.

Skipped when the UCR files are not in the data home (CI sets
``SKLEARN_RNN_DATA=../shared/data``) or when sktime (the ``[sktime]`` extra,
which the ``[test]`` extra includes) is absent.
"""

import os
import sys
import warnings
from pathlib import Path

import numpy as np
import pytest
from sklearn.exceptions import ConvergenceWarning
from sklearn.neural_network import MLPClassifier
from sklearn.pipeline import make_pipeline

from sklearn_rnn import ScratchRNNClassifier
from sklearn_rnn.datasets import fetch_ucr
from sklearn_rnn.preprocessing import SequenceFlattener

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"


@pytest.fixture
def examples_path(monkeypatch):
    home = os.environ.get("SKLEARN_RNN_DATA")
    if home:  # resolve a relative data home before anything changes directory
        monkeypatch.setenv("SKLEARN_RNN_DATA", str(Path(home).resolve()))
    monkeypatch.syspath_prepend(str(EXAMPLES))
    yield
    for name in (
        "time_series_classification",
        "time_series_recipe",
        "forecasting_airline",
    ):
        sys.modules.pop(name, None)


def test_time_series_classification_example(examples_path, capsys):
    for name in ("ItalyPowerDemand", "JapaneseVowels"):
        try:
            fetch_ucr(name, split="test", download_if_missing=False)
        except FileNotFoundError as exc:
            pytest.skip(str(exc))
    import time_series_classification

    rows = time_series_classification.main(
        ["--datasets", "ItalyPowerDemand", "JapaneseVowels", "--max-iter", "20"]
        + ["--seeds", "0", "1"]
    )
    out = capsys.readouterr().out
    assert "RNN acc" in out and "MLP acc" in out and "7-26 x 12" in out
    assert [row["data set"] for row in rows] == ["ItalyPowerDemand", "JapaneseVowels"]
    for row in rows:
        assert 1 <= int(row["RNN epochs"]) <= 20
        mean, spread = (float(v) for v in row["RNN acc"].split(" +- "))
        assert 0.5 < mean <= 1.0 and 0 <= spread < 0.5
        assert 0.5 < float(row["MLP acc"].split()[0]) <= 1.0


def test_time_series_recipe_example(examples_path, capsys):
    try:
        fetch_ucr("ItalyPowerDemand", split="test", download_if_missing=False)
    except FileNotFoundError as exc:
        pytest.skip(str(exc))
    import time_series_recipe

    (row,) = time_series_recipe.main(
        ["--datasets", "ItalyPowerDemand", "--seeds", "0", "--max-iter", "3"]
    )
    assert "ItalyPowerDemand" in capsys.readouterr().out
    assert row["published ResNet"] == "0.963"
    assert 0.5 < float(row["per seed"]) <= 1.0


def test_recipe_is_the_soft_vote_of_five_default_fits_and_an_mlp():
    """The vote's probabilities are the mean of five estimators fitted as
    ``ScratchRNNClassifier(random_state=5 * seed + i)`` alone would be and of
    the MLP of ``seed`` on the flattened series; a regressor's vote has no
    MLP."""
    sys.path.insert(0, str(EXAMPLES))
    try:
        import time_series_recipe
    finally:
        sys.path.remove(str(EXAMPLES))
        sys.modules.pop("time_series_recipe", None)
    rng = np.random.RandomState(0)
    X, y = rng.randn(40, 12, 1), rng.choice(["a", "b", "c"], 40)
    vote = time_series_recipe.recipe(1, n_jobs=None, max_iter=3).fit(X, y)
    alone = [
        ScratchRNNClassifier(random_state=5 + i, max_iter=3).fit(X, y) for i in range(5)
    ]
    mlp = make_pipeline(SequenceFlattener(), MLPClassifier(random_state=1))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        alone.append(mlp.fit(X, y))
    expected = np.mean([member.predict_proba(X) for member in alone], axis=0)
    np.testing.assert_allclose(vote.predict_proba(X), expected, rtol=1e-12)
    regressor = time_series_recipe.recipe(0, regression=True)
    assert [name for name, _ in regressor.estimators] == [f"seed{i}" for i in range(5)]


def test_forecasting_airline_example(examples_path, capsys):
    pytest.importorskip("sktime")
    import forecasting_airline

    results = forecasting_airline.main(["--max-iter", "20"])
    out = capsys.readouterr().out
    assert "forecast 36 months" in out and "Warning" not in out
    assert len(results) == 6
    for route in ("raw", "standardised"):
        linear, tabular, panel = (
            mape for name, mape in results.items() if name.endswith(route)
        )
        assert 0 < linear < 0.2 and np.isfinite(tabular)
        # the 2-D window and the numpy3D window are the same 12 steps of 1 feature
        assert tabular == panel
