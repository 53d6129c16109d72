"""Time the NumPy engine against PyTorch, and one estimator epoch against bare engine steps.

Usage::

    python benchmarks/bench_rnn.py [--quick] [--repeat N] [--threads 2] [--no-torch]

Every comparison runs in this one process, interleaved (ours, torch, sgemm,
ours, torch, sgemm, ...) after a warm-up, and reports the median of the
repetitions, so that a noisy shared machine slows both sides alike.

- Training step: forward, loss, backward and one SGD update of
  ``SimpleRNN(tanh) -> last state -> Dense(2)`` with softmax cross-entropy;
  torch runs ``nn.RNN(tanh, batch_first=True) + nn.Linear`` with
  ``torch.optim.SGD`` (``zero_grad`` included).  Both models start from the
  same weights (ours, copied into torch), read the same batch (time-major for
  us, batch-major for torch) and compute the same numbers.
- Inference: the forward pass to class probabilities (torch under ``no_grad``).
- Threads: torch uses ``torch.set_num_threads(threads)``; ours runs under the
  thread policy of ``ScratchRNNClassifier`` (its ``_blas_limits`` for that
  batch) inside a process-wide BLAS limit of ``threads``.
- GFLOP/s: forward ``2*B*T*(D*H + H*H)`` flops, a training step three times
  that (backward ~ twice the forward); "sgemm" is a 1024 x 1024 float32
  matmul on ``threads`` BLAS threads, timed in the same rounds.
- Epoch: ``ScratchRNNClassifier.partial_fit`` over ``n_batches`` batches of
  64 (one epoch) against the bare engine steps (``loss_and_gradients`` +
  optimizer step) on the same batches, already time-major.

torch is optional: without it only our figures are printed.
"""

import argparse
import copy
import os
import platform
import statistics
import sys
import time

import numpy as np
from threadpoolctl import threadpool_info, threadpool_limits

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))

from sklearn_rnn import ScratchRNNClassifier  # noqa: E402
from sklearn_rnn.nn.builder import build_network  # noqa: E402
from sklearn_rnn.nn.losses import SoftmaxCrossEntropy  # noqa: E402
from sklearn_rnn.nn.optimizers import SGD  # noqa: E402

try:
    import torch
except ImportError:  # torch is optional
    torch = None

LEARNING_RATE = 0.01
N_CLASSES = 2

#: name, batch B, steps T, features D (embedding width with a vocabulary), H, dtype,
#: vocabulary, initial weights ("ours": the engine's initializers, "torch":
#: torch's default initialization; both models start from the same weights).
CASES = [
    ("B64 T100 D32 H64 f32", 64, 100, 32, 64, "float32", None, "ours"),
    ("B64 T100 D32 H128 f32", 64, 100, 32, 128, "float32", None, "ours"),
    ("B64 T100 D32 H64 f64", 64, 100, 32, 64, "float64", None, "ours"),
    ("B64 T100 D32 H128 f64", 64, 100, 32, 128, "float64", None, "ours"),
    ("IMDB-like B64 T200 emb10kx32 H64 f32, torch init", 64, 200, 32, 64, "float32", 10_000,
     "torch"),
    ("IMDB-like B64 T200 emb10kx32 H64 f32, our init", 64, 200, 32, 64, "float32", 10_000,
     "ours"),
]
TARGET_CASES = {"step": 0, "imdb": 4, "h128": 1}


# ----------------------------------------------------------------- timing
def interleaved(functions, repeat, warmup, inner):
    """Median seconds per call of each function, timed in alternation.

    Each repetition runs every function ``inner`` times in turn (A A B B ...,
    then the next repetition), after ``warmup`` untimed rounds.
    """
    for _ in range(warmup):
        for fn in functions.values():
            fn()
    times = {name: [] for name in functions}
    for _ in range(repeat):
        for name, fn in functions.items():
            start = time.perf_counter()
            for _ in range(inner):
                fn()
            times[name].append((time.perf_counter() - start) / inner)
    return {name: statistics.median(ts) for name, ts in times.items()}


def sgemm_function():
    rng = np.random.RandomState(0)
    a = rng.rand(1024, 1024).astype(np.float32)
    out = np.empty_like(a)
    return lambda: np.matmul(a, a, out=out)


SGEMM_FLOPS = 2 * 1024**3


# ----------------------------------------------------------------- models
def make_batch(B, T, D, vocab, dtype, seed=0):
    """Batch-major inputs (B, T, D) floats or (B, T) ids in [1, vocab), labels (B,)."""
    rng = np.random.RandomState(seed)
    if vocab:
        x = rng.randint(1, vocab, size=(B, T))
    else:
        x = rng.randn(B, T, D).astype(dtype)
    return x, rng.randint(0, N_CLASSES, size=B)


