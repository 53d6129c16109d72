"""Time the NumPy engine against PyTorch, each library in its own process.

Usage::

    python benchmarks/bench_rnn.py [--quick] [--cell rnn|gru|lstm|all] [--threads 2]
        [--repeat N] [--rounds N] [--only train|infer] [--no-torch] [--no-check]
        [--no-tanh] [--json results.json]

For every case this driver runs ``benchmarks/_bench_worker.py`` once for our
engine and once for torch, one process after the other (never both at once,
never both libraries in one process: their thread pools spin-wait and steal
cores from each other).  Each worker limits numpy's BLAS to ``--threads``
threads (threadpoolctl) and sets ``torch.set_num_threads(--threads)``, warms
up, and reports the median of ``--repeat`` (>= 7) timed repetitions.  With
``--rounds 2`` (the default without ``--quick``) every case runs twice, ours
then torch, then torch then ours, and the medians are over both rounds.

- Training step: forward, loss, backward and one SGD update of
  ``[Embedding] -> Recurrent(cell) -> last state -> Dense(2)`` with softmax
  cross-entropy, against ``[nn.Embedding] -> nn.RNN/nn.GRU/nn.LSTM
  (batch_first=True) -> nn.Linear`` + ``CrossEntropyLoss`` + ``torch.optim.SGD``
  (``zero_grad`` included).
- Inference: ``Network.predict`` (probabilities) against torch's forward and
  softmax under ``torch.no_grad()``.
- Same numbers: a separate worker imports both libraries, starts them from
  the same weights and compares the loss, the probabilities and the gradients.

The output is Markdown (machine header, tables) ready to paste into
``docs/benchmarks/engine.rst``; "other CPU" is the CPU time the rest of the machine
used while a case ran (/proc/stat minus the worker's own), in cores.
"""

import argparse
import json
import os
import resource
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))

from _bench_common import load_average, summarize  # noqa: E402
from _bench_models import case_name  # noqa: E402
from _bench_report import (  # noqa: E402
    check_table,
    goal_lines,
    header_block,
    timing_table,
)

WORKER = os.path.join(HERE, "_bench_worker.py")
TANH = os.path.join(HERE, "bench_tanh.py")
CELL_NAMES = ("rnn", "gru", "lstm")
IMDB_VOCAB = 20_000
#: A case during which the rest of the machine used more cores than this is
#: flagged: on 2 cores, a thread barrier then waits for a descheduled thread.
BUSY = 0.3


def make_cases(cell, quick, only=None):
    """The default cases of one cell (see ``docs/benchmarks/engine.rst``)."""

    def case(kind, B, T, H, dtype="float32", vocab=0, init="ours"):
        return {
            "kind": kind,
            "cell": cell,
            "B": B,
            "T": T,
            "D": 32,
            "H": H,
            "dtype": dtype,
            "vocab": vocab,
            "init": init,
        }

    train = [case("train", 64, 100, H) for H in (64, 128, 256)]
    if not quick:
        train.append(case("train", 64, 100, 64, "float64"))
    train.append(case("train", 64, 200, 64, vocab=IMDB_VOCAB))
    if not quick:
        train.append(case("train", 64, 200, 64, vocab=IMDB_VOCAB, init="torch"))
    infer = [case("infer", 256, 100, H) for H in (64, 128)]
    if not quick:
        infer.append(case("infer", 256, 200, 64, vocab=IMDB_VOCAB))
    return {"train": train, "infer": infer, None: train + infer}[only]


# ----------------------------------------------------------------- workers
def busy_ticks():
    """Non-idle CPU ticks of the whole machine since boot (steal included), or None."""
    try:
        with open("/proc/stat") as f:
            values = [int(v) for v in f.readline().split()[1:]]
    except OSError:
        return None
    idle = values[3] + (values[4] if len(values) > 4 else 0)
    return sum(values) - idle


