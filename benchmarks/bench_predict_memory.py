"""Working memory of a large prediction: it follows the chunk, not the input.

Usage::

    python benchmarks/bench_predict_memory.py [--n-samples 100000] [--length 500]

Fits the default ``ScratchRNNClassifier`` on 200 float32 univariate sequences,
then traces (``tracemalloc``) ``predict_proba`` on ``--n-samples`` sequences
of ``--length`` steps: the peak beyond the input and the output is the
working memory, bounded by ``sklearn_rnn._inference.PREDICT_CHUNK_BYTES``.
"""

import argparse
import time
import tracemalloc
import warnings

import numpy as np
from sklearn.exceptions import ConvergenceWarning

from sklearn_rnn import ScratchRNNClassifier


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n-samples", type=int, default=100_000)
    parser.add_argument("--length", type=int, default=500)
    args = parser.parse_args(argv)
    rng = np.random.RandomState(0)
    X_fit = rng.randn(200, args.length).astype(np.float32)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        clf = ScratchRNNClassifier(max_iter=1, random_state=0)
        clf.fit(X_fit, X_fit.sum(axis=1) > 0)
    X = rng.randn(args.n_samples, args.length).astype(np.float32)
    tracemalloc.start()
    start = time.perf_counter()
    proba = clf.predict_proba(X)
    seconds = time.perf_counter() - start
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    print(
        f"input {X.nbytes / 2**20:.0f} MiB, output {proba.nbytes / 2**20:.1f} MiB, "
        f"peak traced during predict_proba {peak / 2**20:.1f} MiB, {seconds:.1f} s"
    )


if __name__ == "__main__":
    main()