def ours(B, T, D, H, dtype, vocab, init="ours"):
    """Our network, its SGD, and the train/inference callables on one batch."""
    kwargs = dict(vocab_size=vocab, embedding_dim=D) if vocab else {}
    net = build_network(D, N_CLASSES, SoftmaxCrossEntropy(), hidden_size=H,
                        rng=np.random.RandomState(0), dtype=np.dtype(dtype).type, **kwargs)
    if init == "torch":
        copy_weights(net, torch_module(D, H, dtype, vocab), vocab, to_torch=False)
    optimizer = SGD(net.params, learning_rate=LEARNING_RATE)
    x, y = make_batch(B, T, D, vocab, dtype)
    x_time_major = np.ascontiguousarray(np.swapaxes(x, 0, 1))
    weights = np.ones(B)

    def train():
        net.loss_and_gradients(x_time_major, y, weights)
        optimizer.step(net.grads)

    def infer():
        return net.predict(x_time_major)

    return net, train, infer


def torch_module(D, H, dtype, vocab):
    """``[nn.Embedding] -> nn.RNN(tanh) -> last state -> nn.Linear``, default init."""

    class Model(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.embedding = torch.nn.Embedding(vocab, D) if vocab else None
            self.rnn = torch.nn.RNN(D, H, nonlinearity="tanh", batch_first=True)
            self.linear = torch.nn.Linear(H, N_CLASSES)

        def forward(self, x):
            if self.embedding is not None:
                x = self.embedding(x)
            states, _ = self.rnn(x)
            return self.linear(states[:, -1])

    torch.manual_seed(0)
    return Model().to(getattr(torch, dtype))


def our_layers(net, vocab):
    """(embedding or None, SimpleRNN, output Dense) of a network from ``ours``."""
    layers = net.layers
    return (layers[0] if vocab else None), layers[1 if vocab else 0], layers[-1]


def copy_weights(net, model, vocab, to_torch):
    """Copy the weights between our network and the torch model, either way."""
    embedding, rnn, dense = our_layers(net, vocab)
    pairs = [(rnn.Wx, model.rnn.weight_ih_l0, True), (rnn.Wh, model.rnn.weight_hh_l0, True),
             (dense.W, model.linear.weight, True), (dense.b, model.linear.bias, False)]
    if vocab:
        pairs.append((embedding.W, model.embedding.weight, False))
    with torch.no_grad():
        for ours_array, theirs, transposed in pairs:
            if to_torch:
                theirs.copy_(torch.from_numpy(np.ascontiguousarray(
                    ours_array.T if transposed else ours_array)))
            else:
                value = theirs.numpy()
                ours_array[...] = value.T if transposed else value
        # torch has two biases, ours one: b = b_ih + b_hh.
        if to_torch:
            model.rnn.bias_ih_l0.copy_(torch.from_numpy(rnn.b))
            model.rnn.bias_hh_l0.zero_()
        else:
            rnn.b[...] = (model.rnn.bias_ih_l0 + model.rnn.bias_hh_l0).numpy()


def torch_model(net, B, T, D, H, dtype, vocab):
    """The same model in torch, starting from our network's weights."""
    model = torch_module(D, H, dtype, vocab)
    copy_weights(net, model, vocab, to_torch=True)
    optimizer = torch.optim.SGD(model.parameters(), lr=LEARNING_RATE)
    x, y = make_batch(B, T, D, vocab, dtype)
    x, y = torch.from_numpy(x), torch.from_numpy(y)
    loss_fn = torch.nn.CrossEntropyLoss()

    def train():
        optimizer.zero_grad()
        loss_fn(model(x), y).backward()
        optimizer.step()

    def infer():
        with torch.no_grad():
            return torch.softmax(model(x), dim=-1)

    return model, train, infer


def check_same_numbers(B, T, D, H, dtype, vocab, init):
    """Both models from the same weights: same loss and same weight gradients."""
    net, _, _ = ours(B, T, D, H, dtype, vocab, init)
    model, _, _ = torch_model(net, B, T, D, H, dtype, vocab)
    x, y = make_batch(B, T, D, vocab, dtype)
    loss = net.loss_and_gradients(np.ascontiguousarray(np.swapaxes(x, 0, 1)), y, np.ones(B))
    t_loss = torch.nn.CrossEntropyLoss()(model(torch.from_numpy(x)), torch.from_numpy(y))
    t_loss.backward()
    rnn = our_layers(net, vocab)[1]
    ours_dwh, torch_dwh = rnn.grads[1], model.rnn.weight_hh_l0.grad.numpy().T
    scale = np.abs(torch_dwh).max()
    return abs(loss - t_loss.item()), float(np.abs(ours_dwh - torch_dwh).max() / scale)


# ----------------------------------------------------------------- reports
def forward_flops(B, T, D, H):
    return 2 * B * T * (D * H + H * H)


def estimator_policy(B, H):
    """The BLAS thread limits ScratchRNNClassifier applies to this batch."""
    return ScratchRNNClassifier(hidden_size=H, batch_size=B)._blas_limits(B)


def run_cases(args, cases, have_torch):
    rows = []
    for name, B, T, D, H, dtype, vocab, init in cases:
        net, our_train, our_infer = ours(B, T, D, H, dtype, vocab, init)
        funcs = {"ours": our_train}
        inference = {"ours": our_infer}
        if have_torch:
            _, torch_train, torch_infer = torch_model(net, B, T, D, H, dtype, vocab)
            funcs["torch"] = torch_train
            inference["torch"] = torch_infer
        funcs["sgemm"] = sgemm_function()
        with estimator_policy(B, H):
            train = interleaved(funcs, args.repeat, args.warmup, args.inner)
            infer = interleaved(inference, args.repeat, args.warmup, args.inner)
        flops = forward_flops(B, T, D, H)
        rows.append(dict(name=name, B=B, train=train, infer=infer, train_flops=3 * flops,
                         infer_flops=flops))
        print(f"  done: {name}", file=sys.stderr, flush=True)
    return rows


def run_epoch_case(args):
    """One estimator epoch (partial_fit) against the bare engine steps on the same batches."""
    B, T, D, H, n_batches = 64, 100, 32, 64, args.epoch_batches
    rng = np.random.RandomState(1)
    X = rng.randn(B * n_batches, T, D).astype(np.float32)
    y = rng.randint(0, 2, size=B * n_batches)
    est = ScratchRNNClassifier(hidden_size=H, batch_size=B, solver="sgd",
                               learning_rate_init=LEARNING_RATE, random_state=0)
    est.partial_fit(X, y, classes=[0, 1])          # builds the network
    net = copy.deepcopy(est.network_)
    optimizer = SGD(net.params, learning_rate=LEARNING_RATE)
    batches = []
    for start in range(0, len(X), B):
        xb = np.ascontiguousarray(np.swapaxes(X[start:start + B], 0, 1))
        target = y[start:start + B, None].astype(np.float32)
        batches.append((xb, target, np.ones(B)))

    def bare_steps():
        for xb, target, weights in batches:
            net.loss_and_gradients(xb, target, weights)
            optimizer.step(net.grads)

    def estimator_epoch():
        est.partial_fit(X, y)

    with est._blas_limits(len(X)):     # partial_fit applies the same limits itself
        times = interleaved({"estimator": estimator_epoch, "bare": bare_steps},
                            args.epoch_repeat, 1, 1)
    return dict(n_batches=n_batches, B=B, T=T, D=D, H=H, **times)


def blas_description():
    for info in threadpool_info():
        if info["user_api"] == "blas":
            return f"{info['internal_api']} {info['version']} ({info.get('architecture', '?')})"
    return "unknown BLAS"


def cpu_description():
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown CPU"


def fmt_ms(seconds):
    return f"{seconds * 1e3:.2f}"


def print_tables(args, rows, epoch, have_torch, checks):
    print(f"\nMachine: {cpu_description()}, {os.cpu_count()} logical CPUs; "
          f"numpy {np.__version__}, {blas_description()}; "
          f"torch {torch.__version__ if have_torch else '(not installed)'}; "
          f"python {platform.python_version()}")
    print(f"Threads: {args.threads}; median of {args.repeat} interleaved repetitions "
          f"of {args.inner} call(s) after {args.warmup} warm-up round(s).\n")
    for title, key, flops_key in (("Training step", "train", "train_flops"),
                                  ("Inference (forward to probabilities)", "infer", "infer_flops")):
        print(f"{title}\n")
        header = "| case | ours ms | seq/s |"
        rule = "| --- | ---: | ---: |"
        if have_torch:
            header += " torch ms | torch seq/s | ours/torch |"
            rule += " ---: | ---: | ---: |"
        header += " ours GFLOP/s |"
        rule += " ---: |"
        if have_torch:
            header += " torch GFLOP/s |"
            rule += " ---: |"
        if key == "train":
            header += " sgemm GFLOP/s | ours/sgemm |"
            rule += " ---: | ---: |"
        print(header)
        print(rule)
        for row in rows:
            t = row[key]
            gflops = row[flops_key] / t["ours"] / 1e9
            line = f"| {row['name']} | {fmt_ms(t['ours'])} | {row['B'] / t['ours']:.0f} |"
            if have_torch:
                line += (f" {fmt_ms(t['torch'])} | {row['B'] / t['torch']:.0f} |"
                         f" {t['ours'] / t['torch']:.2f} |")
            line += f" {gflops:.1f} |"
            if have_torch:
                line += f" {row[flops_key] / t['torch'] / 1e9:.1f} |"
            if key == "train":
                sgemm = SGEMM_FLOPS / row["train"]["sgemm"] / 1e9
                line += f" {sgemm:.1f} | {gflops / sgemm:.0%} |"
            print(line)
        print()
    if epoch is not None:
        e = epoch
        print(f"Estimator epoch: partial_fit over {e['n_batches']} batches of {e['B']} "
              f"(T={e['T']}, D={e['D']}, H={e['H']}, float32, solver='sgd')\n")
        print("| what | ms | ratio |")
        print("| --- | ---: | ---: |")
        print(f"| bare engine steps | {fmt_ms(e['bare'])} | 1.00 |")
        print(f"| ScratchRNNClassifier.partial_fit | {fmt_ms(e['estimator'])} | "
              f"{e['estimator'] / e['bare']:.2f} |")
        print()
    if checks:
        print("Same numbers (loss difference, max relative difference of dL/dWh):")
        for name, (dloss, dgrad) in checks.items():
            print(f"  {name}: {dloss:.1e}, {dgrad:.1e}")
        print()
    print_targets(rows, epoch, have_torch)


def print_targets(rows, epoch, have_torch):
    by_name = {row["name"]: row for row in rows}
    results = []

    def ratio(name):
        t = by_name[name]["train"]
        return t["ours"] / t["torch"]

    step, imdb, h128 = (CASES[TARGET_CASES[key]][0] for key in ("step", "imdb", "h128"))
    if have_torch and step in by_name:
        r = ratio(step)
        results.append(("train step B64 T100 D32 H64 f32 <= 0.45x torch", f"{r:.2f}x", r <= 0.45))
    if have_torch and imdb in by_name:
        r = ratio(imdb)
        results.append(("IMDB-like train step (torch init) <= 0.25x torch", f"{r:.2f}x", r <= 0.25))
    other = CASES[5][0]
    if have_torch and other in by_name:
        r = ratio(other)
        results.append(("(IMDB-like train step, our init: no target)", f"{r:.2f}x", r <= 0.25))
    if epoch is not None:
        r = epoch["estimator"] / epoch["bare"]
        results.append(("estimator epoch <= 1.15x bare engine steps", f"{r:.2f}x", r <= 1.15))
    if h128 in by_name:
        row = by_name[h128]
        share = (row["train_flops"] / row["train"]["ours"]) / (SGEMM_FLOPS / row["train"]["sgemm"])
        results.append(("H128 f32 training >= 50% of sgemm GFLOP/s", f"{share:.0%}", share >= 0.5))
    print("Targets\n")
    print("| target | measured | |")
    print("| --- | ---: | --- |")
    for what, value, ok in results:
        print(f"| {what} | {value} | {'pass' if ok else 'FAIL'} |")
    if have_torch and torch.get_num_threads() > 1:
        print("\nCaution: with more than one thread, the two libraries' thread pools spin-wait "
              "and slow each other when interleaved in one process (torch most): judge the "
              "ratios against separate-process runs (see benchmarks/README.md).")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true",
                        help="fewer repetitions, float32 cases only, a shorter epoch")
    parser.add_argument("--repeat", type=int, default=None,
                        help="timed repetitions per measurement (default 11, quick 7)")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--no-torch", action="store_true", help="our figures only")
    parser.add_argument("--cases", default=None,
                        help="comma-separated case numbers to run (1-based), default all")
    parser.add_argument("--no-epoch", action="store_true", help="skip the estimator epoch")
    args = parser.parse_args(argv)
    args.repeat = args.repeat or (7 if args.quick else 11)
    args.repeat = max(args.repeat, 7)
    args.warmup = 2
    args.inner = 1 if args.quick else 2
    args.epoch_batches = 20
    args.epoch_repeat = args.repeat
    cases = CASES
    if args.cases:
        cases = [CASES[int(i) - 1] for i in args.cases.split(",")]
    elif args.quick:
        cases = [case for case in CASES if case[5] == "float32"]
    have_torch = torch is not None and not args.no_torch
    if have_torch:
        torch.set_num_threads(args.threads)
    checks = {}
    with threadpool_limits(args.threads, user_api="blas"):
        if have_torch:
            for name, B, T, D, H, dtype, vocab, init in cases:
                checks[name] = check_same_numbers(B, T, D, H, dtype, vocab, init)
        rows = run_cases(args, cases, have_torch)
        epoch = None if args.no_epoch else run_epoch_case(args)
    print_tables(args, rows, epoch, have_torch, checks)


if __name__ == "__main__":
    main()
