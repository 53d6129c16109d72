"""The benchmarked models: ours and PyTorch's, built from the same weights.

A *case* is a dict with keys ``kind`` ("train" or "infer"), ``cell`` ("rnn",
"gru", "lstm"), ``B``, ``T``, ``D`` (features, or the embedding width when
``vocab`` is set), ``H``, ``dtype`` ("float32"/"float64"), ``vocab`` (0: no
embedding) and ``init`` ("ours": both start from the engine's initializers;
"torch": both start from torch's default initialization).

Our network is ``[Embedding] -> Recurrent(cell) -> last state -> Dense(2)``
with softmax cross-entropy and plain SGD; torch's is ``[nn.Embedding] ->
nn.RNN/nn.GRU/nn.LSTM(batch_first=True) -> last state -> nn.Linear`` with
``CrossEntropyLoss`` and ``torch.optim.SGD``.  Weights are copied between
them: ``kernel = weight_ih_l0.T``, ``recurrent_kernel = weight_hh_l0.T``,
``bias = bias_ih_l0 (+ bias_hh_l0)``, and for GRU ``recurrent_bias =
bias_hh_l0``.  torch is imported only by the functions that need it.
"""

import numpy as np

from sklearn_rnn.nn.builder import build_network
from sklearn_rnn.nn.layers import Dense, Embedding, Recurrent
from sklearn_rnn.nn.losses import SoftmaxCrossEntropy
from sklearn_rnn.nn.optimizers import SGD

LEARNING_RATE = 0.01
N_CLASSES = 2
TORCH_MODULES = {"rnn": "RNN", "gru": "GRU", "lstm": "LSTM"}


def case_name(case):
    """A short label, e.g. ``"B64 T100 D32 H64 f32"`` or an IMDB-like one."""
    dtype = {"float32": "f32", "float64": "f64"}[case["dtype"]]
    if case["vocab"]:
        vocab = f"{case['vocab'] / 1000:g}k"
        name = (
            f"IMDB-like B{case['B']} T{case['T']} emb{vocab}x{case['D']} "
            f"H{case['H']} {dtype}"
        )
        return name + (", torch init" if case["init"] == "torch" else "")
    name = f"B{case['B']} T{case['T']} D{case['D']} H{case['H']} {dtype}"
    return name + (", torch init" if case["init"] == "torch" else "")


def make_batch(case, seed=0):
    """Batch-major inputs (B, T, D) floats or (B, T) ids in [1, vocab); labels (B,)."""
    rng = np.random.RandomState(seed)
    B, T = case["B"], case["T"]
    if case["vocab"]:
        x = rng.randint(1, case["vocab"], size=(B, T)).astype(np.int64)
    else:
        x = rng.randn(B, T, case["D"]).astype(case["dtype"])
    return x, rng.randint(0, N_CLASSES, size=B).astype(np.int64)


def time_major(x):
    """Our layout: (T, B, ...) contiguous."""
    return np.ascontiguousarray(np.swapaxes(x, 0, 1))


def our_network(case):
    """Our network for ``case``, initialised by the engine (seed 0)."""
    extra = (
        {"vocab_size": case["vocab"], "embedding_dim": case["D"]}
        if case["vocab"]
        else {}
    )
    return build_network(
        case["D"],
        N_CLASSES,
        SoftmaxCrossEntropy(),
        cell=case["cell"],
        hidden_size=case["H"],
        rng=np.random.RandomState(0),
        dtype=np.dtype(case["dtype"]).type,
        **extra,
    )


def our_layers(net):
    """(embedding or None, recurrent cell, output Dense) of a network from here."""
    embedding = next(
        (layer for layer in net.layers if isinstance(layer, Embedding)), None
    )
    cell = next(layer for layer in net.layers if isinstance(layer, Recurrent)).cell
    dense = [layer for layer in net.layers if isinstance(layer, Dense)][-1]
    return embedding, cell, dense


