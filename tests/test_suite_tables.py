"""The development suite's tables: ``benchmarks/recipe_cv.py`` (the vote of
k seeds, scored over the folds) and ``benchmarks/ucr_suite.py``'s paired
comparison with the MLP."""

import sys
from pathlib import Path

import numpy as np
import pytest

BENCHMARKS = Path(__file__).resolve().parents[1] / "benchmarks"


@pytest.fixture
def recipe_cv(monkeypatch):
    monkeypatch.syspath_prepend(str(BENCHMARKS))
    import recipe_cv

    yield recipe_cv
    sys.modules.pop("recipe_cv", None)
    sys.modules.pop("ucr_suite", None)


@pytest.fixture
def ucr_suite(monkeypatch):
    monkeypatch.syspath_prepend(str(BENCHMARKS))
    import ucr_suite

    yield ucr_suite
    sys.modules.pop("ucr_suite", None)


def fold(seed, fold, pred, truth, classes=("a", "b")):
    return {
        "data set": "ArrowHead" if classes else "Tecator",
        "seed": seed,
        "fold": fold,
        "predictions": pred,
        "truth": truth,
        "classes": list(classes) if classes else None,
    }


def test_soft_vote_is_pooled_over_the_three_folds(recipe_cv):
    # fold 0: seed 0 is sure of the wrong class, seeds 1 and 2 lean to the
    # right one, so the vote is right where seed 0 alone is wrong
    fits = {
        0: {0: fold(0, 0, [[0.9, 0.1]], ["b"])},
        1: {0: fold(1, 0, [[0.3, 0.7]], ["b"])},
        2: {0: fold(2, 0, [[0.2, 0.8]], ["b"])},
    }
    for seed in fits:  # folds 1 and 2: everyone right on one series each
        fits[seed][1] = fold(seed, 1, [[0.8, 0.2]], ["a"])
        fits[seed][2] = fold(seed, 2, [[0.1, 0.9], [0.6, 0.4]], ["b", "b"])
    assert recipe_cv.vote_score(fits, [0]) == pytest.approx(2 / 4)
    assert recipe_cv.vote_score(fits, [1]) == pytest.approx(3 / 4)
    # mean probability of "b" on fold 0: (0.1 + 0.7 + 0.8) / 3 > 0.5
    assert recipe_cv.vote_score(fits, [0, 1, 2]) == pytest.approx(3 / 4)
    table = recipe_cv.summary(
        [r for folds in fits.values() for r in folds.values()], [1, 3]
    )
    # singles: 2/4, 3/4, 3/4 -> mean 2/3; the one vote of three: 3/4
    assert "| ArrowHead | accuracy | 0.6667 | 0.7500 |" in table


def test_regression_vote_is_the_rmse_of_the_mean_prediction(recipe_cv):
    fits = {
        seed: {
            f: fold(seed, f, [1.0 + seed, 2.0], [2.0, 2.0], classes=None)
            for f in range(3)
        }
        for seed in (0, 2)
    }
    # seed 0 misses the first target by 1, seed 2 by 1 the other way: the
    # mean prediction hits it; six targets, squared errors 1 and 0 per fold
    assert recipe_cv.vote_score(fits, [0]) == pytest.approx(np.sqrt(3 / 6))
    assert recipe_cv.vote_score(fits, [0, 2]) == pytest.approx(0.0)


def test_paired_rows_count_series_one_model_alone_gets_right(ucr_suite):
    truth = ["a", "b", "a", "b", "a"]
    rows = [
        # seed 0: ours right on 0, 1, 2; the MLP on 0, 3, 4
        {"kind": "ours", "seed": 0, "labels": ["a", "b", "a", "a", "b"]},
        {"kind": "mlp", "seed": 0, "labels": ["a", "a", "b", "b", "a"]},
        # seed 1: ours right on all five; the MLP on all but 1
        {"kind": "ours", "seed": 1, "labels": list(truth)},
        {"kind": "mlp", "seed": 1, "labels": ["a", "a", "a", "b", "a"]},
        # a seed the MLP did not run is left out
        {"kind": "ours", "seed": 2, "labels": list(truth)},
    ]
    results = [
        {**r, "data set": "GunPoint", "fold": None, "truth": truth} for r in rows
    ]
    table = ucr_suite.paired_rows(results)
    # ours alone: 1, 2 (seed 0) and 1 (seed 1); the MLP alone: 3, 4 (seed 0)
    # exact two-sided binomial p of 3 against 2: 1.0
    assert table.splitlines()[-1] == "| GunPoint | 3 | 2 | 1 |"
    results += [
        {**r, "data set": "OSULeaf", "fold": None, "truth": ["a"] * 8}
        for r in (
            {"kind": "ours", "seed": 0, "labels": ["a"] * 8},
            {"kind": "mlp", "seed": 0, "labels": ["b"] * 8},
        )
    ]
    # 8 against 0: p = 2 / 2**8
    assert ucr_suite.paired_rows(results).splitlines()[-1] == (
        f"| OSULeaf | 8 | 0 | {2 / 2**8:.2g} |"
    )
