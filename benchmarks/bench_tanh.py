"""How fast is numpy's ``tanh`` on this CPU, and is there a faster exact-enough one?

Usage::

    python benchmarks/bench_tanh.py [--quick] [--size N] [--repeat N] [--no-header]

The Elman cell applies ``np.tanh`` in place to one (N, H) array per time
step; on some CPUs numpy's float32 ``tanh`` is a scalar libm loop (seen at
~7.5 ns/element on an AVX2-only Zen1, against ~0.5 ns with AVX-512).  This
script times, single-threaded (numpy's ufuncs use one thread), ``np.tanh``
in float32 and float64 and candidate float32 replacements built from numpy
and scipy, on a large array and on a step-sized (64, 64) array (which adds
the per-call overhead), and gives each one's error against float64 tanh:
maximum absolute error and maximum error in float32 ulps.  ``torch.tanh``
(one thread) is listed for reference only when torch is installed: it is not
a candidate, the engine is pure NumPy.  Nothing here changes the engine.
"""

import argparse
import os
import sys
from functools import partial

import numpy as np
from scipy.special import expit

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

from _bench_common import (  # noqa: E402
    cpu_model,
    environment,
    machine_markdown,
    markdown_table,
    numpy_simd,
    time_calls,
)


def _via_float64_ufunc(x, out):
    """float32 in and out, float64 inside the ufunc loop."""
    return np.tanh(x, out=out, dtype=np.float64)  # cast in the ufunc's buffers


def _via_float64_copy(x, out):
    """float32 -> float64 copy -> tanh -> cast back."""
    out[...] = np.tanh(x.astype(np.float64))
    return out


def _expit(x, out):
    """tanh(x) = 2 expit(2x) - 1."""
    np.multiply(x, 2.0, out=out)
    expit(out, out=out)
    out *= 2.0
    out -= 1.0
    return out


def _exp(x, out):
    """tanh(x) = 1 - 2 / (exp(2x) + 1)."""
    np.multiply(x, 2.0, out=out)
    with np.errstate(over="ignore"):
        np.exp(out, out=out)
    out += 1.0
    np.divide(2.0, out, out=out)
    np.subtract(1.0, out, out=out)
    return out


def _expit_odd(x, out):
    """tanh(x) = sign(x) (1 - 2 expit(-2|x|)): no cancellation for large |x|."""
    np.abs(x, out=out)
    out *= -2.0
    expit(out, out=out)
    out *= -2.0
    out += 1.0
    np.copysign(out, x, out=out)
    return out


#: (label, function(x, out) -> out, dtype of x and out)
CANDIDATES = [
    (
        "np.tanh float32 (what the engine uses)",
        lambda x, out: np.tanh(x, out=out),
        np.float32,
    ),
    (
        "np.tanh float64 (the float64 engine)",
        lambda x, out: np.tanh(x, out=out),
        np.float64,
    ),
    ("float32 via np.tanh(x, out, dtype=float64)", _via_float64_ufunc, np.float32),
    ("float32 via np.tanh(x.astype(float64)) then cast", _via_float64_copy, np.float32),
    ("float32 2*expit(2x) - 1 (scipy.special.expit)", _expit, np.float32),
    ("float32 sign(x) (1 - 2*expit(-2 abs(x)))", _expit_odd, np.float32),
    ("float32 1 - 2/(exp(2x) + 1)", _exp, np.float32),
]


def torch_candidate():
    """``torch.tanh`` on one thread, for reference (None without torch)."""
    try:
        import torch
    except ImportError:
        return None
    torch.set_num_threads(1)

    def fn(x, out):
        torch.tanh(torch.from_numpy(x), out=torch.from_numpy(out))
        return out

    return ("reference: torch.tanh float32, 1 thread (not a candidate)", fn, np.float32)


def error_inputs():
    """Inputs spanning tanh's regimes: tiny, linear, curved and saturated."""
    grid = np.linspace(-12.0, 12.0, 1_000_001)
    tiny = np.logspace(-12, 0, 20_001)
    return np.concatenate([grid, tiny, -tiny]).astype(np.float32)


def errors(fn, dtype, x32):
    """(max absolute error, max error in ulps of ``dtype``) against float64 tanh."""
    x = x32.astype(dtype)
    reference = np.tanh(x32.astype(np.float64))
    got = fn(x, np.empty_like(x)).astype(np.float64)
    ulp = np.spacing(np.abs(reference).astype(dtype)).astype(np.float64)
    return float(np.abs(got - reference).max()), float(
        (np.abs(got - reference) / ulp).max()
    )


