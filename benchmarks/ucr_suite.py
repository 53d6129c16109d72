"""The time-series development suite: our estimators against MLPs and a constant.

Usage::

    python benchmarks/ucr_suite.py [--variant NAME | --params JSON] [--seeds 0 1 2]
        [--datasets ACSF1 ...] [--cv 3] [--n-jobs 1] [--json results.jsonl]
        [--data-home DIR]

The suite is every UCR/UEA problem that sktime's wheel ships
(``sktime/datasets/data``): nine classification problems (ACSF1, ArrowHead,
BasicMotions, Chinatown -- sktime's ``UnitTest`` files, GunPoint,
ItalyPowerDemand, JapaneseVowels, OSULeaf, PLAID) and two regression ones
(Tecator, Covid3Month).  ``fetch_ucr`` reads them from a data home whose
``ucr`` folder is sktime's data folder (made here, in a temporary folder).

For each data set and seed it fits ``ScratchRNNClassifier`` /
``ScratchRNNRegressor(random_state=seed, **params)`` and the baselines
(``MLPClassifier`` / ``MLPRegressor(random_state=seed)`` on the series
zero-padded to the longest training series and flattened; for regression
also the training mean), and prints one Markdown row per data set and seed:
test accuracy (or RMSE), fit seconds and epochs, then the means.

- Default: official train/test split; the test split only reports.
- ``--recipe``: also the recipe of ``examples/time_series_recipe.py``, a
  soft vote of five default fits per seed (seed ``r`` votes the fits of
  seeds ``5r`` to ``5r + 4``) and, for classification, of the MLP of seed
  ``r``, from the fits' stored predictions.
- With ours and the MLP (test split): per classification data set, the test
  series that only one of the two gets right, summed over the seeds, and the
  exact McNemar test's p-value (``paired_rows``).
- ``--data-home DIR``: the data sets named by ``--datasets`` are read from
  ``DIR/ucr`` (any UCR/UEA problems in ``.ts`` files, regression problems
  recognised by their numeric targets), e.g. those outside the suite that
  ``benchmarks/heldout_data.py`` gathers.
- ``--cv K``: K-fold cross-validation on the *training split only*
  (stratified for classification, seed-shuffled), to choose settings; the
  score is the mean over folds.

Fits run one after the other with the machine's BLAS threads, so their
seconds are what a user sees; ``--n-jobs 2`` runs them in parallel worker
processes of one BLAS thread each (faster for ``--cv``; its seconds are
then per core).
"""

import argparse
import json
import os
import sys
import tempfile
import time
import warnings

import numpy as np
from joblib import Parallel, delayed
from scipy.stats import binomtest
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import KFold, StratifiedKFold
from sklearn.neural_network import MLPClassifier, MLPRegressor
from sklearn.pipeline import make_pipeline

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))

from sklearn_rnn import ScratchRNNClassifier, ScratchRNNRegressor  # noqa: E402
from sklearn_rnn.datasets import fetch_ucr  # noqa: E402
from sklearn_rnn.preprocessing import SequenceFlattener  # noqa: E402

CLASSIFICATION = (
    "ACSF1",
    "ArrowHead",
    "BasicMotions",
    "Chinatown",
    "GunPoint",
    "ItalyPowerDemand",
    "JapaneseVowels",
    "OSULeaf",
    "PLAID",
)
REGRESSION = ("Tecator", "Covid3Month")
#: Names of the suite whose files sktime ships under another name.
FILE_NAMES = {"Chinatown": "UnitTest"}
#: Default fits per vote of the recipe (``examples/time_series_recipe.py``).
RECIPE_MEMBERS = 5
#: Named settings of our estimators (``--variant``); "defaults" is ``{}``.
VARIANTS = {"defaults": {}}


def suite_data_home():
    """A data home whose ``ucr`` folder is sktime's data folder."""
    import sktime

    data = os.path.join(os.path.dirname(sktime.__file__), "datasets", "data")
    home = os.path.join(tempfile.gettempdir(), "sklearn_rnn_suite_home")
    os.makedirs(home, exist_ok=True)
    link = os.path.join(home, "ucr")
    if not os.path.exists(link):
        os.symlink(data, link)
    return home