def children_cpu():
    """CPU seconds used by this process's finished children."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def other_cpu_now(seconds=1.0):
    """Cores the rest of the machine keeps busy now (sampled over ``seconds``)."""
    before = busy_ticks()
    if before is None:
        return 0.0
    time.sleep(seconds)
    return (busy_ticks() - before) / os.sysconf("SC_CLK_TCK") / seconds


def wait_until_quiet(args):
    """Wait (at most ``--wait-quiet`` seconds) until the others use < ``BUSY`` cores."""
    deadline = time.monotonic() + args.wait_quiet
    while time.monotonic() < deadline:
        if other_cpu_now() < BUSY:
            return
        time.sleep(4.0)


def run_worker(lib, cases, args):
    """Run one worker process; its JSON report plus the CPU the others used."""
    if args.wait_quiet:
        wait_until_quiet(args)
    command = [
        sys.executable,
        WORKER,
        "--lib",
        lib,
        "--threads",
        str(args.threads),
        "--repeat",
        str(args.repeat),
        "--warmup",
        str(args.warmup),
        "--torch-onednn",
        args.torch_onednn,
    ]
    for case in cases:
        command += ["--case", json.dumps(case)]
    busy, cpu, start = busy_ticks(), children_cpu(), time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, timeout=args.timeout)
    wall = time.perf_counter() - start
    own = children_cpu() - cpu
    lines = done.stdout.strip().splitlines()
    try:
        report = json.loads(lines[-1])
    except (IndexError, json.JSONDecodeError):
        print(
            f"worker failed ({lib}, exit {done.returncode}):\n{done.stderr[-3000:]}",
            file=sys.stderr,
        )
        return None
    if "error" in report:
        print(f"worker ({lib}): {report['error']}", file=sys.stderr)
        return None
    report["wall"] = wall
    if busy is not None:
        ticks = (busy_ticks() - busy) / os.sysconf("SC_CLK_TCK")
        report["other_cpu"] = max(0.0, ticks - own) / wall
    return report


def time_case(case, args):
    """Time one case: ours and torch in separate processes, ``rounds`` times."""
    libs = ["ours"] if args.no_torch else ["ours", "torch"]
    pooled = {lib: [] for lib in libs}
    other, envs, loads = [], {}, []
    for round_ in range(args.rounds):
        for lib in libs if round_ % 2 == 0 else libs[::-1]:
            report = run_worker(lib, [case], args)
            if report is None:
                return None
            result = report["results"][0]
            pooled[lib] += result["times"]
            envs[lib] = report
            other.append(report.get("other_cpu", 0.0))
            loads += [result["loadavg_before"], result["loadavg_after"]]
    walls = ", ".join(f"{lib} {env['wall']:.1f} s" for lib, env in envs.items())
    print(
        f"  done: {case['cell']} {case['kind']} {case_name(case)} ({walls}, other CPU "
        f"{max(other):.2f})",
        file=sys.stderr,
        flush=True,
    )
    return {
        "case": case,
        "stats": {lib: summarize(ts) for lib, ts in pooled.items()},
        "other_cpu": max(other),
        "loadavg": max(loads, key=lambda la: la or [0]),
        "envs": envs,
    }


def tanh_section(args):
    """The output of ``bench_tanh.py --quick`` (numpy's tanh on this CPU)."""
    done = subprocess.run(
        [sys.executable, TANH, "--quick", "--no-header"],
        capture_output=True,
        text=True,
        timeout=args.timeout,
    )
    return (
        done.stdout.strip()
        if done.returncode == 0
        else f"bench_tanh failed:\n{done.stderr}"
    )


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--quick",
        action="store_true",
        help="float32 cases only, one round, 7 repetitions",
    )
    parser.add_argument("--cell", choices=CELL_NAMES + ("all",), default="rnn")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument(
        "--repeat",
        type=int,
        default=None,
        help="timed repetitions per process (default 11, quick 7; >= 7)",
    )
    parser.add_argument("--warmup", type=int, default=3, help="untimed calls first")
    parser.add_argument(
        "--rounds",
        type=int,
        default=None,
        help="processes per (case, library) (default 2, quick 1)",
    )
    parser.add_argument("--only", choices=("train", "infer"), default=None)
    parser.add_argument("--no-torch", action="store_true", help="time ours only")
    parser.add_argument(
        "--no-check", action="store_true", help="skip the same-numbers check"
    )
    parser.add_argument(
        "--no-tanh", action="store_true", help="skip the np.tanh timings"
    )
    parser.add_argument(
        "--json", default=None, help="also write every result to this file"
    )
    parser.add_argument(
        "--wait-quiet",
        type=float,
        default=0.0,
        metavar="SECONDS",
        help="before each worker, wait up to SECONDS until the rest of "
        f"the machine uses less than {BUSY} core",
    )
    parser.add_argument(
        "--torch-onednn",
        choices=("on", "off"),
        default="on",
        help="torch's oneDNN kernels (on, torch's default: nn.LSTM runs oneDNN's "
        "fused LSTM; off: ATen's per-step kernel, as nn.RNN and nn.GRU always do)",
    )
    parser.add_argument(
        "--timeout",
        type=float,
        default=600.0,
        help="seconds before a worker is abandoned",
    )
    args = parser.parse_args(argv)
    args.argv = sys.argv[1:] if argv is None else list(argv)
    args.repeat = max(7, args.repeat or (7 if args.quick else 11))
    args.rounds = max(1, args.rounds or (1 if args.quick else 2))
    if not args.no_torch:
        try:
            import importlib.util

            args.no_torch = importlib.util.find_spec("torch") is None
        except ValueError:
            args.no_torch = True
        if args.no_torch:
            print(
                "torch is not installed (pip install torch==2.13.0): timing ours only",
                file=sys.stderr,
            )

    from sklearn_rnn.nn.cells import CELLS

    cells = CELL_NAMES if args.cell == "all" else (args.cell,)
    skipped = [cell for cell in cells if cell not in CELLS]
    for cell in skipped:
        print(
            f"skipping cell {cell!r}: sklearn_rnn.nn.cells.CELLS has only "
            f"{sorted(CELLS)}",
            file=sys.stderr,
        )
    cells = [cell for cell in cells if cell in CELLS]
    if not cells:
        return 1

    start_load = load_average()
    rows, checks = {}, {}
    for cell in cells:
        cases = make_cases(cell, args.quick, args.only)
        if not (args.no_torch or args.no_check):
            report = run_worker("check", cases, args)
            checks[cell] = (cases, report["results"] if report else None)
        rows[cell] = [row for row in (time_case(case, args) for case in cases) if row]
    if not any(rows.values()):
        print("no case ran", file=sys.stderr)
        return 1
    end_load = load_average()

    print("\n" + header_block(args, rows, start_load, end_load) + "\n")
    for cell, cell_rows in rows.items():
        for kind, title in (
            ("train", "Training step (forward, loss, backward, SGD)"),
            ("infer", "Inference (forward to probabilities)"),
        ):
            kind_rows = [row for row in cell_rows if row["case"]["kind"] == kind]
            if kind_rows:
                print(f"#### {cell}: {title}\n")
                print(timing_table(kind_rows, not args.no_torch) + "\n")
        if cell in checks:
            cases, results = checks[cell]
            print(f"#### {cell}: same weights, same numbers (ours vs torch)\n")
            print(
                (check_table(cases, results) if results else "check worker failed")
                + "\n"
            )
    for line in goal_lines(rows):
        print(line)
    busy = [
        row
        for cell_rows in rows.values()
        for row in cell_rows
        if row["other_cpu"] > BUSY
    ]
    if busy:
        print(
            f"- Caution: {len(busy)} case(s) ran while other processes used more than "
            f'{BUSY} core ("other CPU"): rerun them on a quieter machine '
            f"(--wait-quiet 300)."
        )
    for cell in skipped:
        print(f"- {cell}: skipped, not in sklearn_rnn.nn.cells.CELLS yet")
    if not args.no_tanh:
        print("\n" + tanh_section(args))
    if args.json:
        with open(args.json, "w") as f:
            json.dump({"args": vars(args), "rows": rows, "checks": checks}, f, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