def measure(candidates, size, repeat):
    """Each candidate's ns/element (large and step-sized arrays) and errors."""
    rng = np.random.RandomState(0)
    large = rng.randn(size) * 2.0  # pre-activations of a trained RNN: mostly |a| < 4
    step = rng.randn(64, 64) * 2.0
    x_err = error_inputs()
    rows = []
    for label, fn, dtype in candidates:
        x, x_step = large.astype(dtype), step.astype(dtype)
        out, out_step = np.empty_like(x), np.empty_like(x_step)
        big = time_calls(partial(fn, x, out), repeat, warmup=2)
        small = time_calls(
            partial(fn, x_step, out_step),
            repeat,
            warmup=2,
            min_seconds=0.02,
            max_inner=2000,
        )
        abs_err, ulp_err = errors(fn, dtype, x_err)
        rows.append(
            {
                "label": label,
                "dtype": np.dtype(dtype).name,
                "ns_large": big["median"] / x.size * 1e9,
                "best_large": big["min"] / x.size * 1e9,
                "best_step": small["min"] / x_step.size * 1e9,
                "abs_err": abs_err,
                "ulp_err": ulp_err,
            }
        )
    return rows


def fastest(rows, ok):
    """The fastest float32 candidate (best time, large array) for which ``ok(row)``."""
    fit = [
        r
        for r in rows
        if r["dtype"] == "float32" and not r["label"].startswith("reference") and ok(r)
    ]
    return min(fit, key=lambda r: r["best_large"])


def report(rows, size, max_ulp, max_abs):
    """Markdown: the table, then the fastest float32 variant under each accuracy bar."""
    lines = [
        [
            r["label"],
            f"{r['ns_large']:.2f}",
            f"{r['best_large']:.2f}",
            f"{r['best_step']:.2f}",
            f"{r['abs_err']:.1e}",
            f"{r['ulp_err']:.3g}",
        ]
        for r in rows
    ]
    table = markdown_table(
        [
            "variant",
            f"ns/element, median ({size:,} elements)",
            "ns/element, best",
            "ns/element, best ((64, 64): one step)",
            "max abs error",
            "max error (float32 ulps)",
        ],
        lines,
    )
    engine = rows[0]
    text = [
        f"np.tanh float32: {engine['best_large']:.2f} ns/element at best, "
        f"{engine['ns_large']:.2f} median (float64: {rows[1]['best_large']:.2f} best)."
    ]
    for bar, ok in (
        (f"within {max_ulp:g} ulps", lambda r: r["ulp_err"] <= max_ulp),
        (f"within {max_abs:g} absolute error", lambda r: r["abs_err"] <= max_abs),
    ):
        best = fastest(rows, ok)
        line = (
            f"Fastest float32 variant {bar}: {best['label']}, {best['best_large']:.2f}"
        )
        if best is engine:
            line += " ns/element (numpy's own float32 tanh)."
        else:
            line += (
                f" ns/element, {engine['best_large'] / best['best_large']:.1f}x "
                f"np.tanh's speed on the large array, "
                f"{engine['best_step'] / best['best_step']:.1f}x on a (64, 64) step."
            )
        text.append(line)
    return f"#### numpy tanh on this CPU (one thread)\n\n{table}\n\n" + "\n".join(text)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--quick", action="store_true", help="a smaller array, 7 repetitions"
    )
    parser.add_argument(
        "--size",
        type=int,
        default=None,
        help="elements of the large array (default 4M, quick 1M)",
    )
    parser.add_argument("--repeat", type=int, default=None, help="default 11, quick 7")
    parser.add_argument(
        "--max-ulp",
        type=float,
        default=4.0,
        help="what counts as exact enough (default 4 float32 ulps)",
    )
    parser.add_argument(
        "--max-abs",
        type=float,
        default=2.5e-7,
        help="the absolute-error bar (default 2.5e-7, ~2 ulps at 1)",
    )
    parser.add_argument(
        "--no-header", action="store_true", help="no machine description"
    )
    parser.add_argument(
        "--no-torch", action="store_true", help="no torch.tanh reference"
    )
    args = parser.parse_args(argv)
    size = args.size or (2**20 if args.quick else 2**22)
    repeat = max(7, args.repeat or (7 if args.quick else 11))
    candidates = list(CANDIDATES)
    if not args.no_torch:
        reference = torch_candidate()
        if reference is not None:
            candidates.append(reference)
    rows = measure(candidates, size, repeat)
    if not args.no_header:
        print(machine_markdown(cpu_model(), numpy_simd(), environment()) + "\n")
    print(report(rows, size, args.max_ulp, args.max_abs))
    return 0


if __name__ == "__main__":
    sys.exit(main())
