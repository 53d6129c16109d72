"""Time ``SequenceVectorizer.fit_transform`` against ``CountVectorizer.fit_transform``.

Usage::

    SKLEARN_RNN_DATA=../shared/data python benchmarks/bench_vectorizer.py \\
        [--repeat 3] [--n-docs N] [--transform]

Both vectorizers run on the IMDB training reviews (``fetch_imdb("train")``, read
from the parsed cache) with the settings of the main IMDB job:

- ours: the ``SequenceVectorizer`` of ``examples/imdb_sentiment.py``'s
  ``make_pipeline()``, as it is (the table prints its settings);
- CountVectorizer: the same ``preprocessor``, ``ngram_range`` and
  ``max_features`` (it returns a sparse count matrix instead of sequences).

Every timing runs in a fresh subprocess, so that no run inherits the memory or
the caches of another; the runs alternate (ours, CountVectorizer, ours, ...) so
that a drift of the machine slows both alike, and the table reports the median
of ``--repeat`` runs (loading the data is not timed). ``--transform`` also
times ``transform`` of the fitted vectorizers on the 25,000 test reviews.
"""

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import time

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
sys.path.insert(0, ROOT)

NAMES = ("SequenceVectorizer", "CountVectorizer")


def main_job_vectorizer():
    """The ``SequenceVectorizer`` of the main job, as the example builds it."""
    sys.path.insert(0, os.path.join(ROOT, "examples"))
    from imdb_sentiment import make_pipeline

    return make_pipeline(verbose=False).named_steps["seq"]


def settings():
    seq = main_job_vectorizer()
    return (
        f"ngram_range={seq.ngram_range}, max_features={seq.max_features:,}, "
        f"maxlen={seq.maxlen}, strip_html(lowercase=True)"
    )


def make_vectorizer(name):
    """The main job's vectorizer, or CountVectorizer with its settings."""
    from sklearn.feature_extraction.text import CountVectorizer

    seq = main_job_vectorizer()
    if name == "CountVectorizer":
        return CountVectorizer(
            preprocessor=seq.preprocessor,
            ngram_range=seq.ngram_range,
            max_features=seq.max_features,
        )
    return seq


def child(name, n_docs, transform):
    """Time one vectorizer in this process; print the seconds as JSON."""
    from sklearn_rnn.datasets import fetch_imdb

    train = fetch_imdb("train").data[:n_docs]
    test = fetch_imdb("test").data[:n_docs] if transform else None
    vectorizer = make_vectorizer(name)
    start = time.perf_counter()
    vectorizer.fit_transform(train)
    times = {"fit_transform": time.perf_counter() - start}
    if transform:
        start = time.perf_counter()
        vectorizer.transform(test)
        times["transform"] = time.perf_counter() - start
    print(json.dumps(times))


def run_child(name, args):
    command = [sys.executable, os.path.abspath(__file__), "--child", name]
    if args.n_docs is not None:
        command += ["--n-docs", str(args.n_docs)]
    command += ["--transform"] * args.transform
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode:
        sys.exit(f"{name} run failed:\n{done.stderr}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def cpu_description():
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def print_table(runs, args):
    import numpy
    import sklearn

    print(f"CPU: {cpu_description()} ({os.cpu_count()} logical CPUs)")
    print(
        f"Python {platform.python_version()}, NumPy {numpy.__version__}, "
        f"scikit-learn {sklearn.__version__}"
    )
    n_docs = "all 25,000" if args.n_docs is None else f"{args.n_docs:,}"
    print(f"IMDB train reviews: {n_docs}; {settings()}")
    print(f"median of {args.repeat} runs, each in a fresh subprocess\n")
    steps = ["fit_transform"] + ["transform"] * args.transform
    header = (
        f"{'vectorizer':<20} {'step':<14} {'median s':>9} {'min s':>7} {'max s':>7}"
    )
    print(header)
    print("-" * len(header))
    medians = {}
    for step in steps:
        for name in NAMES:
            seconds = [run[step] for run in runs[name]]
            medians[name, step] = statistics.median(seconds)
            print(
                f"{name:<20} {step:<14} {medians[name, step]:>9.2f} "
                f"{min(seconds):>7.2f} {max(seconds):>7.2f}"
            )
    print()
    for step in steps:
        ratio = medians[NAMES[0], step] / medians[NAMES[1], step]
        print(f"{step}: SequenceVectorizer / CountVectorizer = {ratio:.2f}x")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3, help="runs per vectorizer")
    parser.add_argument("--n-docs", type=int, default=None, help="first N reviews")
    parser.add_argument(
        "--transform", action="store_true", help="also time transform(test)"
    )
    parser.add_argument("--child", choices=NAMES, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        child(args.child, args.n_docs, args.transform)
        return
    runs = {name: [] for name in NAMES}
    for i in range(args.repeat):
        for name in NAMES:
            runs[name].append(run_child(name, args))
            print(
                f"run {i + 1}/{args.repeat} {name}: "
                + ", ".join(f"{k} {v:.2f} s" for k, v in runs[name][-1].items()),
                file=sys.stderr,
            )
    print_table(runs, args)


if __name__ == "__main__":
    main()
