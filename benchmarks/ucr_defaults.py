"""Why the estimators' defaults: each default changed alone, on four UCR/UEA sets.

Usage::

    SKLEARN_RNN_DATA=../shared/data python benchmarks/ucr_defaults.py \
        [--variants NAME ...] [--seeds 0 1 2] [--datasets GunPoint ...]

Every variant is ``ScratchRNNClassifier(random_state=seed, **changes)`` on the
official train/test split of each data set, the ``mlp`` row is
``MLPClassifier(random_state=seed)`` on the flattened series (JapaneseVowels
zero-padded to its longest training series).  Printed: mean and spread
(standard deviation) of the test accuracy over the seeds, as a Markdown
table.  About 15 minutes for every variant on a quiet 2-core machine.
"""

import argparse
import os
import sys
import warnings

import numpy as np
from sklearn.exceptions import ConvergenceWarning
from sklearn.neural_network import MLPClassifier

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "examples"))

from time_series_classification import DATASETS, flatten  # noqa: E402

from sklearn_rnn import ScratchRNNClassifier  # noqa: E402
from sklearn_rnn.datasets import fetch_ucr  # noqa: E402

#: The defaults, then each default changed alone (or all of them: "before").
VARIANTS = {
    "defaults": {},
    "cell='rnn'": {"cell": "rnn"},
    "cell='lstm'": {"cell": "lstm"},
    "hidden_size=32": {"hidden_size": 32},
    "batch_size='auto' (200)": {"batch_size": "auto"},
    "learning_rate_init=0.001": {"learning_rate_init": 0.001},
    "n_iter_no_change=10": {"n_iter_no_change": 10},
    "scale_input=False": {"scale_input": False},
    "before (all of the above)": {
        "cell": "rnn",
        "hidden_size": 32,
        "batch_size": "auto",
        "learning_rate_init": 0.001,
        "n_iter_no_change": 10,
        "scale_input": False,
    },
}


def accuracies(make, name, seeds):
    X_train, y_train = fetch_ucr(name, split="train", return_X_y=True)
    X_test, y_test = fetch_ucr(name, split="test", return_X_y=True)
    if make is MLPClassifier:
        longest = max(len(s) for s in X_train)
        X_train, X_test = flatten(X_train, longest), flatten(X_test, longest)
    scores = []
    for seed in seeds:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            estimator = make(random_state=seed).fit(X_train, y_train)
        scores.append(estimator.score(X_test, y_test))
    return np.array(scores)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--variants", nargs="+", default=[*VARIANTS, "mlp"])
    parser.add_argument("--seeds", nargs="+", type=int, default=[0, 1, 2])
    parser.add_argument("--datasets", nargs="+", default=list(DATASETS))
    args = parser.parse_args(argv)
    print("| variant | " + " | ".join(args.datasets) + " |")
    print("| --- |" + " ---: |" * len(args.datasets))
    for variant in args.variants:
        if variant == "mlp":
            make = MLPClassifier
        else:
            changes = VARIANTS[variant]

            def make(random_state, changes=changes):
                return ScratchRNNClassifier(random_state=random_state, **changes)

        cells = []
        for name in args.datasets:
            scores = accuracies(make, name, args.seeds)
            cells.append(f"{scores.mean():.3f} ± {scores.std():.3f}")
        label = "`MLPClassifier()`" if variant == "mlp" else variant
        print(f"| {label} | " + " | ".join(cells) + " |", flush=True)


if __name__ == "__main__":
    main()