def load(name, split, data_home=None):
    """``(X, y)`` of one split, channels last (a list if lengths differ)."""
    return fetch_ucr(
        FILE_NAMES.get(name, name),
        split=split,
        data_home=data_home or suite_data_home(),
        return_X_y=True,
        download_if_missing=False,
    )


def is_regression(target):
    """Whether a data set's targets are numbers to predict (``fetch_ucr``
    gives float targets for regression problems, str labels otherwise)."""
    return np.asarray(target).dtype.kind == "f"


def metric(result):
    """``"RMSE"`` or ``"accuracy"``: what ``result["score"]`` measures (read
    from the data set's name in the files of fits stored before ``run``
    recorded it)."""
    if "metric" in result:
        return result["metric"]
    return "RMSE" if result["data set"] in REGRESSION else "accuracy"


def subset(X, idx):
    return [X[i] for i in idx] if isinstance(X, list) else X[idx]


def make(kind, regression, seed, params):
    """A fresh estimator: ``"ours"`` or ``"mlp"`` (on the series zero-padded
    to the longest training series and flattened)."""
    if kind == "mlp":
        mlp = (MLPRegressor if regression else MLPClassifier)(random_state=seed)
        return make_pipeline(SequenceFlattener(), mlp)
    cls = ScratchRNNRegressor if regression else ScratchRNNClassifier
    return cls(random_state=seed, **params)


def score(regression, predicted, y):
    """Accuracy, or RMSE for regression, of the predictions."""
    if regression:
        return float(np.sqrt(np.mean((predicted - y) ** 2)))
    return float(np.mean(predicted == y))


def parse_params(text):
    """Hyperparameters from JSON; the lists of tuple-valued ones as tuples."""
    params = json.loads(text)
    for key in ("conv_filters", "conv_kernel_sizes", "dense_layers"):
        if key in params:
            params[key] = tuple(params[key])
    return params


def vote(fits):
    """The soft vote of fits of the same series (``run``'s results): their
    mean prediction, or the class of their highest mean probability."""
    if len({str(fit.get("classes")) for fit in fits}) > 1:
        raise ValueError("The fits to vote order their classes differently.")
    mean = np.mean([fit["predictions"] for fit in fits], axis=0)
    if fits[0].get("classes") is None:
        return mean
    return np.asarray(fits[0]["classes"])[mean.argmax(axis=1)]


def run(
    kind,
    name,
    seed,
    params,
    fold=None,
    n_folds=None,
    split_seed=None,
    data_home=None,
):
    """Fit one estimator on one split; a dict of the scores and costs.

    With ``fold``, the split is fold ``fold`` of ``n_folds`` of the training
    split, shuffled with ``split_seed`` (by default the estimator's seed).
    ``data_home`` holds the data set (by default the suite's)."""
    X_train, y_train = load(name, "train", data_home)
    regression = is_regression(y_train)
    if fold is None:
        X_test, y_test = load(name, "test", data_home)
    else:
        shuffle = seed if split_seed is None else split_seed
        splitter = (KFold if regression else StratifiedKFold)(
            n_folds, shuffle=True, random_state=shuffle
        )
        train, test = list(splitter.split(np.zeros(len(y_train)), y_train))[fold]
        X_test, y_test = subset(X_train, test), y_train[test]
        X_train, y_train = subset(X_train, train), y_train[train]
    result = {
        "kind": kind,
        "data set": name,
        "seed": seed,
        "fold": fold,
        "metric": "RMSE" if regression else "accuracy",
    }
    if kind == "mean":
        result["score"] = float(np.sqrt(np.mean((y_test - y_train.mean()) ** 2)))
        return result
    estimator = make(kind, regression, seed, params)
    start = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        estimator.fit(X_train, y_train)
    result["seconds"] = time.perf_counter() - start
    result["epochs"] = int((estimator[-1] if kind == "mlp" else estimator).n_iter_)
    predicted = estimator.predict(X_test)
    result["score"] = score(regression, predicted, y_test)
    result["truth"] = np.asarray(y_test).tolist()
    if not regression:  # paired_rows compares them, series by series
        result["labels"] = predicted.tolist()
    # the recipe's ensembles average them (recipe_rows)
    if not regression:
        predicted = estimator.predict_proba(X_test)
        result["classes"] = estimator.classes_.tolist()
    result["predictions"] = predicted.tolist()
    return result


