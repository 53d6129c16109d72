"""Cost of one ``partial_fit`` against the size of the embedding table.

Usage::

    python benchmarks/bench_streaming.py [--rows 4096 2097152] [--calls 30]
        [--cell rnn|gru|lstm]

Each table size runs in its own process (``/usr/bin/time -v`` when it exists,
for the peak resident memory): ``ScratchRNNClassifier(embedding_dim=32,
hidden_size=32, vocab_size=ROWS)`` takes ``partial_fit`` on 64 sequences of
50 token ids drawn from the whole table, 3 warm-up calls then ``--calls``
timed ones; the table gives the median milliseconds per call and the peak
RSS.  A call's cost should follow the batch (the rows it touches, the dense
weights), not the table: see the README, "Scaling out".
"""

import argparse
import re
import shutil
import statistics
import subprocess
import sys
import time


def worker(rows, calls, cell):
    import numpy as np

    from sklearn_rnn import ScratchRNNClassifier

    rng = np.random.RandomState(0)
    clf = ScratchRNNClassifier(
        cell=cell, embedding_dim=32, hidden_size=32, vocab_size=rows, random_state=0
    )
    batches = [
        (rng.randint(2, rows, size=(64, 50)), rng.randint(0, 2, size=64))
        for _ in range(calls + 3)
    ]
    times = []
    for i, (X, y) in enumerate(batches):
        start = time.perf_counter()
        clf.partial_fit(X, y, classes=[0, 1])
        if i >= 3:
            times.append(time.perf_counter() - start)
    print(f"median_ms {1000 * statistics.median(times):.2f}")


def measure(rows, calls, cell):
    command = [sys.executable, __file__, "--worker", str(rows), "--calls", str(calls)]
    command += ["--cell", cell]
    timer = shutil.which("time")  # GNU time: its -v reports the peak RSS
    if timer:
        command = [timer, "-v", *command]
    done = subprocess.run(command, capture_output=True, text=True, check=True)
    median = float(re.search(r"median_ms ([0-9.]+)", done.stdout).group(1))
    peak = re.search(r"Maximum resident set size \(kbytes\): (\d+)", done.stderr)
    return median, None if peak is None else int(peak.group(1)) / 1024


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", nargs="+", type=int, default=[4096, 2**21])
    parser.add_argument("--calls", type=int, default=30)
    parser.add_argument("--cell", default="rnn", choices=["rnn", "gru", "lstm"])
    parser.add_argument("--worker", type=int, default=None, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker is not None:
        return worker(args.worker, args.calls, args.cell)
    print(f"| table rows | ms per partial_fit ({args.cell}) | peak RSS (MiB) |")
    print("| ---: | ---: | ---: |")
    for rows in args.rows:
        median, peak = measure(rows, args.calls, args.cell)
        peak = "-" if peak is None else f"{peak:,.0f}"
        print(f"| {rows:,} | {median:.1f} | {peak} |", flush=True)


if __name__ == "__main__":
    main()
