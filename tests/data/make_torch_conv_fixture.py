"""Record PyTorch's Conv1d + BatchNorm1d + ReLU block as a fixture.

Run once (needs torch, the ``benchmarks`` extra):
``python tests/data/make_torch_conv_fixture.py`` writes ``torch_conv.npz``,
which ``tests/test_nn_conv.py`` reads without torch.  Two blocks
(``Conv1d(padding="same")`` with an even and an odd kernel, ``BatchNorm1d``,
ReLU) read an input of N=3 sequences, C=2 channels, T=11 steps; the loss is
``sum(out * upstream)``.  Recorded: the training-mode output, every gradient,
the running statistics after that pass, and the inference-mode output of a
second input with those statistics.
"""

import os

import numpy as np
import torch

N, C, T = 3, 2, 11
BLOCKS = ((C, 4, 8), (4, 3, 5))  # (in channels, filters, kernel size)


def main():
    torch.manual_seed(0)
    layers = []
    for in_channels, filters, kernel_size in BLOCKS:
        conv = torch.nn.Conv1d(in_channels, filters, kernel_size, padding="same")
        norm = torch.nn.BatchNorm1d(filters)
        with torch.no_grad():  # non-trivial scales and shifts
            norm.weight.uniform_(0.5, 1.5)
            norm.bias.uniform_(-0.5, 0.5)
        layers += [conv, norm, torch.nn.ReLU()]
    model = torch.nn.Sequential(*layers).double()
    x = torch.randn(N, C, T, dtype=torch.float64, requires_grad=True)
    out = model(x)
    upstream = torch.randn(out.shape, dtype=torch.float64)
    (out * upstream).sum().backward()
    arrays = {
        "x": x.detach().numpy(),
        "upstream": upstream.numpy(),
        "out": out.detach().numpy(),
        "dx": x.grad.numpy(),
    }
    for name, param in model.named_parameters():
        arrays[name] = param.detach().numpy()
        arrays["d_" + name] = param.grad.numpy()
    for name, buffer in model.named_buffers():
        if "running" in name:
            arrays[name] = buffer.numpy()
    model.eval()
    second = torch.randn(N, C, T, dtype=torch.float64)
    with torch.no_grad():
        arrays["x_eval"] = second.numpy()
        arrays["out_eval"] = model(second).numpy()
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "torch_conv.npz")
    np.savez_compressed(path, torch_version=np.array(torch.__version__), **arrays)
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
