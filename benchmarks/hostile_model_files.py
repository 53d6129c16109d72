"""Time and memory of refusing hostile model files (each in its own process).

Writes valid models (a small one, and one of about 2 MB whose size let the
old bound, the sum of the dense widths, pass far larger networks), then
one tampered copy per case, and loads each in a fresh Python process: the
time ``load_model`` takes to raise, the peak resident memory above what the
process held after importing sklearn_rnn, and the peak memory traced
(``tracemalloc``) during the load.  Files that are not files
(``/dev/zero``, a FIFO with no writer) are loaded as they are; a process
that does not finish in 30 s is reported as such.

The bit-flip sweep is one fresh process that flips one bit of every byte of
a tiny model file (one unit, 11 KB) in turn (bit ``offset % 8``) and loads
each copy: it
reports how many loaded (a flip in a field nothing checks, such as a
timestamp) or raised a ValueError, any other exception, the slowest load
and the process's peak memory above import.

Run: ``python benchmarks/hostile_model_files.py``
"""

import json
import os
import subprocess
import sys
import tempfile
import warnings
import zipfile

import numpy as np

# case: (base model, kind, change)
CASES = {
    "hidden_size 6000": ("small", "params", {"hidden_size": 6000}),
    "hidden_size 1e7": ("small", "params", {"hidden_size": 10**7}),
    "num_layers 1e8": ("small", "params", {"num_layers": 10**8}),
    "dense_layers [20000, 20000]": (
        "large",
        "params",
        {"dense_layers": [20_000, 20_000]},
    ),
    "dense_layers [40000, 40000]": (
        "large",
        "params",
        {"dense_layers": [40_000, 40_000]},
    ),
    "LSTM 1200 x 3 layers, bidirectional": (
        "large",
        "params",
        {"hidden_size": 1200, "cell": "lstm", "bidirectional": True, "num_layers": 3},
    ),
    "vocab_size_ 1e12": ("small", "scalars", {"vocab_size_": 10**12}),
    "optimizer iterations 10**400": ("small", "iterations", 10**400),
    "n_iter_ 2**63": ("small", "scalars", {"n_iter_": 2**63}),
    "nested JSON": ("small", "raw-state", "[" * 100_000 + "]" * 100_000),
    "NaN weights": ("small", "nan", None),
    "3 classes, binary type": ("small", "scalars", {"_y_type": "binary"}),
    "extra 1.5 GiB zero entry": ("small", "bomb", 1536),
    "200,000 empty entries": ("small", "entries", 200_000),
    "/dev/zero": (None, "path", "/dev/zero"),
    "FIFO without writer": (None, "fifo", None),
}

PROBE = """
import resource, sys, time, tracemalloc
import sklearn_rnn.persistence as persistence
base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
tracemalloc.start()
start = time.perf_counter()
try:
    persistence.load_model(sys.argv[1])
    outcome = "LOADED"
except ValueError as exc:
    outcome = "ValueError: " + str(exc).split(": ", 1)[1][:70]
except Exception as exc:
    outcome = type(exc).__name__ + ": " + str(exc)[:70]
seconds = time.perf_counter() - start
traced = tracemalloc.get_traced_memory()[1] / 2**20
extra = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - base) / 1024
print(f"{seconds:.3f}\\t{extra:.1f}\\t{traced:.2f}\\t{outcome}")
"""

SWEEP = """
import collections, resource, sys, time
import sklearn_rnn.persistence as persistence
data = open(sys.argv[1], "rb").read()
base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
outcomes, slowest = collections.Counter(), 0.0
for offset in range(len(data)):
    flipped = bytearray(data)
    flipped[offset] ^= 1 << (offset % 8)
    with open(sys.argv[2], "wb") as file:
        file.write(flipped)
    start = time.perf_counter()
    try:
        persistence.load_model(sys.argv[2])
        outcomes["loaded"] += 1
    except ValueError:
        outcomes["ValueError"] += 1
    except Exception as exc:
        outcomes[type(exc).__name__] += 1
    slowest = max(slowest, time.perf_counter() - start)
extra = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - base) / 1024
summary = ", ".join(f"{count} {name}" for name, count in sorted(outcomes.items()))
print(f"{slowest:.3f}\\t{extra:.1f}\\t-\\t{summary} (slowest load)")
"""