def recipe_rows(results, seeds, members=RECIPE_MEMBERS):
    """The recipe's score per data set and seed ``r``: the soft vote (mean
    probability, or mean prediction for regression) of the default fits of
    seeds ``members * r`` to ``members * r + members - 1`` and, for
    classification, of the MLP of seed ``r``, which is what
    ``examples/time_series_recipe.py`` fits; its seconds are the members'
    summed (its two worker processes halve them on two cores), its epochs
    the default fits' median."""
    rows = []
    for name in dict.fromkeys(r["data set"] for r in results):
        fits = {
            (r["kind"], r["seed"]): r
            for r in results
            if r["data set"] == name and r["fold"] is None and "predictions" in r
        }
        for seed in seeds:
            group = [fits.get(("ours", members * seed + i)) for i in range(members)]
            if None in group:
                continue
            regression = metric(group[0]) == "RMSE"
            voters = group if regression else [*group, fits.get(("mlp", seed))]
            if None in voters:
                continue
            truth = np.asarray(group[0]["truth"])
            value = score(regression, vote(voters), truth)
            rows.append(
                {
                    "kind": "recipe",
                    "data set": name,
                    "metric": metric(group[0]),
                    "seed": seed,
                    "score": value,
                    "seconds": float(sum(v["seconds"] for v in voters)),
                    "epochs": float(np.median([g["epochs"] for g in group])),
                }
            )
    return rows


def paired_rows(results):
    """Markdown: per classification data set, the test series that ours gets
    right and the MLP wrong, and the other way round, summed over the seeds
    (the same series and seed for both), with the exact McNemar test's
    p-value: how likely so lopsided a split is if the two are equally
    accurate."""
    lines = [
        "| data set | right for ours only | right for the MLP only | McNemar p |",
        "| --- | ---: | ---: | ---: |",
    ]
    for name in dict.fromkeys(r["data set"] for r in results):
        fits = {
            (r["kind"], r["seed"], r["fold"]): r
            for r in results
            if r["data set"] == name and "labels" in r
        }
        ours_only = mlp_only = 0
        for (kind, seed, fold), mine in fits.items():
            other = fits.get(("mlp", seed, fold))
            if kind != "ours" or other is None:
                continue
            truth = np.asarray(mine["truth"])
            right = np.asarray(mine["labels"]) == truth
            right_mlp = np.asarray(other["labels"]) == truth
            ours_only += int(np.sum(right & ~right_mlp))
            mlp_only += int(np.sum(right_mlp & ~right))
        if ours_only + mlp_only:
            p = binomtest(ours_only, ours_only + mlp_only).pvalue
            lines.append(f"| {name} | {ours_only} | {mlp_only} | {p:.2g} |")
    return "\n".join(lines)


def jobs(kinds, datasets, seeds, params, n_folds, data_home=None):
    """``run``'s arguments for every fit; the training mean ("mean") only
    for regression problems."""
    for name in datasets:
        regression = is_regression(load(name, "train", data_home)[1])
        for kind in kinds:
            if kind == "mean" and not regression:
                continue
            for seed in seeds:
                for fold in range(n_folds) if n_folds else [None]:
                    split = (fold, n_folds or None, None)
                    yield (kind, name, seed, params, *split, data_home)


def _cells(rows):
    """``score | fit s | epochs`` of one estimator's rows (a seed, or all)."""
    if not rows:
        return ["", "", ""]
    scores = np.array([r["score"] for r in rows])
    seconds = [r["seconds"] for r in rows if "seconds" in r]
    epochs = [r["epochs"] for r in rows if "epochs" in r]
    score = (
        f"{scores[0]:.3f}"
        if len(rows) == 1
        else (f"{scores.mean():.3f} ± {scores.std():.3f}")
    )
    return [
        score,
        f"{np.median(seconds):.1f}" if seconds else "-",
        f"{np.median(epochs):.0f}" if epochs else "-",
    ]


