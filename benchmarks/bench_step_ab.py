"""A/B timing of one training step of two checkouts, in alternating processes.

Usage::

    python benchmarks/bench_step_ab.py OLD_CHECKOUT [NEW_CHECKOUT] [--cell rnn]
        [--sizes 64 128] [--pairs 4] [--threads 2]

Each process imports ``sklearn_rnn`` from one checkout, builds
``build_network(32, 2, SoftmaxCrossEntropy(), hidden_size=H)`` (``--dtype``,
float32 by default; the API both sides share), and times the median of 30
training steps (forward, loss, backward, one SGD update) on B=64 sequences
of T=100 steps of D=32 features, after a warm-up, under
``threadpool_limits(--threads)``.  The
checkouts run one after the other, A B B A ..., ``--pairs`` pairs per size;
printed: each side's median over its runs and the ratio new/old.
"""

import argparse
import os
import statistics
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))

WORKER = r"""
import sys, time
import numpy as np
from threadpoolctl import threadpool_limits
sys.path.insert(0, sys.argv[1])
import sklearn_rnn
assert sklearn_rnn.__file__.startswith(sys.argv[1]), sklearn_rnn.__file__
from sklearn_rnn.nn import SGD, SoftmaxCrossEntropy, build_network
H, threads, cell = int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
dtype = np.dtype(sys.argv[5]).type
B, T, D = 64, 100, 32
rng = np.random.RandomState(0)
options = {} if cell == "rnn" else {"cell": cell}
net = build_network(D, 2, SoftmaxCrossEntropy(), hidden_size=H, rng=rng,
                    dtype=dtype, **options)
sgd = SGD(net.params, 0.01)  # positional: both APIs take it so
x = rng.randn(T, B, D).astype(dtype)
y = rng.randint(0, 2, B)
w = np.ones(B, dtype)
times = []
with threadpool_limits(threads):
    for k in range(40):
        start = time.perf_counter()
        net.loss_and_gradients(x, y, w)
        sgd.step(net.grads)
        if k >= 10:
            times.append(time.perf_counter() - start)
print(np.median(times) * 1e3)
"""


def run(checkout, hidden, threads, cell, dtype):
    out = subprocess.run(
        [
            sys.executable,
            "-c",
            WORKER,
            os.path.abspath(checkout),
            str(hidden),
            str(threads),
            cell,
            dtype,
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    return float(out.stdout.strip())


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("old")
    parser.add_argument("new", nargs="?", default=os.path.dirname(HERE))
    parser.add_argument("--cell", default="rnn")
    parser.add_argument("--sizes", nargs="+", type=int, default=[64, 128])
    parser.add_argument("--pairs", type=int, default=4)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--dtype", default="float32", choices=["float32", "float64"])
    args = parser.parse_args(argv)
    print("| H | old ms | new ms | new/old |")
    print("| ---: | ---: | ---: | ---: |")
    for hidden in args.sizes:
        times = {"old": [], "new": []}
        for pair in range(args.pairs):
            order = ("old", "new") if pair % 2 == 0 else ("new", "old")
            for side in order:
                times[side].append(
                    run(
                        getattr(args, side), hidden, args.threads, args.cell, args.dtype
                    )
                )
        old, new = (statistics.median(times[k]) for k in ("old", "new"))
        print(f"| {hidden} | {old:.2f} | {new:.2f} | {new / old:.2f} |", flush=True)


if __name__ == "__main__":
    main()
