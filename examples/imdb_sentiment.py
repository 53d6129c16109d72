"""IMDB sentiment: ``Pipeline([SequenceVectorizer, ScratchRNNClassifier])``.
=========================================================================

The package's main job: the 25,000 labelled training reviews of the Large Movie
Review Dataset (Maas et al., ACL 2011) train a from-scratch NumPy RNN, which is
then scored on the 25,000 official test reviews.

- ``SequenceVectorizer`` tokenises with CountVectorizer's analyzer (HTML line
  breaks stripped, lower-cased, 1- to 3-grams: CountVectorizer lists a
  document's unigrams, then its bigrams, then its trigrams), keeps the 600,000
  most frequent n-grams and pads/truncates every review to 1,500 ids (keeping
  the end of long ones).
- ``ScratchRNNClassifier`` embeds the ids, runs a linear (identity-activation)
  Elman SimpleRNN over them and averages its states over the real
  (non-padding) tokens before a sigmoid output: averaged, a linear recurrence
  over n-gram embeddings is a smoothed fastText-style bag of n-grams that
  sees local order, and it overfits less than tanh or a GRU.
  ``recurrent_max_norm=1.0`` keeps the recurrent kernel's spectral norm at
  most 1 after every step, so the recurrence cannot explode over 1,500 steps
  (without it one Adam step can lift the spectral radius to 1.02, and
  1.02 ** 800 is already 1e7: batch losses in the hundreds). Two epochs of
  Adam in mini-batches of 32, the second at 0.15 of the first's rate (it
  settles the weights the first epoch's last full-rate steps leave).

Prints the test accuracy, the training time, the largest mini-batch loss
against the first one (``--batch-losses``) and a classification report, and
saves the loss curve, per mini-batch within the two epochs, to
``imdb_loss_curve.png`` (matplotlib). ``--baseline``
also fits tf-idf (1-2-grams) + ``LogisticRegression`` in the same run.

Run (the README's main command)::

    pip install -e ".[plots]" && \\
        SKLEARN_RNN_DATA=../shared/data python examples/imdb_sentiment.py

``--train-size 2000 --test-size 2000`` gives a quick smoke run.

Not run when these pages are built (about 3 minutes). Measured on a 2-core
Intel Xeon (AVX-512), 2026-12-02, full official split, ``--random-state
0|1|2``: test accuracy 0.9015, 0.8993 and 0.9006 (mean 0.9005); tf-idf
1-2-grams + ``LogisticRegression()`` 0.8867 (``C=10``: 0.9012); training
110-112 s; prediction of the 25,000 test reviews 18-19 s; peak memory 1.9
GB. The whole table and how the settings were chosen: :ref:`bench_imdb`.
"""

import argparse
import functools
import time
import warnings

import numpy as np
from sklearn.exceptions import ConvergenceWarning
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import accuracy_score, classification_report
from sklearn.pipeline import Pipeline
from sklearn.pipeline import make_pipeline as sklearn_make_pipeline

from sklearn_rnn import ScratchRNNClassifier
from sklearn_rnn.datasets import fetch_imdb
from sklearn_rnn.text import SequenceVectorizer, strip_html


def make_pipeline(max_iter=2, random_state=0, verbose=True):
    """The tuned pipeline (see README, "IMDB results")."""
    return Pipeline(
        [
            (
                "seq",
                SequenceVectorizer(
                    preprocessor=functools.partial(strip_html, lowercase=True),
                    ngram_range=(1, 3),
                    max_features=600_000,
                    maxlen=1500,
                ),
            ),
            (
                "rnn",
                ScratchRNNClassifier(
                    cell="rnn",
                    embedding_dim=32,
                    hidden_size=32,
                    activation="identity",
                    recurrent_max_norm=1.0,
                    pooling="mean",
                    batch_size=32,
                    learning_rate_init=0.002,
                    learning_rate_decay=0.15,
                    max_iter=max_iter,
                    tol=0.0,
                    random_state=random_state,
                    verbose=verbose,
                ),
            ),
        ]
    )


