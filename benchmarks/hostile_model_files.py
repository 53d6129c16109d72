"""Time and memory of refusing hostile model files (each in its own process).

Writes a valid small model, then one tampered copy per case, and loads each
in a fresh Python process: the time ``load_model`` takes to raise, and the
peak resident memory above what the process held after importing
sklearn_rnn.

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

CASES = {
    "hidden_size 6000": ("params", {"hidden_size": 6000}),
    "hidden_size 1e7": ("params", {"hidden_size": 10**7}),
    "num_layers 1e8": ("params", {"num_layers": 10**8}),
    "vocab_size_ 1e12": ("scalars", {"vocab_size_": 10**12}),
    "nested JSON": ("raw-state", "[" * 100_000 + "]" * 100_000),
    "NaN weights": ("nan", None),
    "3 classes, binary type": ("scalars", {"_y_type": "binary"}),
    "extra 1.5 GiB zero entry": ("bomb", 1536),
}

PROBE = """
import resource, sys, time
import sklearn_rnn.persistence as persistence
base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
start = time.perf_counter()
try:
    persistence.load_model(sys.argv[1])
    outcome = "LOADED"
except ValueError as exc:
    outcome = "ValueError: " + str(exc).split(": ", 1)[1][:70]
seconds = time.perf_counter() - start
extra = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - base) / 1024
print(f"{seconds:.3f}\\t{extra:.1f}\\t{outcome}")
"""


def valid_model(folder):
    from sklearn_rnn import ScratchRNNClassifier

    rng = np.random.RandomState(0)
    ids = rng.randint(0, 40, size=(60, 10))
    path = os.path.join(folder, "valid.npz")
    ScratchRNNClassifier(
        embedding_dim=8, hidden_size=16, max_iter=2, random_state=0
    ).fit(ids, rng.choice(["a", "b", "c"], 60)).save(path)
    with np.load(path, allow_pickle=False) as archive:
        return {name: archive[name] for name in archive.files}


def tampered(arrays, kind, change, path):
    arrays = dict(arrays)
    if kind == "params":
        params = json.loads(str(arrays["params"]))
        arrays["params"] = np.array(json.dumps({**params, **change}))
    elif kind == "scalars":
        state = json.loads(str(arrays["state"]))
        state["scalars"].update(change)
        arrays["state"] = np.array(json.dumps(state))
    elif kind == "raw-state":
        arrays["state"] = np.array(change)
    elif kind == "nan":
        arrays["weight:1.SimpleRNN.kernel"] = (
            arrays["weight:1.SimpleRNN.kernel"] * np.nan
        )
    np.savez(path, **arrays)
    if kind == "bomb":
        block = bytes(2**20)
        with zipfile.ZipFile(path, "a", compression=zipfile.ZIP_DEFLATED) as archive:
            with archive.open("extra.npy", "w", force_zip64=True) as entry:
                for _ in range(change):
                    entry.write(block)


def main():
    warnings.simplefilter("ignore")
    with tempfile.TemporaryDirectory() as folder:
        arrays = valid_model(folder)
        print("case\tfile KB\tseconds\tMB above import\toutcome")
        for name, (kind, change) in CASES.items():
            path = os.path.join(folder, "case.npz")
            tampered(arrays, kind, change, path)
            result = subprocess.run(
                [sys.executable, "-c", PROBE, path],
                capture_output=True,
                text=True,
                check=True,
            ).stdout.strip()
            print(f"{name}\t{os.path.getsize(path) / 1024:.0f}\t{result}")


if __name__ == "__main__":
    main()