def torch_module(case):
    """torch's model for ``case`` with torch's default initialization (seed 0)."""
    import torch

    recurrent = getattr(torch.nn, TORCH_MODULES[case["cell"]])
    options = {"nonlinearity": "tanh"} if case["cell"] == "rnn" else {}

    class Model(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.embedding = (
                torch.nn.Embedding(case["vocab"], case["D"]) if case["vocab"] else None
            )
            self.rnn = recurrent(case["D"], case["H"], batch_first=True, **options)
            self.linear = torch.nn.Linear(case["H"], N_CLASSES)

        def forward(self, x):
            if self.embedding is not None:
                x = self.embedding(x)
            states, _ = self.rnn(x)
            return self.linear(states[:, -1])

    torch.manual_seed(0)
    return Model().to(getattr(torch, case["dtype"]))


def parameter_pairs(net, model):
    """``(name, ours, ours_grad, theirs, transposed)`` for every weight.

    ``bias`` pairs with ``bias_ih_l0``; torch's ``bias_hh_l0`` pairs with our
    ``recurrent_bias`` for GRU, and is folded into ``bias`` otherwise (see
    :func:`copy_weights`).
    """
    embedding, cell, dense = our_layers(net)
    grads = dict(zip(cell.param_names, cell.grads))
    rnn = model.rnn
    pairs = [
        ("kernel", cell.kernel, grads["kernel"], rnn.weight_ih_l0, True),
        (
            "recurrent_kernel",
            cell.recurrent_kernel,
            grads["recurrent_kernel"],
            rnn.weight_hh_l0,
            True,
        ),
        ("bias", cell.bias, grads["bias"], rnn.bias_ih_l0, False),
    ]
    if cell.has_recurrent_bias:
        pairs.append(
            (
                "recurrent_bias",
                cell.recurrent_bias,
                grads["recurrent_bias"],
                rnn.bias_hh_l0,
                False,
            )
        )
    pairs += [
        ("dense kernel", dense.kernel, dense.grads[0], model.linear.weight, True),
        ("dense bias", dense.bias, dense.grads[1], model.linear.bias, False),
    ]
    if embedding is not None:
        pairs.append(
            (
                "embeddings",
                embedding.embeddings,
                embedding.grads[0],
                model.embedding.weight,
                False,
            )
        )
    return pairs


def copy_weights(net, model, to_torch):
    """Copy the weights between our network and the torch model, either way."""
    import torch

    cell = our_layers(net)[1]
    with torch.no_grad():
        for _, ours, _, theirs, transposed in parameter_pairs(net, model):
            if to_torch:
                theirs.copy_(
                    torch.from_numpy(
                        np.ascontiguousarray(ours.T if transposed else ours)
                    )
                )
            else:
                value = theirs.detach().numpy()
                ours[...] = value.T if transposed else value
        if not cell.has_recurrent_bias:  # one bias of ours = b_ih + b_hh of torch's
            if to_torch:
                model.rnn.bias_hh_l0.zero_()
            else:
                cell.bias[...] += model.rnn.bias_hh_l0.detach().numpy()


def same_weight_models(case):
    """Our network and torch's model for ``case``, holding the same weights."""
    net = our_network(case)
    model = torch_module(case)
    copy_weights(net, model, to_torch=case["init"] != "torch")
    return net, model


def our_callables(net, case):
    """``train()`` (one SGD step) and ``infer()`` (probabilities) on one batch."""
    optimizer = SGD(net.params, learning_rate_init=LEARNING_RATE)
    x, y = make_batch(case)
    x = time_major(x)
    weights = np.ones(case["B"])

    def train():
        net.loss_and_gradients(x, y, weights)
        optimizer.step(net.grads, rows=net.sparse_rows)

    def infer():
        return net.predict(x)

    return train, infer


def torch_callables(model, case):
    """torch's ``train()`` (zero_grad, forward, loss, backward, SGD step) and
    ``infer()`` (forward and softmax under ``no_grad``)."""
    import torch

    optimizer = torch.optim.SGD(model.parameters(), lr=LEARNING_RATE)
    x, y = (torch.from_numpy(a) for a in make_batch(case))
    loss_fn = torch.nn.CrossEntropyLoss()

    def train():
        optimizer.zero_grad()
        loss_fn(model(x), y).backward()
        optimizer.step()

    def infer():
        with torch.no_grad():
            return torch.softmax(model(x), dim=-1)

    return train, infer


def compare(case):
    """Same weights, same batch: how far apart are the two libraries' numbers?

    Returns
    -------
    dict
        ``loss`` (relative difference of the losses), ``proba`` (max absolute
        difference of the probabilities), ``recurrent_kernel`` (max
        difference of dL/d(recurrent_kernel) over its largest entry) and
        ``worst`` (the largest such relative difference over all weights,
        with its weight's name).
    """
    import torch

    net, model = same_weight_models(case)
    x, y = make_batch(case)
    proba = net.predict(time_major(x))
    loss = net.loss_and_gradients(time_major(x), y, np.ones(case["B"]))
    tx, ty = torch.from_numpy(x), torch.from_numpy(y)
    with torch.no_grad():
        t_proba = torch.softmax(model(tx), dim=-1).numpy()
    t_loss = torch.nn.CrossEntropyLoss()(model(tx), ty)
    t_loss.backward()
    result = {
        "loss": abs(loss - t_loss.item()) / abs(t_loss.item()),
        "proba": float(np.abs(proba - t_proba).max()),
    }
    worst = (0.0, "")
    for name, _, grad, theirs, transposed in parameter_pairs(net, model):
        expected = theirs.grad.numpy()
        expected = expected.T if transposed else expected
        scale = float(np.abs(expected).max()) or 1.0
        error = float(np.abs(grad - expected).max()) / scale
        if name == "recurrent_kernel":
            result["recurrent_kernel"] = error
        worst = max(worst, (error, name))
    result["worst"], result["worst_name"] = worst
    return result
