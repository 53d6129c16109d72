"""Record PyTorch twins of our networks: their ``state_dict`` and outputs.

Run once (needs torch, the ``benchmarks`` extra):
``python tests/data/make_torch_twin_fixture.py`` writes ``torch_twins.npz``,
which ``tests/test_torch_names.py`` reads without torch.  Each twin is built
from ``nn.Embedding``, ``nn.RNN``/``nn.GRU``/``nn.LSTM`` (stacked,
bidirectional), the input beside its ``instance_norm``, then ``nn.Conv1d`` +
``nn.BatchNorm1d`` (eval mode, random running statistics) + ReLU, and
``nn.Linear`` modules with random weights (biases included), under the module names of
``sklearn_rnn.nn.naming``; it reads a float64 input of T=6 steps and N=3
sequences and gives its logits.  Recorded per twin: the arguments of our
``build_network`` (JSON), the input, the logits and every entry of the state
dict (``num_batches_tracked`` aside).
"""

import json
import os

import numpy as np
import torch

T, N = 6, 3
TWINS = {
    "gru_embedding_bidirectional_stacked": dict(
        cell="gru",
        hidden_size=4,
        num_layers=2,
        bidirectional=True,
        vocab_size=9,
        embedding_dim=3,
        dense_layers=(5,),
        pooling="last",
    ),
    "lstm_bidirectional_stacked_mean": dict(
        cell="lstm", hidden_size=3, num_layers=2, bidirectional=True, pooling="mean"
    ),
    "rnn_stacked_max": dict(cell="rnn", hidden_size=4, num_layers=2, pooling="max"),
    "gru_conv_branch": dict(
        cell="gru", hidden_size=3, conv_filters=(4, 3), conv_kernel_sizes=(4, 3)
    ),
}
INPUT_SIZE, OUTPUTS = 2, 3
MODULES = {"rnn": torch.nn.RNN, "gru": torch.nn.GRU, "lstm": torch.nn.LSTM}


class Twin(torch.nn.Module):
    """``[embedding] -> rnn -> pooling (|| conv branch) -> head``, time-major."""

    def __init__(self, spec):
        super().__init__()
        self.spec = spec
        size = INPUT_SIZE
        if spec.get("embedding_dim"):
            size = spec["embedding_dim"]
            self.embedding = torch.nn.ModuleList(
                [torch.nn.Embedding(spec["vocab_size"], size)]
            )
        self.rnn = MODULES[spec["cell"]](
            size,
            spec["hidden_size"],
            num_layers=spec.get("num_layers", 1),
            bidirectional=spec.get("bidirectional", False),
        )
        width = spec["hidden_size"] * (2 if spec.get("bidirectional") else 1)
        self.conv = torch.nn.ModuleList()
        channels = 2 * size  # the series and its shape
        for filters, kernel in zip(
            spec.get("conv_filters", ()), spec.get("conv_kernel_sizes", ())
        ):
            conv = torch.nn.Conv1d(
                channels, filters, kernel, padding="same", bias=False
            )
            conv.add_module("norm", torch.nn.BatchNorm1d(filters))
            self.conv.append(conv)
            channels = filters
        width += channels if len(self.conv) else 0
        sizes = [width, *spec.get("dense_layers", ()), OUTPUTS]
        self.head = torch.nn.ModuleList(
            [torch.nn.Linear(a, b) for a, b in zip(sizes[:-1], sizes[1:])]
        )

    def forward(self, x):
        spec = self.spec
        if spec.get("embedding_dim"):
            x = self.embedding[0](x)
        states, _ = self.rnn(x)  # (T, N, directions * H)
        H = spec["hidden_size"]
        pooling = spec.get("pooling", "last")
        if pooling == "mean":
            out = states.mean(0)
        elif pooling == "max":
            out = states.max(0).values
        elif spec.get("bidirectional"):  # each direction's final state
            out = torch.cat([states[-1, :, :H], states[0, :, H:]], dim=-1)
        else:
            out = states[-1]
        if len(self.conv):
            # the branch reads each series as it is and standardised
            y = x.permute(1, 2, 0)  # (N, C, T)
            y = torch.cat([y, torch.nn.functional.instance_norm(y)], dim=1)
            for conv in self.conv:
                y = torch.relu(conv.norm(conv(y)))
            out = torch.cat([out, y.mean(-1)], dim=-1)
        for k, linear in enumerate(self.head):
            out = linear(out)
            if k < len(self.head) - 1:
                out = torch.relu(out)
        return out


def record(name, spec, seed):
    torch.manual_seed(seed)
    twin = Twin(spec).double().eval()
    with torch.no_grad():
        for key, value in twin.state_dict().items():
            if "running_var" in key:
                value.uniform_(0.5, 2.0)
            elif value.is_floating_point():
                value.normal_(0.0, 0.5)
        if spec.get("embedding_dim"):
            x = torch.randint(0, spec["vocab_size"], (T, N))
        else:
            x = torch.randn(T, N, INPUT_SIZE, dtype=torch.float64)
        logits = twin(x)
    arrays = {
        "build": np.array(json.dumps({**spec, "input_size": INPUT_SIZE})),
        "x": x.numpy(),
        "logits": logits.numpy(),
    }
    for key, value in twin.state_dict().items():
        if not key.endswith("num_batches_tracked"):
            arrays[f"state/{key}"] = value.numpy()
    return {f"{name}/{key}": value for key, value in arrays.items()}


def main():
    arrays = {}
    for seed, (name, spec) in enumerate(TWINS.items()):
        arrays.update(record(name, spec, seed))
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "torch_twins.npz")
    np.savez_compressed(path, torch_version=np.array(torch.__version__), **arrays)
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