def valid_models(folder):
    """The arrays of a small valid model file and of a larger one."""
    from sklearn_rnn import ScratchRNNClassifier

    rng = np.random.RandomState(0)
    ids = rng.randint(0, 40, size=(60, 10))
    labels = rng.choice(["a", "b", "c"], 60)
    models = {}
    for name, vocab_size, hidden_size in (
        ("small", None, 16),
        ("large", 25_000, 16),
        ("tiny", None, 1),
    ):
        path = os.path.join(folder, f"{name}.npz")
        ScratchRNNClassifier(
            embedding_dim=hidden_size if name == "tiny" else 8,
            vocab_size=vocab_size,
            hidden_size=hidden_size,
            max_iter=2,
            random_state=0,
            **({"cell": "rnn", "solver": "sgd"} if name == "tiny" else {}),
        ).fit(ids % 6 if name == "tiny" else ids, labels).save(path)
        with np.load(path, allow_pickle=False) as archive:
            models[name] = {key: archive[key] for key in archive.files}
    return models


def _edit_json(arrays, key, edit):
    document = json.loads(str(arrays[key]))
    edit(document)
    arrays[key] = np.array(json.dumps(document))


def tampered(arrays, kind, change, path):
    """Write the tampered copy of ``arrays`` for one case to ``path``."""
    arrays = dict(arrays)
    if kind == "params":
        _edit_json(arrays, "params", lambda params: params.update(change))
    elif kind == "scalars":
        _edit_json(arrays, "state", lambda state: state["scalars"].update(change))
    elif kind == "iterations":
        _edit_json(
            arrays, "state", lambda state: state["optimizer"].update(iterations=change)
        )
    elif kind == "raw-state":
        arrays["state"] = np.array(change)
    elif kind == "nan":
        arrays["weight:rnn.0.kernel"] = arrays["weight:rnn.0.kernel"] * np.nan
    np.savez(path, **arrays)
    if kind == "bomb":
        block = bytes(2**20)
        with zipfile.ZipFile(path, "a", compression=zipfile.ZIP_DEFLATED) as archive:
            with archive.open("extra.npy", "w", force_zip64=True) as entry:
                for _ in range(change):
                    entry.write(block)
    elif kind == "entries":
        with zipfile.ZipFile(path, "w") as archive:
            for i in range(change):
                archive.writestr(str(i), b"")


def probe(script, *args, timeout=30):
    try:
        return subprocess.run(
            [sys.executable, "-c", script, *args],
            capture_output=True,
            text=True,
            check=True,
            timeout=timeout,
        ).stdout.strip()
    except subprocess.TimeoutExpired:
        return f">{timeout}\t-\t-\tdid not finish (killed after {timeout} s)"


def main():
    warnings.simplefilter("ignore")
    with tempfile.TemporaryDirectory() as folder:
        models = valid_models(folder)
        print("case\tfile KB\tseconds\tRSS MB above import\ttraced MB\toutcome")
        for name, (model, kind, change) in CASES.items():
            path = os.path.join(folder, "case.npz")
            if kind == "path":
                path = change
            elif kind == "fifo":
                path = os.path.join(folder, "fifo.npz")
                os.mkfifo(path)
            else:
                tampered(models[model], kind, change, path)
            size = os.path.getsize(path) / 1024 if os.path.isfile(path) else 0
            print(f"{name}\t{size:.0f}\t{probe(PROBE, path)}")
        tiny = os.path.join(folder, "tiny.npz")
        flipped = os.path.join(folder, "flipped.npz")
        size = os.path.getsize(tiny)
        result = probe(SWEEP, tiny, flipped, timeout=900)
        print(f"one bit flipped, at each of {size} bytes\t{size / 1024:.0f}\t{result}")


if __name__ == "__main__":
    main()
