"""How many default fits the recipe should vote, by CV on the training splits.

Usage::

    python benchmarks/recipe_cv.py [--seeds 0 1 2 3 4 5] [--votes 1 3 5] [--params JSON]
        [--with-mlp] [--datasets ACSF1 ...] [--n-jobs 2] [--json fits.jsonl]
    python benchmarks/recipe_cv.py --from-json fits.jsonl

Every data set of the development suite (``benchmarks/ucr_suite.py``) is cut
into the same 3 stratified folds of its *training split* (seed 0 shuffles
them, whatever the model's seed), so fits with different seeds predict the
same held-out series and can vote. For each fold and model seed it fits the
default estimator (or ``--params``) on the other two folds and stores its
probabilities (or predictions, for regression). Then, for each vote size
``k`` of ``--votes``, it scores every set of ``k`` seeds: the soft vote
(mean probability, or mean prediction) pooled over the three folds, accuracy
or RMSE over the whole training split; and prints the mean over those sets.
``k = 1`` is a single default fit. ``--with-mlp`` also fits the MLP
(``MLPClassifier()`` on the flattened series) on the same folds, and every
classification vote then counts the MLP of its first seed too, as the
recipe does. The test splits take no part.
"""

import argparse
import itertools
import json

import numpy as np
import ucr_suite
from joblib import Parallel, delayed

N_FOLDS = 3


def fit_fold(name, seed, fold, params=None, kind="ours"):
    """One fit (default, or ``params``; or ``kind="mlp"``, the MLP) on two
    folds; its predictions on the third (``ucr_suite.run``'s result), the
    folds shuffled with seed 0."""
    return ucr_suite.run(
        kind, name, seed, params or {}, fold=fold, n_folds=N_FOLDS, split_seed=0
    )


def vote_score(fits, seeds, mlp=None):
    """Accuracy (or RMSE) over the training split of the vote of ``seeds``;
    ``fits[seed][fold]`` are ``fit_fold``'s results.  With ``mlp`` (the MLP's,
    alike), a classification vote also counts the MLP of ``seeds[0]``, as
    the recipe does."""
    voted, truth = [], []
    for fold in range(N_FOLDS):
        members = [fits[seed][fold] for seed in seeds]
        if mlp and members[0].get("classes") is not None:
            members.append(mlp[seeds[0]][fold])
        voted.append(ucr_suite.vote(members))
        truth.append(members[0]["truth"])
    regression = members[0].get("classes") is None
    return ucr_suite.score(regression, np.concatenate(voted), np.concatenate(truth))


def summary(results, votes):
    """A Markdown table: per data set, the mean score of every vote of k seeds
    (and of the MLP, for classification, if its fits are in ``results``)."""
    by_kind = {"ours": {}, "mlp": {}}
    for r in results:  # fits stored before "kind" was recorded are ours
        by_name = by_kind[r.get("kind", "ours")]
        by_name.setdefault(r["data set"], {}).setdefault(r["seed"], {})[r["fold"]] = r
    plus = " + MLP" if by_kind["mlp"] else ""
    lines = [
        "| data set | metric | "
        + " | ".join(f"vote of {k}{plus}" for k in votes)
        + " |",
        "| --- | --- |" + " ---: |" * len(votes),
    ]
    for name, fits in by_kind["ours"].items():
        seeds = sorted(s for s, folds in fits.items() if len(folds) == N_FOLDS)
        mlp = by_kind["mlp"].get(name)
        cells = []
        for k in votes:
            scores = [
                vote_score(fits, g, mlp) for g in itertools.combinations(seeds, k)
            ]
            cells.append(f"{np.mean(scores):.4f}" if scores else "-")
        metric = "RMSE" if name in ucr_suite.REGRESSION else "accuracy"
        lines.append(f"| {name} | {metric} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", nargs="+", type=int, default=[0, 1, 2, 3, 4, 5])
    parser.add_argument("--votes", nargs="+", type=int, default=[1, 3, 5])
    parser.add_argument(
        "--datasets",
        nargs="+",
        default=[*ucr_suite.CLASSIFICATION, *ucr_suite.REGRESSION],
    )
    parser.add_argument("--params", help="JSON hyperparameters instead of the defaults")
    parser.add_argument(
        "--with-mlp",
        action="store_true",
        help="also fit the MLP, and count it in every classification vote "
        "(the recipe's sixth member)",
    )
    parser.add_argument("--n-jobs", type=int, default=2)
    parser.add_argument("--json", help="append one JSON line per fit to this file")
    parser.add_argument("--from-json", help="summarise these fits instead of fitting")
    args = parser.parse_args(argv)
    params = ucr_suite.parse_params(args.params) if args.params else {}
    if args.from_json:
        with open(args.from_json) as lines:
            results = [json.loads(line) for line in lines]
        results = [r for r in results if r["data set"] in args.datasets]
    else:
        ucr_suite.suite_data_home()
        kinds = {"ours": params, **({"mlp": {}} if args.with_mlp else {})}
        work = [
            (name, seed, fold, kind_params, kind)
            for kind, kind_params in kinds.items()
            for name in args.datasets
            for seed in args.seeds
            for fold in range(N_FOLDS)
        ]
        results = []
        for result in Parallel(n_jobs=args.n_jobs, return_as="generator")(
            delayed(fit_fold)(*job) for job in work
        ):
            results.append(result)
            if args.json:
                with open(args.json, "a") as out:
                    out.write(json.dumps(result) + "\n")
    print(summary(results, args.votes))


if __name__ == "__main__":
    main()
