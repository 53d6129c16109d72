"""Markdown output of ``bench_rnn.py``: the machine header and the tables."""

import datetime

from _bench_common import (
    cpu_model,
    fmt_load,
    machine_markdown,
    markdown_table,
    numpy_simd,
)
from _bench_models import case_name

#: (kind, B, T, D, H, dtype) of the inference goal: ours at most GOAL x torch.
INFERENCE_GOAL = (("infer", 256, 100, 32, 64, "float32"), 0.5)


def ms(seconds):
    """Seconds as milliseconds, two decimals."""
    return f"{seconds * 1e3:.2f}"


def timing_table(rows, have_torch):
    """The Markdown table of one kind of case (all rows of one cell)."""
    header = ["case", "ours ms", "ours seq/s"]
    if have_torch:
        header += ["torch ms", "torch seq/s", "ours/torch", "ours/torch (best)"]
    header += ["spread ours / torch" if have_torch else "spread", "other CPU", "load"]
    lines = []
    for row in rows:
        s, B = row["stats"], row["case"]["B"]
        line = [
            case_name(row["case"]),
            ms(s["ours"]["median"]),
            f"{B / s['ours']['median']:.0f}",
        ]
        spread = [f"{(st['q3'] - st['q1']) / st['median']:.0%}" for st in s.values()]
        if have_torch:
            t = s["torch"]
            line += [
                ms(t["median"]),
                f"{B / t['median']:.0f}",
                f"**{s['ours']['median'] / t['median']:.2f}**",
                f"{s['ours']['min'] / t['min']:.2f}",
            ]
        line += [
            " / ".join(spread),
            f"{row['other_cpu']:.2f}",
            fmt_load(row["loadavg"]),
        ]
        lines.append(line)
    return markdown_table(header, lines)


def check_table(cases, results):
    """The same-numbers table: both libraries from the same weights."""
    lines = []
    for case, r in zip(cases, results):
        tolerance = 1e-5 if case["dtype"] == "float32" else 1e-12
        ok = max(r["loss"], r["recurrent_kernel"]) <= tolerance
        lines.append(
            [
                f"{case['kind']} {case_name(case)}",
                f"{r['loss']:.1e}",
                f"{r['proba']:.1e}",
                f"{r['recurrent_kernel']:.1e}",
                f"{r['worst']:.1e} ({r['worst_name']})",
                "ok" if ok else f"**> {tolerance:g}**",
            ]
        )
    return markdown_table(
        [
            "case",
            "loss (rel.)",
            "proba (abs.)",
            "dL/d recurrent_kernel (rel.)",
            "worst gradient (rel.)",
            "agree",
        ],
        lines,
    )


def header_block(args, rows, start_load, end_load):
    """The machine description every set of tables starts with."""
    any_row = next(row for rows_of_cell in rows.values() for row in rows_of_cell)
    env = any_row["envs"]["ours"]["env"]
    extra = []
    torch_env = next(
        (
            row["envs"]["torch"].get("torch")
            for rows_of_cell in rows.values()
            for row in rows_of_cell
            if "torch" in row["envs"]
        ),
        None,
    )
    if torch_env:
        extra.append(
            f"torch {torch_env['version']}: {torch_env['num_threads']} intra-op "
            f"thread(s), {torch_env['num_interop_threads']} inter-op, "
            f"CPU kernels {torch_env['cpu_capability']}, oneDNN "
            f"{'on' if torch_env.get('onednn', True) else 'off'}"
        )
    else:
        extra.append("torch: not timed")
    extra.append(
        f"Threads: --threads {args.threads} in every worker; each library in "
        f"its own process, one at a time; median of {args.repeat} repetitions "
        f"x {args.rounds} round(s) after {args.warmup} warm-up call(s)"
    )
    extra.append(
        f"Load average (1, 5, 15 min): {fmt_triple(start_load)} at the start, "
        f"{fmt_triple(end_load)} at the end (the benchmark's own threads "
        f"count too: up to {args.threads})"
    )
    today = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    command = "python benchmarks/bench_rnn.py " + " ".join(args.argv)
    return f"`{command.strip()}`, {today}\n\n" + machine_markdown(
        cpu_model(), numpy_simd(), env, extra
    )


def fmt_triple(loadavg):
    """The three load averages, or ``"?"``."""
    return "?" if not loadavg else ", ".join(f"{x:.2f}" for x in loadavg)


def goal_lines(rows):
    """Pass/fail of the inference goal, where it was measured."""
    (kind, B, T, D, H, dtype), goal = INFERENCE_GOAL
    lines = []
    for cell, cell_rows in rows.items():
        for row in cell_rows:
            c, s = row["case"], row["stats"]
            if (
                (c["kind"], c["B"], c["T"], c["D"], c["H"], c["dtype"])
                == (kind, B, T, D, H, dtype)
                and not c["vocab"]
                and "torch" in s
            ):
                ratio = s["ours"]["median"] / s["torch"]["median"]
                verdict = "pass" if ratio <= goal else "FAIL"
                lines.append(
                    f"- {cell}: inference {case_name(c)} at most {goal}x torch: "
                    f"{ratio:.2f}x, {verdict}"
                )
    return lines
