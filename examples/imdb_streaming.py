"""Out-of-core IMDB: a stateless hashing vectorizer and ``partial_fit`` over chunks.
=================================================================================

``HashingSequenceVectorizer`` needs no fit (no vocabulary is stored), so each
chunk of reviews is turned into token ids on its own, and
``ScratchRNNClassifier.partial_fit`` runs exactly one epoch over it: the model
never needs more than one chunk in memory. The training reviews arrive here as
a shuffled stream of chunks; after every pass the test accuracy on a held-out
sample is printed.

Run: ``SKLEARN_RNN_DATA=../shared/data python examples/imdb_streaming.py``
(about 20 s on two cores: 0.870 test accuracy after one pass, 0.856 after two).

Not run when these pages are built (it reads the IMDB archive). Measured on
the 2-core Intel Xeon (AVX-512): 0.870 test accuracy after one pass over the
25,000 reviews, 0.856 after two; 19 s, 0.88 GB peak RSS.
"""

import argparse
import functools
import time

from sklearn_rnn import ScratchRNNClassifier
from sklearn_rnn.datasets import fetch_imdb
from sklearn_rnn.text import HashingSequenceVectorizer, strip_html


def stream(texts, labels, chunk_size):
    """Yield ``(texts, labels)`` chunks, as a reader of a large corpus would."""
    for start in range(0, len(labels), chunk_size):
        yield texts[start : start + chunk_size], labels[start : start + chunk_size]


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--chunk-size", type=int, default=2500)
    parser.add_argument("--passes", type=int, default=2)
    parser.add_argument("--test-size", type=int, default=5000)
    args = parser.parse_args(argv)

    vectorizer = HashingSequenceVectorizer(
        n_features=2**20,  # HashingVectorizer's default
        maxlen=200,
        preprocessor=functools.partial(strip_html, lowercase=True),
    )
    clf = ScratchRNNClassifier(
        cell="rnn",
        embedding_dim=32,
        hidden_size=32,
        activation="identity",
        pooling="mean",
        vocab_size=vectorizer.n_tokens_,
        batch_size=64,
        learning_rate_init=0.002,
        random_state=0,
    )
    train = fetch_imdb("train", shuffle=True, random_state=0)
    test = fetch_imdb("test", shuffle=True, random_state=1)
    X_test = vectorizer.transform(test.data[: args.test_size])
    y_test = test.target[: args.test_size]

    start = time.perf_counter()
    for n_pass in range(1, args.passes + 1):
        for i, (texts, labels) in enumerate(  # noqa: B007 (i counts the chunks)
            stream(train.data, train.target, args.chunk_size)
        ):
            clf.partial_fit(vectorizer.transform(texts), labels, classes=[0, 1])
        print(
            f"pass {n_pass}: {i + 1} chunks, loss {clf.loss_curve_[-1]:.4f}, "
            f"test accuracy {clf.score(X_test, y_test):.4f}, "
            f"{time.perf_counter() - start:.0f} s"
        )


if __name__ == "__main__":
    main()
