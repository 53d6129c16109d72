"""Record PyTorch's nn.RNN / nn.GRU / nn.LSTM outputs and gradients as a fixture.

Run once (needs torch, the ``benchmarks`` extra):
``python tests/data/make_torch_fixture.py`` writes ``torch_cells.npz``, which
``tests/test_nn_cells.py`` reads without torch.  Each cell gets random weights,
an input of T=7 steps, N=3 sequences, D=4 features, H=5 units, the loss
``sum(h * upstream)`` over every step, and its gradients.
"""

import os

import numpy as np
import torch

T, N, D, H = 7, 3, 4, 5
MODULES = {"rnn": torch.nn.RNN, "gru": torch.nn.GRU, "lstm": torch.nn.LSTM}


def record(name, seed):
    torch.manual_seed(seed)
    module = MODULES[name](D, H).double()  # time-major, like ours
    x = torch.randn(T, N, D, dtype=torch.float64, requires_grad=True)
    upstream = torch.randn(T, N, H, dtype=torch.float64)
    out, _ = module(x)
    (out * upstream).sum().backward()
    arrays = {
        "x": x.detach().numpy(),
        "upstream": upstream.numpy(),
        "h": out.detach().numpy(),
        "dx": x.grad.numpy(),
    }
    for param_name, param in module.named_parameters():
        arrays[param_name] = param.detach().numpy()
        arrays["d_" + param_name] = param.grad.numpy()
    return {f"{name}/{key}": value for key, value in arrays.items()}


def main():
    arrays = {}
    for seed, name in enumerate(MODULES):
        arrays.update(record(name, seed))
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "torch_cells.npz")
    np.savez_compressed(path, torch_version=np.array(torch.__version__), **arrays)
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