def summary(results, kinds):
    """Markdown: a row per data set and seed, then the data set's mean score
    (± standard deviation over the seeds) and median seconds and epochs."""
    lines = [
        "| data set | seed | metric | "
        + " | ".join(f"{k} score | {k} fit s | {k} epochs" for k in kinds)
        + " |",
        "| --- | --- | --- |" + " ---: | ---: | ---: |" * len(kinds),
    ]
    names = dict.fromkeys(r["data set"] for r in results)
    for name in names:
        mine = [r for r in results if r["data set"] == name]
        measure = metric(mine[0])
        seeds = sorted({r["seed"] for r in mine})
        for seed in [*seeds, "mean"]:
            cells = []
            for kind in kinds:
                rows = [r for r in mine if r["kind"] == kind]
                if seed != "mean":
                    rows = [r for r in rows if r["seed"] == seed]
                cells += _cells(rows)
            label = f"**{name}**" if seed == "mean" else name
            cells = " | ".join(cells)
            lines.append(f"| {label} | {seed} | {measure} | {cells} |")
    return "\n".join(lines)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--variant", default="defaults", choices=sorted(VARIANTS))
    parser.add_argument("--params", help="JSON hyperparameters of ours")
    parser.add_argument("--seeds", nargs="+", type=int, default=[0, 1, 2])
    parser.add_argument("--datasets", nargs="+", default=[*CLASSIFICATION, *REGRESSION])
    parser.add_argument("--kinds", nargs="+", default=["ours", "mlp", "mean"])
    parser.add_argument("--cv", type=int, default=0, help="folds on the train split")
    parser.add_argument("--n-jobs", type=int, default=1)
    parser.add_argument("--json", help="append one JSON line per fit to this file")
    parser.add_argument(
        "--data-home",
        help="read --datasets from this data home's ucr folder instead of the "
        "suite's (data sets outside the suite: benchmarks/heldout_data.py)",
    )
    parser.add_argument(
        "--recipe",
        action="store_true",
        help="also the recipe (a soft vote of 5 default fits per seed: seed r "
        "fits ours with seeds 5r to 5r + 4; for classification also the MLP)",
    )
    parser.add_argument(
        "--from-json", help="summarise the fits of this file instead of fitting"
    )
    args = parser.parse_args(argv)
    params = parse_params(args.params) if args.params else VARIANTS[args.variant]
    home = args.data_home or suite_data_home()
    results, work = [], []
    if args.from_json:
        with open(args.from_json) as lines:
            results = [json.loads(line) for line in lines]
        results = [r for r in results if r["data set"] in args.datasets]
    else:
        work = list(jobs(args.kinds, args.datasets, args.seeds, params, args.cv, home))
    if args.recipe and not args.from_json:
        # the members recipe_rows votes that the default fits above are not
        members = {
            RECIPE_MEMBERS * r + i for r in args.seeds for i in range(RECIPE_MEMBERS)
        }
        members = sorted(members - set(args.seeds))
        work += list(jobs(["ours"], args.datasets, members, params, 0, home))
        if "mlp" not in args.kinds:  # the classification recipe's other member
            work += list(jobs(["mlp"], args.datasets, args.seeds, {}, 0, home))
    for result in Parallel(n_jobs=args.n_jobs, return_as="generator")(
        delayed(run)(*job) for job in work
    ):
        result["params"] = {
            k: list(v) if isinstance(v, tuple) else v for k, v in params.items()
        }
        results.append(result)
        brief = {k: v for k, v in result.items() if k not in ("predictions", "truth")}
        print(json.dumps(brief), file=sys.stderr, flush=True)
        if args.json:
            with open(args.json, "a") as out:
                out.write(json.dumps(result) + "\n")
    if args.cv:
        # the mean over folds first: one score per data set and seed
        merged = {}
        for r in results:
            merged.setdefault((r["kind"], r["data set"], r["seed"]), []).append(r)
        results = [
            {
                **rows[0],
                "score": float(np.mean([r["score"] for r in rows])),
                **(
                    {
                        "seconds": float(np.median([r["seconds"] for r in rows])),
                        "epochs": float(np.median([r["epochs"] for r in rows])),
                    }
                    if "seconds" in rows[0]
                    else {}
                ),
            }
            for rows in merged.values()
        ]
    if args.recipe:
        results += recipe_rows(results, args.seeds)
    seeds = set(args.seeds)
    results = [r for r in results if r["seed"] in seeds]
    kinds = [k for k in [*args.kinds, "recipe"] if any(r["kind"] == k for r in results)]
    print(
        f"params: {json.dumps(params)}; seeds {args.seeds}; "
        + (f"{args.cv}-fold CV on the train split" if args.cv else "test split")
    )
    print(summary(results, kinds))
    if {"ours", "mlp"} <= set(kinds) and not args.cv:
        print(paired_rows(results))


if __name__ == "__main__":
    main()
