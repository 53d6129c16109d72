"""Helpers shared by the benchmark scripts: timing, machine description, Markdown.

Nothing here imports torch: the worker timing our engine must not load it.
"""

import os
import platform
import statistics
import time

import numpy as np

#: Environment variables that change what OpenBLAS does; recorded when set.
BLAS_ENV_VARS = (
    "OPENBLAS_CORETYPE",
    "OPENBLAS_L2_SIZE",
    "OPENBLAS_NUM_THREADS",
    "OMP_NUM_THREADS",
    "MKL_NUM_THREADS",
)


def time_calls(fn, repeat, warmup, min_seconds=0.03, max_inner=50):
    """Median seconds per call of ``fn`` over ``repeat`` timed repetitions.

    Parameters
    ----------
    fn : callable
        Called without arguments.
    repeat : int
        Timed repetitions (the median is over these).
    warmup : int
        Untimed calls first.
    min_seconds : float, default=0.03
        Each repetition calls ``fn`` enough times (``inner``, at most
        ``max_inner``) to last about this long, so that fast calls are not
        timed one by one.
    max_inner : int, default=50

    Returns
    -------
    dict
        ``median``, ``min``, ``q1``, ``q3`` (seconds per call), ``times``
        (every repetition's seconds per call) and ``inner``.
    """
    for _ in range(warmup):
        fn()
    start = time.perf_counter()
    fn()
    one = max(time.perf_counter() - start, 1e-9)
    inner = int(min(max_inner, max(1, min_seconds // one)))
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        for _ in range(inner):
            fn()
        times.append((time.perf_counter() - start) / inner)
    return summarize(times) | {"inner": inner}


def summarize(times):
    """Median, min and quartiles of a list of seconds (see :func:`time_calls`)."""
    q1, _, q3 = statistics.quantiles(times, n=4) if len(times) > 1 else times * 3
    return {
        "median": statistics.median(times),
        "min": min(times),
        "q1": q1,
        "q3": q3,
        "times": list(times),
    }


def load_average():
    """The 1-, 5- and 15-minute load averages (None where unavailable)."""
    try:
        return list(os.getloadavg())
    except OSError:
        return None


def cpu_model():
    """CPU model name, family/model/stepping and SIMD flags, from /proc/cpuinfo."""
    fields = {}
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if not line.strip():
                    break  # the first processor is enough
                key, _, value = line.partition(":")
                fields.setdefault(key.strip(), value.strip())
    except OSError:
        pass
    out = {"model name": fields.get("model name", platform.processor() or "unknown")}
    out.update(
        {
            key: fields[key]
            for key in ("cpu family", "model", "stepping")
            if key in fields
        }
    )
    out["caches"] = cache_sizes()
    out["virtual machine"] = "hypervisor" in fields.get("flags", "").split()
    out["simd flags"] = sorted(
        flag
        for flag in fields.get("flags", "").split()
        if flag.startswith(("avx", "fma", "f16c"))
    )
    return out


def cache_sizes():
    """``"L1d 32K, L2 512K, L3 32768K"`` for CPU 0, from /sys (empty if unknown)."""
    root = "/sys/devices/system/cpu/cpu0/cache"
    sizes = []
    try:
        for index in sorted(os.listdir(root)):
            path = os.path.join(root, index)

            def read(name, path=path):
                with open(os.path.join(path, name)) as f:
                    return f.read().strip()

            if read("type") != "Instruction":
                kind = "d" if read("type") == "Data" else ""
                sizes.append(f"L{read('level')}{kind} {read('size')}")
    except OSError:
        pass
    return ", ".join(sizes)


def numpy_simd():
    """numpy's build baseline, dispatch targets and the AVX features active here."""
    try:
        from numpy._core import _multiarray_umath as umath
    except ImportError:  # numpy < 2
        from numpy.core import _multiarray_umath as umath
    features = getattr(umath, "__cpu_features__", {})
    active = [
        name for name, on in features.items() if on and name.startswith(("AVX", "FMA"))
    ]
    missing = [
        name
        for name, on in features.items()
        if not on and name.startswith(("AVX2", "AVX512"))
    ]
    return {
        "baseline": list(getattr(umath, "__cpu_baseline__", [])),
        "dispatch": list(getattr(umath, "__cpu_dispatch__", [])),
        "active": active,
        "not active": missing,
    }


def blas_info():
    """threadpoolctl's view of the BLAS numpy uses, as currently limited."""
    from threadpoolctl import threadpool_info

    keys = ("internal_api", "version", "architecture", "threading_layer", "num_threads")
    found = []
    for info in threadpool_info():
        if info["user_api"] == "blas":
            # e.g. .../numpy.libs/libscipy_openblas64_...so: numpy's own copy
            owner = os.path.basename(os.path.dirname(info.get("filepath", "")))
            found.append(
                {key: info.get(key) for key in keys}
                | {"owner": owner.removesuffix(".libs")}
            )
    return found


def environment():
    """What a worker reports about itself: versions, BLAS, threads, load."""
    env = {
        "python": platform.python_version(),
        "numpy": np.__version__,
        "blas": blas_info(),
        "loadavg": load_average(),
        "env": {name: os.environ[name] for name in BLAS_ENV_VARS if name in os.environ},
    }
    return env


def machine_markdown(cpu, simd, env, extra=()):
    """A Markdown bullet list describing the machine (for every table's header).

    Parameters
    ----------
    cpu : dict
        From :func:`cpu_model`.
    simd : dict
        From :func:`numpy_simd`.
    env : dict
        From :func:`environment` (of the worker running our engine).
    extra : sequence of str
        More bullet lines (torch, threads, load...).

    Returns
    -------
    str
    """
    blas = (
        "; ".join(
            f"{b['owner']}'s {b['internal_api']} {b['version']} "
            f"({b['architecture']} kernels, {b['threading_layer']}), "
            f"{b['num_threads']} thread(s)"
            for b in env["blas"]
        )
        or "none found"
    )
    family = ", ".join(
        f"{key} {cpu[key]}" for key in ("cpu family", "model", "stepping") if key in cpu
    )
    avx512 = [name for name in simd["active"] if name.startswith("AVX512")]
    lines = [
        f"CPU: {cpu['model name']} ({family}), {os.cpu_count()} logical CPUs"
        f"{' (virtual machine)' if cpu.get('virtual machine') else ''}; "
        f"caches {cpu.get('caches') or '?'}; "
        f"flags: {' '.join(cpu['simd flags']) or '?'}",
        f"numpy {env['numpy']}: SIMD active {', '.join(simd['active']) or 'none'} "
        f"(AVX512: {', '.join(avx512) or 'none'}); "
        f"baseline {' '.join(simd['baseline'])}, "
        f"dispatch {' '.join(simd['dispatch'])}",
        f"BLAS (threadpoolctl): {blas}",
        f"Python {env['python']}",
        "Environment: "
        + (
            ", ".join(f"{k}={v}" for k, v in env["env"].items())
            or "OPENBLAS_CORETYPE, OPENBLAS_L2_SIZE not set"
        ),
        *extra,
    ]
    return "\n".join(f"- {line}" for line in lines)


def markdown_table(header, rows, align=None):
    """A Markdown table; ``align``: "l" or "r" per column (default: first left)."""
    align = align or ["l"] + ["r"] * (len(header) - 1)
    rule = ["---" if a == "l" else "---:" for a in align]
    lines = [header, rule, *rows]
    return "\n".join(
        "| " + " | ".join(str(cell) for cell in line) + " |" for line in lines
    )


def fmt_load(loadavg):
    """``"1.23"`` for the 1-minute load average, ``"?"`` if unknown."""
    return "?" if not loadavg else f"{loadavg[0]:.2f}"
