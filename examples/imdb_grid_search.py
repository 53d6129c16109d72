"""Tune the IMDB pipeline's vectorizer and RNN hyperparameters with GridSearchCV.
==============================================================================

Searches ``seq__max_features``, ``seq__maxlen``, ``rnn__hidden_size`` and
``rnn__pooling`` over a random subset of the training reviews (3-fold CV,
``n_jobs=2``) and prints the ranked ``cv_results_`` table.

Run: ``SKLEARN_RNN_DATA=../shared/data python examples/imdb_grid_search.py``
(about two minutes on two cores; ``--train-size`` changes the subset).

Not run when these pages are built (about two minutes of 2 cores, and it
reads the IMDB archive).
"""

import argparse
import functools
import time
import warnings

import numpy as np
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import GridSearchCV
from sklearn.pipeline import Pipeline

from sklearn_rnn import ScratchRNNClassifier
from sklearn_rnn.datasets import fetch_imdb
from sklearn_rnn.text import SequenceVectorizer, strip_html

GRID = {
    "seq__max_features": [5_000, 20_000],
    "seq__maxlen": [100, 200],
    "rnn__hidden_size": [16, 32],
    "rnn__pooling": ["last", "mean"],
}


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--train-size", type=int, default=3000)
    args = parser.parse_args(argv)
    warnings.simplefilter(
        "ignore", ConvergenceWarning
    )  # fixed epoch budget per setting

    train = fetch_imdb("train", shuffle=True, random_state=0)
    X, y = train.data[: args.train_size], train.target[: args.train_size]
    pipe = Pipeline(
        [
            (
                "seq",
                SequenceVectorizer(
                    preprocessor=functools.partial(strip_html, lowercase=True)
                ),
            ),
            (
                "rnn",
                ScratchRNNClassifier(
                    embedding_dim=16,
                    batch_size=32,
                    learning_rate_init=0.005,
                    max_iter=3,
                    random_state=0,
                ),
            ),
        ]
    )
    search = GridSearchCV(pipe, GRID, cv=3, n_jobs=2)
    start = time.perf_counter()
    search.fit(X, y)
    print(
        f"{len(search.cv_results_['params'])} settings x 3 folds on {len(y)} reviews "
        f"in {time.perf_counter() - start:.0f} s\n"
    )
    results = search.cv_results_
    print(f"{'rank':>4}  {'accuracy':>8}  {'+/-':>6}  {'fit s':>5}  params")
    for i in np.argsort(results["rank_test_score"]):
        params = ", ".join(f"{k}={v}" for k, v in results["params"][i].items())
        print(
            f"{results['rank_test_score'][i]:>4}  "
            f"{results['mean_test_score'][i]:>8.4f}  "
            f"{results['std_test_score'][i]:>6.4f}  "
            f"{results['mean_fit_time'][i]:>5.1f}  {params}"
        )
    print(f"\nbest: {search.best_params_} ({search.best_score_:.4f})")


if __name__ == "__main__":
    main()
