"""Inference time: our ``predict_proba`` against onnxruntime running the
exported model, each library in its own process.

    python benchmarks/bench_onnx.py              # the table (a few minutes)
    python benchmarks/bench_onnx.py --threads 2

The driver fits each model once (2 epochs on random data: the weights'
values do not change the time), writes it as our model file and as ONNX
(``skl2onnx.to_onnx``, float32, no ZipMap), then runs one worker process per
library and case, one at a time: ``--lib ours`` loads the model file and
never imports onnx; ``--lib onnxruntime`` loads the ONNX file and never
imports sklearn_rnn.  Both read the same float32 batch (seeded), limited to
``--threads`` threads (threadpoolctl for our BLAS, ``intra_op_num_threads``
and ``inter_op_num_threads`` for onnxruntime).  After 3 warm-up calls, each
of ``--repeat`` repetitions times enough calls to last about 50 ms; the
table gives the median time per call and the ratio.
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time

import numpy as np

#: name -> (estimator settings, features per step)
MODELS = {
    "GRU 64": ({"hidden_size": 64}, 3),
    "LSTM 64 x2 bidirectional": (
        {"cell": "lstm", "hidden_size": 64, "num_layers": 2, "bidirectional": True},
        3,
    ),
    "GRU-FCN (GRU 64 + conv 128-256-128)": (
        {
            "hidden_size": 64,
            "conv_filters": (128, 256, 128),
            "conv_kernel_sizes": (8, 5, 3),
        },
        3,
    ),
}
#: (batch, time steps) of each case
SIZES = [(1, 100), (32, 100), (256, 100), (32, 500)]


def batch(size, steps, features):
    return np.random.RandomState(1).randn(size, steps, features).astype(np.float32)


def timed(call, repeat):
    for _ in range(3):
        call()
    start, calls = time.perf_counter(), 0
    while time.perf_counter() - start < 0.05:
        call()
        calls += 1
    per_call = max(1, calls)
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        for _ in range(per_call):
            call()
        times.append((time.perf_counter() - start) / per_call)
    return statistics.median(times)


def worker(args):
    X = batch(args.batch, args.steps, args.features)
    if args.lib == "ours":
        from threadpoolctl import threadpool_limits

        from sklearn_rnn.persistence import load_model

        threadpool_limits(args.threads)
        model = load_model(args.model)

        def call():
            return model.predict_proba(X)

        assert "onnxruntime" not in sys.modules
    else:
        import onnxruntime

        options = onnxruntime.SessionOptions()
        options.intra_op_num_threads = options.inter_op_num_threads = args.threads
        session = onnxruntime.InferenceSession(
            args.model, options, providers=["CPUExecutionProvider"]
        )

        def call():
            return session.run(None, {"X": X})

        assert "sklearn_rnn" not in sys.modules
    print(json.dumps({"seconds": timed(call, args.repeat)}))


def export(name, settings, features, folder):
    import skl2onnx

    import sklearn_rnn.onnx  # noqa: F401
    from sklearn_rnn import ScratchRNNClassifier

    X = batch(64, 100, features)
    clf = ScratchRNNClassifier(max_iter=2, random_state=0, **settings)
    clf.fit(X, X[:, :, 0].sum(1) > 0)
    stem = os.path.join(folder, name.split(" ")[0])
    clf.save(f"{stem}.npz")
    onx = skl2onnx.to_onnx(
        clf,
        initial_types=[
            ("X", skl2onnx.common.data_types.FloatTensorType([None, None, features]))
        ],
        options={"zipmap": False},
    )
    with open(f"{stem}.onnx", "wb") as file:
        file.write(onx.SerializeToString())
    return f"{stem}.npz", f"{stem}.onnx"


def run_worker(lib, model, size, steps, features, args):
    command = [
        sys.executable,
        __file__,
        "--worker",
        "--lib",
        lib,
        "--model",
        model,
        "--batch",
        str(size),
        "--steps",
        str(steps),
        "--features",
        str(features),
        "--threads",
        str(args.threads),
        "--repeat",
        str(args.repeat),
    ]
    output = subprocess.run(command, capture_output=True, text=True, check=True)
    return json.loads(output.stdout.strip().splitlines()[-1])["seconds"]


def cpu_name():
    try:
        lines = subprocess.run(["lscpu"], capture_output=True, text=True).stdout
    except OSError:
        return "unknown CPU"
    for line in lines.splitlines():
        if line.startswith("Model name:"):
            return line.split(":", 1)[1].strip()
    return "unknown CPU"


def main(args):
    print(f"CPU: {cpu_name()}, {os.cpu_count()} cores; {args.threads} thread(s)")
    print(
        "| model | batch x steps | ours (ms) | onnxruntime (ms) | ours / onnxruntime |"
    )
    print("| --- | --- | ---: | ---: | ---: |")
    with tempfile.TemporaryDirectory() as folder:
        for name, (settings, features) in MODELS.items():
            ours_file, onnx_file = export(name, settings, features, folder)
            for size, steps in SIZES:
                ours = run_worker("ours", ours_file, size, steps, features, args)
                ort = run_worker("onnxruntime", onnx_file, size, steps, features, args)
                print(
                    f"| {name} | {size} x {steps} | {ours * 1e3:.2f} | "
                    f"{ort * 1e3:.2f} | {ours / ort:.2f} |",
                    flush=True,
                )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--lib", choices=["ours", "onnxruntime"])
    parser.add_argument("--model")
    parser.add_argument("--batch", type=int)
    parser.add_argument("--steps", type=int)
    parser.add_argument("--features", type=int)
    arguments = parser.parse_args()
    (worker if arguments.worker else main)(arguments)
