"""A tuning recipe for UCR/UEA classification: GridSearchCV on the train split only.
=================================================================================

For each data set and seed, ``GridSearchCV`` chooses, by stratified 3-fold
cross-validation on the official *training* series alone, whether the GRU
reads both directions, how its states are summarised, and an L2 penalty;
the chosen setting is refitted on the whole training split and scored once on
the untouched test split.  The table gives the mean and spread (standard
deviation) of the test accuracy over the seeds, the settings chosen, and the
published figures of Fawaz et al. (2019, dl-4-tsc: MLP / ResNet) where they
exist.

Run: ``SKLEARN_RNN_DATA=../shared/data python examples/time_series_recipe.py``
(41 minutes for the four sets and three seeds on a busy 2-core machine;
``--datasets GunPoint --seeds 0`` for
one cell of the table).

Not run when these pages are built (about 40 minutes). The measured
table, with its date and machine: :ref:`bench_time_series`.
"""

import argparse
import time
import warnings

import numpy as np
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import GridSearchCV, StratifiedKFold

from sklearn_rnn import ScratchRNNClassifier
from sklearn_rnn.datasets import fetch_ucr

DATASETS = ("GunPoint", "ItalyPowerDemand", "BasicMotions", "JapaneseVowels")

#: The grid: both directions or one, last state or mean over time, L2 or not.
PARAM_GRID = {
    "bidirectional": [False, True],
    "pooling": ["last", "mean"],
    "alpha": [0.0, 1e-4],
}

#: Fawaz et al. 2019, "Deep learning for time series classification: a
#: review", test accuracy: (MLP, ResNet).
PUBLISHED = {
    "GunPoint": (0.927, 0.991),
    "ItalyPowerDemand": (0.954, 0.963),
    "JapaneseVowels": (0.976, 0.992),
}


def tuned_accuracy(name, seed, n_jobs=None, max_iter=None):
    """Test accuracy of the grid search's choice, the choice, and the seconds."""
    X_train, y_train = fetch_ucr(name, split="train", return_X_y=True)
    X_test, y_test = fetch_ucr(name, split="test", return_X_y=True)
    overrides = {} if max_iter is None else {"max_iter": max_iter}
    search = GridSearchCV(
        ScratchRNNClassifier(random_state=seed, **overrides),
        PARAM_GRID,
        cv=StratifiedKFold(n_splits=3, shuffle=True, random_state=seed),
        n_jobs=n_jobs,
    )
    start = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        search.fit(X_train, y_train)
    seconds = time.perf_counter() - start
    return search.score(X_test, y_test), search.best_params_, seconds


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--datasets", nargs="+", default=list(DATASETS))
    parser.add_argument("--seeds", nargs="+", type=int, default=[0, 1, 2])
    parser.add_argument("--n-jobs", type=int, default=None)
    parser.add_argument("--max-iter", type=int, default=None, help="for quick runs")
    args = parser.parse_args(argv)
    rows = []
    for name in args.datasets:
        runs = [
            tuned_accuracy(name, seed, args.n_jobs, args.max_iter)
            for seed in args.seeds
        ]
        accuracies = np.array([accuracy for accuracy, _, _ in runs])
        mlp, resnet = PUBLISHED.get(name, (None, None))
        rows.append(
            {
                "data set": name,
                "recipe acc": f"{accuracies.mean():.3f} +- {accuracies.std():.3f}",
                "per seed": " ".join(f"{a:.3f}" for a in accuracies),
                "search s": f"{np.median([s for _, _, s in runs]):.0f}",
                "published MLP / ResNet": "-" if mlp is None else f"{mlp} / {resnet}",
                "chosen": "; ".join(
                    ",".join(f"{k}={v}" for k, v in sorted(params.items()))
                    for _, params, _ in runs
                ),
            }
        )
        print(" | ".join(str(value) for value in rows[-1].values()), flush=True)
    return rows


if __name__ == "__main__":
    main()
