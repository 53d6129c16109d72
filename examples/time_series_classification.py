"""Time-series classification on four UCR/UEA data sets: an RNN against a flat MLP.
================================================================================

``ScratchRNNClassifier()`` with its defaults reads each series as a sequence
(channels last, ``(n_series, n_timesteps, n_channels)``, as ``fetch_ucr``
returns it; JapaneseVowels' unequal lengths as a list, unpadded). The baseline
is scikit-learn's ``MLPClassifier()`` with its defaults on the flattened series
(``SequenceFlattener``; JapaneseVowels: zero-padded to the longest training
series, longer test series cut, then flattened). Both on the official
train/test split; the table gives the mean and spread of the test accuracy
over the seeds (``random_state`` of both), and the median fit seconds and
epochs.

Run: ``SKLEARN_RNN_DATA=../shared/data python examples/time_series_classification.py``
(the ``.ts`` files are looked for in ``$SKLEARN_RNN_DATA/ucr``, else downloaded).

Not run when these pages are built (43 s, and it reads the UCR files).
The measured table, with its date and machine: :ref:`bench_time_series`.
"""

import argparse
import time
import warnings

import numpy as np
from sklearn.exceptions import ConvergenceWarning
from sklearn.neural_network import MLPClassifier

from sklearn_rnn import ScratchRNNClassifier
from sklearn_rnn.datasets import fetch_ucr
from sklearn_rnn.preprocessing import SequenceFlattener

DATASETS = ("GunPoint", "ItalyPowerDemand", "BasicMotions", "JapaneseVowels")


def timed_fit(estimator, X, y):
    start = time.perf_counter()
    with warnings.catch_warnings():  # the defaults' max_iter may stop before tol
        warnings.simplefilter("ignore", ConvergenceWarning)
        estimator.fit(X, y)
    return time.perf_counter() - start


def compare(name, seeds, overrides):
    """Mean test accuracy, fit seconds and epochs of both estimators over ``seeds``."""
    X_train, y_train = fetch_ucr(name, split="train", return_X_y=True)
    X_test, y_test = fetch_ucr(name, split="test", return_X_y=True)
    lengths = [len(s) for s in X_train]
    row = {
        "data set": name,
        "train/test": f"{len(y_train)}/{len(y_test)}",
        "steps x channels": f"{min(lengths)}-{max(lengths)} x {X_train[0].shape[1]}"
        if min(lengths) != max(lengths)
        else f"{lengths[0]} x {X_train[0].shape[1]}",
    }
    flattener = SequenceFlattener().fit(X_train)  # the longest training series
    flat_train, flat_test = flattener.transform(X_train), flattener.transform(X_test)
    for label, make, train, test in [
        ("RNN", ScratchRNNClassifier, X_train, X_test),
        ("MLP", MLPClassifier, flat_train, flat_test),
    ]:
        fits = []
        for seed in seeds:
            estimator = make(random_state=seed, **overrides)
            seconds = timed_fit(estimator, train, y_train)
            fits.append((estimator.score(test, y_test), seconds, estimator.n_iter_))
        accuracy, seconds, epochs = np.array(fits).T
        row[f"{label} acc"] = f"{accuracy.mean():.3f} +- {accuracy.std():.3f}"
        row[f"{label} fit s"] = f"{np.median(seconds):.1f}"
        row[f"{label} epochs"] = f"{np.median(epochs):.0f}"
    return row


def print_table(rows):
    columns = list(rows[0])
    cells = [[str(row[c]) for c in columns] for row in rows]
    widths = [max(len(c), *(len(r[i]) for r in cells)) for i, c in enumerate(columns)]
    print(" | ".join(c.ljust(w) for c, w in zip(columns, widths)))
    print("-+-".join("-" * w for w in widths))
    for r in cells:
        print(" | ".join(v.ljust(w) for v, w in zip(r, widths)))


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--datasets", nargs="+", default=list(DATASETS))
    parser.add_argument("--seeds", nargs="+", type=int, default=[0, 1, 2])
    parser.add_argument(
        "--max-iter",
        type=int,
        default=None,
        help="epochs of both estimators (default: their own defaults; for quick runs)",
    )
    args = parser.parse_args(argv)
    overrides = {} if args.max_iter is None else {"max_iter": args.max_iter}
    rows = [compare(name, args.seeds, overrides) for name in args.datasets]
    print_table(rows)
    return rows


if __name__ == "__main__":
    main()