def tfidf_baseline(X_train, y_train, X_test, y_test, C):
    """Test accuracy and seconds of tf-idf 1-2-grams + LogisticRegression(C)."""
    baseline = sklearn_make_pipeline(
        TfidfVectorizer(
            preprocessor=functools.partial(strip_html, lowercase=True),
            ngram_range=(1, 2),
        ),
        LogisticRegression(C=C, max_iter=1000),
    )
    start = time.perf_counter()
    baseline.fit(X_train, y_train)
    return baseline.score(X_test, y_test), time.perf_counter() - start


def subset(bunch, size, seed):
    if size is None or size >= len(bunch.target):
        return bunch.data, bunch.target
    idx = np.random.RandomState(seed).choice(len(bunch.target), size, replace=False)
    return [bunch.data[i] for i in idx], bunch.target[idx]


def save_loss_curve(rnn, path="imdb_loss_curve.png"):
    try:
        import matplotlib

        matplotlib.use("Agg")
        from sklearn_rnn.inspection import LossCurveDisplay
    except ImportError:
        print("matplotlib is not installed: no loss curve (pip install -e '.[plots]').")
        return
    # Two epochs make a two-point curve: draw the mini-batch losses within them.
    display = LossCurveDisplay.from_estimator(rnn, per_batch=True)
    display.figure_.savefig(path, dpi=100, bbox_inches="tight")
    print(f"saved {path}")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--train-size", type=int, default=None, help="reviews to train on"
    )
    parser.add_argument(
        "--test-size", type=int, default=None, help="reviews to test on"
    )
    parser.add_argument("--max-iter", type=int, default=2, help="epochs")
    parser.add_argument("--random-state", type=int, default=0)
    parser.add_argument(
        "--baseline",
        action="store_true",
        help="also fit tf-idf + LogisticRegression (C=1 and C=10)",
    )
    parser.add_argument(
        "--batch-losses",
        action="store_true",
        help="report the largest mini-batch loss against the first",
    )
    args = parser.parse_args(argv)
    warnings.simplefilter("ignore", ConvergenceWarning)  # a fixed budget of epochs

    X_train, y_train = subset(fetch_imdb("train"), args.train_size, seed=0)
    X_test, y_test = subset(fetch_imdb("test"), args.test_size, seed=1)
    print(f"{len(X_train)} training and {len(X_test)} test reviews")

    pipe = make_pipeline(max_iter=args.max_iter, random_state=args.random_state)
    start = time.perf_counter()
    pipe.fit(X_train, y_train)
    train_seconds = time.perf_counter() - start
    rnn = pipe.named_steps["rnn"]

    start = time.perf_counter()
    predicted = pipe.predict(X_test)
    test_seconds = time.perf_counter() - start
    print(
        f"\ntraining time: {train_seconds:.0f} s ({rnn.n_iter_} epochs, vectorizer "
        f"included); prediction: {test_seconds:.0f} s"
    )
    print(f"test accuracy: {accuracy_score(y_test, predicted):.4f}\n")
    if args.batch_losses:
        losses = rnn.batch_loss_curve_
        print(
            f"largest mini-batch loss: {max(losses):.4f} (the first: "
            f"{losses[0]:.4f}; {max(losses) / losses[0]:.2f} times)\n"
        )
    if args.baseline:
        for C in (1.0, 10.0):
            accuracy, seconds = tfidf_baseline(X_train, y_train, X_test, y_test, C)
            print(
                f"baseline tf-idf 1-2-grams + LogisticRegression(C={C:g}): test "
                f"accuracy {accuracy:.4f} ({seconds:.0f} s)"
            )
    print(
        classification_report(y_test, predicted, target_names=["neg", "pos"], digits=4)
    )
    save_loss_curve(rnn)


if __name__ == "__main__":
    main()
