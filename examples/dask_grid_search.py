"""Grid search of a text RNN on a local dask cluster.
==================================================

Tunes a ``SequenceVectorizer -> ScratchRNNClassifier`` pipeline with
``GridSearchCV``; the fits run on a two-worker ``dask.distributed`` cluster
through joblib's dask backend, exactly as they would run on a remote cluster
(pass its scheduler address to ``Client`` instead). Each worker process runs
one fit at a time with single-threaded BLAS (dask sets ``OMP_NUM_THREADS=1``
and friends in its workers), so the cores are not oversubscribed.

The reviews are a small subset of IMDB when ``SKLEARN_RNN_DATA`` names a
folder holding ``aclImdb_v1.tar.gz`` (see ``sklearn_rnn.datasets.fetch_imdb``),
and synthetic IMDB-like reviews otherwise: their label hangs on word order
("not good" is negative, "not" elsewhere means nothing), which a bag of words
cannot see (about 50% accuracy) but an RNN can: with max pooling over its
states it scores close to 100%, while reading only its last state it does
not learn the task in 30 epochs.

Run (about a minute on two cores)::

    pip install "sklearn_rnn[dask]"
    python examples/dask_grid_search.py

Not run when these pages are built (it starts a local dask cluster; about a
minute on two cores).
"""

import functools
import os
import time
import warnings

import numpy as np
from joblib import parallel_backend
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import GridSearchCV
from sklearn.pipeline import make_pipeline

from sklearn_rnn import ScratchRNNClassifier
from sklearn_rnn.datasets import fetch_imdb
from sklearn_rnn.text import SequenceVectorizer, strip_html

N_REVIEWS = 600
MAX_FEATURES = 2000
GRID = {
    "scratchrnnclassifier__pooling": ["last", "max"],
    "scratchrnnclassifier__hidden_size": [8, 16],
}

POSITIVE = ["good", "great", "superb", "moving", "funny", "brilliant"]
NEGATIVE = ["bad", "dull", "awful", "boring", "weak", "clumsy"]
FILLER = [
    "the",
    "film",
    "movie",
    "plot",
    "cast",
    "was",
    "and",
    "story",
    "acting",
    "ending",
    "really",
    "quite",
    "this",
    "with",
    "its",
    "score",
    "director",
]


def make_reviews(n_samples, random_state=0):
    """Synthetic reviews: filler words around one "[not] <adjective>" phrase.

    The label is the adjective's polarity, flipped by a preceding "not";
    "not" also appears elsewhere half the time, so only its position counts.

    Parameters
    ----------
    n_samples : int
    random_state : int

    Returns
    -------
    reviews : list of str
    labels : ndarray of shape (n_samples,)
        1 for positive, 0 for negative reviews.
    """
    rng = np.random.RandomState(random_state)
    reviews, labels = [], []
    for _ in range(n_samples):
        positive, negated = rng.randint(2, size=2).tolist()
        phrase = ["not"] * negated + [rng.choice(POSITIVE if positive else NEGATIVE)]
        words = list(rng.choice(FILLER, size=rng.randint(3, 9)))
        if rng.rand() < 0.5:
            words.insert(rng.randint(len(words) + 1), "not")
        at = rng.randint(len(words) + 1)
        reviews.append(" ".join(words[:at] + phrase + words[at:]))
        labels.append(int(positive != negated))
    return reviews, np.asarray(labels)


def load_reviews(n_samples):
    """A shuffled IMDB subset if ``SKLEARN_RNN_DATA`` has it, else synthetic data."""
    data_home = os.environ.get("SKLEARN_RNN_DATA")
    if data_home and os.path.isfile(os.path.join(data_home, "aclImdb_v1.tar.gz")):
        reviews, labels = fetch_imdb(
            subset="train",
            data_home=data_home,
            shuffle=True,
            random_state=0,
            return_X_y=True,
            download_if_missing=False,
        )
        return reviews[:n_samples], labels[:n_samples], "IMDB", 120
    reviews, labels = make_reviews(n_samples)
    return reviews, labels, "synthetic", 14


def print_ranking(cv_results):
    """Print the candidates of a search, best first."""
    names = [key for key in cv_results if key.startswith("param_")]
    columns = [
        "rank_test_score",
        *names,
        "mean_test_score",
        "std_test_score",
        "mean_fit_time",
    ]
    headers = [
        "rank",
        *(name.split("__")[-1] for name in names),
        "mean accuracy",
        "std",
        "fit time (s)",
    ]
    print("  ".join(f"{header:>15}" for header in headers))
    for i in np.argsort(cv_results["rank_test_score"], kind="stable"):
        print("  ".join(_cell(cv_results[column][i]) for column in columns))


def _cell(value):
    return f"{value:>15.3f}" if isinstance(value, float) else f"{value!s:>15}"


def main():
    from distributed import Client, LocalCluster

    reviews, labels, source, maxlen = load_reviews(N_REVIEWS)
    print(f"{len(reviews)} {source} reviews, {labels.mean():.0%} positive")
    pipeline = make_pipeline(
        SequenceVectorizer(
            maxlen=maxlen,
            max_features=MAX_FEATURES,
            preprocessor=functools.partial(strip_html, lowercase=True),
        ),
        ScratchRNNClassifier(  # vocab_size=None: the table fits the fitted ids
            embedding_dim=16,
            learning_rate_init=0.03,
            batch_size=32,
            max_iter=30,
            random_state=0,
        ),
    )
    search = GridSearchCV(pipeline, GRID, cv=3, n_jobs=-1)
    start = time.perf_counter()
    with (
        LocalCluster(
            n_workers=2,
            threads_per_worker=1,
            processes=True,
            host="127.0.0.1",
            dashboard_address=None,
        ) as cluster,
        Client(cluster) as client,
    ):
        print(
            f"Cluster: {len(client.scheduler_info()['workers'])} workers at "
            f"{cluster.scheduler_address}"
        )
        # scikit-learn passes the warning filters on to the workers
        with parallel_backend("dask"), warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)  # 30 epochs is short
            search.fit(reviews, labels)
    print(
        f"Grid search of {len(search.cv_results_['params'])} candidates x 3 folds "
        f"in {time.perf_counter() - start:.1f} s (cluster start-up included)\n"
    )
    print_ranking(search.cv_results_)
    print(f"\nBest: {search.best_params_}, accuracy {search.best_score_:.3f}")


if __name__ == "__main__":  # dask's worker processes re-import this module
    main()
