"""A recipe for UCR/UEA problems: a soft vote of five default fits and an MLP.
============================================================================

When a minute per fit is affordable, spend five: fit the default estimator
with five seeds and average their probabilities (scikit-learn's
``VotingClassifier(voting="soft")``, or ``VotingRegressor``).  The members
differ only in their initialisation, shuffling and validation splits, so
their errors are partly independent and the vote is more accurate than a
typical member (the "ensembles of deep networks" of Fawaz et al. 2019 for
time series; nothing to tune, so nothing chosen on noise).  Five, not
three: cross-validation on the suite's training splits scored votes of five
ahead of votes of three on six data sets and behind on one
(``benchmarks/recipe_cv.py``).  Its two worker processes fit two members at
once on a 2-core machine.

A classifier's vote has a sixth member that reads the series another way:
scikit-learn's ``MLPClassifier()`` on the series zero-padded to the longest
training series and flattened (:class:`~sklearn_rnn.preprocessing.SequenceFlattener`),
each step at its position, where the recurrent and convolutional branches
summarise shapes wherever they occur.  It costs under a second.
Cross-validated on the suite's training splits (``benchmarks/recipe_cv.py
--votes 5 --with-mlp``), the vote with it is ahead of the five fits alone
on ArrowHead, OSULeaf and PLAID and tied on the other six classification
problems.  A regressor's vote has no MLP: on raw targets it is far off
(Tecator RMSE 12 against 3).

For each data set and seed ``r`` it fits the vote of the seeds ``5r`` to
``5r + 4`` (and the MLP of seed ``r``) on the official training split and
scores it once on the test split, beside the default members' own scores
(each *is* a default fit), the MLP member's, and the published ResNet of
Fawaz et al. (2019, dl-4-tsc) where there is one.

Run: ``SKLEARN_RNN_DATA=../shared/data python examples/time_series_recipe.py``
(the four shared data sets, seed 0: 49 s on a 2-core AMD EPYC, 2026-12-08;
``--datasets GunPoint --seeds 0 1 2`` for the mean over three seeds).

Not run when these pages are built (it reads the UCR files). The measured
table over the whole development suite (``benchmarks/ucr_suite.py
--recipe``), with its date and machine: :ref:`bench_time_series`.
"""

import argparse
import time
import warnings

import numpy as np
from sklearn.ensemble import VotingClassifier, VotingRegressor
from sklearn.exceptions import ConvergenceWarning
from sklearn.neural_network import MLPClassifier
from sklearn.pipeline import make_pipeline

from sklearn_rnn import ScratchRNNClassifier, ScratchRNNRegressor
from sklearn_rnn.datasets import fetch_ucr
from sklearn_rnn.preprocessing import SequenceFlattener

DATASETS = ("GunPoint", "ItalyPowerDemand", "BasicMotions", "JapaneseVowels")
MEMBERS = 5

#: Fawaz et al. 2019, "Deep learning for time series classification: a
#: review", test accuracy of ResNet.
PUBLISHED_RESNET = {
    "ArrowHead": 0.845,
    "GunPoint": 0.991,
    "ItalyPowerDemand": 0.963,
    "JapaneseVowels": 0.992,
    "OSULeaf": 0.979,
}


def recipe(seed, regression=False, n_jobs=2, **params):
    """The soft vote of ``MEMBERS`` default estimators, seeded ``MEMBERS * seed``
    onwards, and for classification of an MLP seeded ``seed`` on the
    flattened series; ``params`` are passed to every default member."""
    members = [
        (
            f"seed{MEMBERS * seed + i}",
            (ScratchRNNRegressor if regression else ScratchRNNClassifier)(
                random_state=MEMBERS * seed + i, **params
            ),
        )
        for i in range(MEMBERS)
    ]
    if regression:
        return VotingRegressor(members, n_jobs=n_jobs)
    mlp = make_pipeline(SequenceFlattener(), MLPClassifier(random_state=seed))
    return VotingClassifier([*members, ("mlp", mlp)], voting="soft", n_jobs=n_jobs)


def evaluate(name, seed, max_iter=None):
    """Test accuracy of the vote, of each default member and of the MLP
    member, and the fit seconds."""
    X_train, y_train = fetch_ucr(name, split="train", return_X_y=True)
    X_test, y_test = fetch_ucr(name, split="test", return_X_y=True)
    params = {} if max_iter is None else {"max_iter": max_iter}
    vote = recipe(seed, **params)
    start = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        vote.fit(X_train, y_train)
    seconds = time.perf_counter() - start
    # the members were fitted on encoded labels: score them on those
    encoded = vote.le_.transform(y_test)
    members = [member.score(X_test, encoded) for member in vote.estimators_]
    return vote.score(X_test, y_test), members[:MEMBERS], members[MEMBERS], seconds


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--datasets", nargs="+", default=list(DATASETS))
    parser.add_argument("--seeds", nargs="+", type=int, default=[0])
    parser.add_argument("--max-iter", type=int, default=None, help="for quick runs")
    args = parser.parse_args(argv)
    rows = []
    for name in args.datasets:
        runs = [evaluate(name, seed, args.max_iter) for seed in args.seeds]
        votes = np.array([vote for vote, _, _, _ in runs])
        members = np.array([m for _, members, _, _ in runs for m in members])
        mlp = np.array([mlp for _, _, mlp, _ in runs])
        resnet = PUBLISHED_RESNET.get(name)
        rows.append(
            {
                "data set": name,
                "recipe acc": f"{votes.mean():.3f}",
                "per seed": " ".join(f"{v:.3f}" for v in votes),
                "members (defaults)": f"{members.mean():.3f}",
                "MLP member": f"{mlp.mean():.3f}",
                "fit s": f"{np.median([s for _, _, _, s in runs]):.0f}",
                "published ResNet": "-" if resnet is None else f"{resnet}",
            }
        )
        print(" | ".join(str(value) for value in rows[-1].values()), flush=True)
    return rows


if __name__ == "__main__":
    main()
