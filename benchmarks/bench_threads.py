"""What the thread guard costs (``sklearn_rnn/_concurrency.py``).

Usage::

    python benchmarks/bench_threads.py [--calls 15]

On a mid-size model, ``ScratchRNNClassifier(hidden_size=64)`` (GRU) on 2,000
sequences of 50 steps of 8 features (one ``partial_fit`` is 63 mini-batches
of 32), and on an embedding model (a 2**20 x 32 table, 64 sequences of 50
ids per call), it reports medians over ``--calls`` calls of:

- ``partial_fit`` alone, and the part of it the guard adds (publishing the
  two snapshots: a dict copy, a view of the network on the checkpoint's
  copies, waiting for older readers);
- ``predict_proba`` of 200 sequences alone, and while another thread runs
  ``partial_fit`` calls (then it reads the snapshot: the checkpoint's copies,
  and for an embedding table the live rows read through the saved ones);
- ``pickle.dumps`` (which copies the weights and slots once, so that a
  training call starting meanwhile cannot tear it) and ``save``.

Run it against another checkout with ``PYTHONPATH=<checkout>`` to compare.
"""

import argparse
import os
import pickle
import statistics
import tempfile
import threading
import time
import warnings

import numpy as np


def median_ms(function, calls):
    times = []
    for _ in range(calls):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return 1000 * statistics.median(times)


def while_training(clf, X, y, function, calls):
    """Median of ``function`` while another thread runs partial_fit calls."""
    done = threading.Event()

    def train():
        while not done.is_set():
            clf.partial_fit(X, y)

    thread = threading.Thread(target=train)
    thread.start()
    time.sleep(0.2)
    try:
        return median_ms(function, calls)
    finally:
        done.set()
        thread.join()


def guard_share(clf, X, y, calls):
    """Median milliseconds per partial_fit spent publishing snapshots (raises
    ImportError on a checkout without the guard)."""
    from sklearn_rnn._concurrency import StateGuard

    publish, spent, per_call = StateGuard.publish, [], []

    def timed(self, state, wait=True):
        start = time.perf_counter()
        try:
            return publish(self, state, wait)
        finally:
            spent.append(time.perf_counter() - start)

    StateGuard.publish = timed
    try:
        for _ in range(calls):
            spent.clear()
            clf.partial_fit(X, y)
            per_call.append(sum(spent))
    finally:
        StateGuard.publish = publish
    return 1000 * statistics.median(per_call)


def report(name, clf, X, y, X_predict, calls):
    clf.partial_fit(X, y, classes=[0, 1])
    fit = median_ms(lambda: clf.partial_fit(X, y), calls)
    try:
        guard = f"{guard_share(clf, X, y, calls):.3f}"
    except ImportError:  # a checkout without the guard
        guard = "-"
    alone = median_ms(lambda: clf.predict_proba(X_predict), calls)
    during = while_training(
        clf, X, y, lambda: clf.predict_proba(X_predict), max(calls, 30)
    )
    pickled = median_ms(lambda: pickle.dumps(clf), calls)
    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, "model.npz")
        saved = median_ms(lambda: clf.save(path), calls)
    weights = sum(p.nbytes for p in clf.network_.params) / 2**20
    print(
        f"{name}\t{weights:.1f}\t{fit:.1f}\t{guard}\t{alone:.2f}\t{during:.2f}\t"
        f"{pickled:.1f}\t{saved:.1f}"
    )


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=15)
    args = parser.parse_args(argv)
    warnings.simplefilter("ignore")
    from sklearn_rnn import ScratchRNNClassifier

    rng = np.random.RandomState(0)
    print(
        "model\tweights MiB\tpartial_fit ms\tof which guard ms\tpredict ms\t"
        "predict while training ms\tpickle ms\tsave ms"
    )
    X = rng.randn(2000, 50, 8).astype(np.float32)
    y = (X[:, :, 0].sum(axis=1) > 0).astype(int)
    clf = ScratchRNNClassifier(hidden_size=64, random_state=0)
    report("GRU 64, dense input", clf, X, y, X[:200], args.calls)
    ids = rng.randint(1, 2**20, size=(64, 50))
    clf = ScratchRNNClassifier(
        embedding_dim=32, hidden_size=32, vocab_size=2**20, random_state=0
    )
    report("GRU 32, 2**20 x 32 table", clf, ids, ids[:, 0] % 2, ids, args.calls)


if __name__ == "__main__":
    main()
