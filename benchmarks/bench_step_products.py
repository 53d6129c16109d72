"""The time of a training step's matrix products alone, per cell: a lower bound.

Usage::

    python benchmarks/bench_step_products.py [--cell lstm] [--B 64] [--T 100]
        [--D 32] [--H 64] [--threads 1]

Times only the BLAS products that one forward-and-backward pass of a
one-layer recurrent network makes when it runs step by step, as our engine
and torch's ATen kernels do (``sklearn_rnn.nn._blas.product``, float32),
with no element-wise work and no Python loop overhead beyond the calls:

- per step, forward: ``kernel.T @ x_t.T`` (G*H, N) and
  ``recurrent_kernel.T @ h_{t-1}`` (G*H, N);
- per step, backward: ``recurrent_kernel @ d`` (H, N) and the two weight
  gradients ``x_t.T @ d_input.T`` (D, G*H) and ``h_{t-1} @ d.T`` (H, G*H),
  accumulated.

No engine that makes these products one step at a time can run the whole
step faster than this.  The script prints the median of 11 repetitions, the
GFLOP/s it reached, and, with ``--against MS``, that bound as a fraction of
another library's whole step (e.g. torch's oneDNN LSTM step).
"""

import argparse
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))  # the repository, before any installed copy

import numpy as np  # noqa: E402
from _bench_common import cpu_model, time_calls  # noqa: E402
from threadpoolctl import threadpool_limits  # noqa: E402

from sklearn_rnn.nn._blas import product  # noqa: E402
from sklearn_rnn.nn.cells import CELLS  # noqa: E402


def step_products(gates, B, T, D, H, dtype=np.float32, seed=0):
    """A callable making one pass's products, and the FLOPs it makes."""
    rng = np.random.RandomState(seed)
    G = gates * H
    x = rng.randn(T, B, D).astype(dtype)
    kernel = rng.randn(D, G).astype(dtype)
    recurrent = rng.randn(H, G).astype(dtype)
    gates_t = np.zeros((G, B), dtype)
    h = rng.randn(H, B).astype(dtype)
    dh = np.zeros((H, B), dtype)
    d = rng.randn(G, B).astype(dtype) * 1e-3
    grad_kernel, grad_recurrent = np.zeros_like(kernel), np.zeros_like(recurrent)

    def run():
        for t in range(T):
            product(kernel.T, x[t].T, out=gates_t)
            product(recurrent.T, h, out=gates_t, accumulate=True)
        for t in range(T - 1, -1, -1):
            product(recurrent, d, out=dh)
            product(x[t].T, d.T, out=grad_kernel, accumulate=True)
            product(h, d.T, out=grad_recurrent, accumulate=True)

    flops = 2 * T * (D * G * B + H * G * B + H * G * B + D * G * B + H * G * B)
    return run, flops


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cell", choices=sorted(CELLS), default="lstm")
    for name, default in (("B", 64), ("T", 100), ("D", 32), ("H", 64)):
        parser.add_argument(f"--{name}", type=int, default=default)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument(
        "--against", type=float, default=None, metavar="MS", help="a whole step, ms"
    )
    args = parser.parse_args(argv)
    gates = CELLS[args.cell].gates
    run, flops = step_products(gates, args.B, args.T, args.D, args.H)
    with threadpool_limits(args.threads, user_api="blas"):
        timing = time_calls(run, repeat=11, warmup=3)
    ms = timing["median"] * 1e3
    print(
        f"{cpu_model()['model name']}, {args.threads} BLAS thread(s): "
        f"{args.cell} B{args.B} T{args.T} D{args.D} H{args.H} float32, the products "
        f"of one training pass: {ms:.2f} ms ({flops / timing['median'] / 1e9:.0f} "
        "GFLOP/s)"
    )
    if args.against:
        print(
            f"= {ms / args.against:.2f}x a {args.against:g} ms step, before any "
            "element-wise work"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
