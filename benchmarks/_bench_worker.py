"""One benchmark process: time one library on one case, or cross-check both.

Run by ``benchmarks/bench_rnn.py``, one process per (case, library), one
after the other, so that the two libraries never share a process or run at
the same time::

    python benchmarks/_bench_worker.py --lib ours --threads 2 --case '{"kind": ...}'

``--lib ours`` never imports torch; ``--lib torch`` builds our network only to
copy its weights, then times torch alone; ``--lib check`` imports both and
compares their numbers from the same weights (no timing).  The worker prints
one JSON document on stdout: its environment (versions, BLAS and torch
threads, load average) and its results.
"""

import argparse
import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))  # the repository, before any installed copy

from _bench_common import environment, load_average, time_calls  # noqa: E402
from _bench_models import (  # noqa: E402
    compare,
    our_callables,
    our_network,
    same_weight_models,
    torch_callables,
)
from threadpoolctl import threadpool_limits  # noqa: E402


def torch_environment():
    """torch's version, threads and the CPU kernels it picked."""
    import torch

    return {
        "version": torch.__version__,
        "num_threads": torch.get_num_threads(),
        "num_interop_threads": torch.get_num_interop_threads(),
        "cpu_capability": torch.backends.cpu.get_cpu_capability(),
        # nn.LSTM runs oneDNN's fused RNN kernel when this is on (its
        # default), ATen's per-step one when off; nn.RNN and nn.GRU use ATen's
        "onednn": torch.backends.mkldnn.enabled,
    }


def time_case(lib, case, repeat, warmup):
    """Time ``case`` (its ``kind``: "train" or "infer") for one library."""
    if lib == "ours":
        train, infer = our_callables(our_network(case), case)
    else:
        _, model = same_weight_models(case)
        train, infer = torch_callables(model, case)
    fn = train if case["kind"] == "train" else infer
    before = load_average()
    timing = time_calls(fn, repeat, warmup)
    return timing | {"loadavg_before": before, "loadavg_after": load_average()}


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lib", choices=("ours", "torch", "check"), required=True)
    parser.add_argument(
        "--case",
        action="append",
        required=True,
        help="a case as JSON (see _bench_models); may be repeated",
    )
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--repeat", type=int, default=11)
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument(
        "--torch-onednn",
        choices=("on", "off"),
        default="on",
        help="torch.backends.mkldnn.enabled (on: torch's default)",
    )
    args = parser.parse_args(argv)
    cases = [json.loads(text) for text in args.case]

    from sklearn_rnn.nn.cells import CELLS

    missing = sorted({case["cell"] for case in cases} - set(CELLS))
    if missing:
        print(json.dumps({"error": f"no cell {missing} in sklearn_rnn.nn.cells.CELLS"}))
        return 2

    if args.lib != "ours":
        import torch

        torch.set_num_threads(args.threads)
        torch.backends.mkldnn.enabled = args.torch_onednn == "on"
    with threadpool_limits(args.threads, user_api="blas"):
        report = {"lib": args.lib, "env": environment()}
        if args.lib == "check":
            report["results"] = [compare(case) for case in cases]
        else:
            report["results"] = [
                time_case(args.lib, case, args.repeat, args.warmup) for case in cases
            ]
        report["torch_loaded"] = "torch" in sys.modules
        if report["torch_loaded"]:
            report["torch"] = torch_environment()
    print(json.dumps(report))
    return 0


if __name__ == "__main__":
    sys.exit(main())
