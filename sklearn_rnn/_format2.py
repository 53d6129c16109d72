"""The weight names of model-file format 2, to read its files.

Format 2 named a weight by its layer's position and class
(``1.GRU.recurrent_kernel``, ``0.Parallel.conv.1.BatchNorm.gamma``, a
bidirectional layer's ``forward_kernel`` and ``backward_kernel``); format 3
names it by role (:mod:`sklearn_rnn.nn.naming`).  A network built from a
file's hyperparameters has its weights in the same order in both formats,
so the old names are computed from the network, never parsed.

Examples
--------
>>> from sklearn_rnn.nn import SquaredError, build_network
>>> net = build_network(2, 1, SquaredError(), bidirectional=True, dropout=0.5)
>>> names = format2_names(net)
>>> names["rnn.0.reverse.kernel"], names["head.0.bias"]
('0.Bidirectional.backward_kernel', '3.Dense.bias')
"""

from .nn.layers import Bidirectional, Parallel


def _own_names(layer, kind):
    """A layer's names of its ``kind`` ("param" or "buffer") in format 2."""
    if isinstance(layer, Bidirectional):
        if kind == "buffer":
            return []
        return [
            f"{direction}_{name}"
            for direction, part in (
                ("forward", layer.forward_layer),
                ("backward", layer.backward_layer),
            )
            for name in part.param_names
        ]
    return list(getattr(layer, f"{kind}_names"))


def format2_names(network):
    """Each role name of ``network``'s weights and buffers -> its format-2 name.

    Parameters
    ----------
    network : Network

    Returns
    -------
    dict of str to str
    """
    prefixed = []
    for i, layer in enumerate(network.layers):
        if isinstance(layer, Parallel):
            prefixed += [
                (f"{i}.Parallel.{branch}.{k}.{part.name}", part)
                for branch, parts in layer.branches.items()
                for k, part in enumerate(parts)
            ]
        else:
            prefixed.append((f"{i}.{layer.name}", layer))
    old = {
        kind: [
            f"{prefix}.{name}"
            for prefix, layer in prefixed
            for name in _own_names(layer, kind)
        ]
        for kind in ("param", "buffer")
    }
    return dict(zip(network.param_names, old["param"])) | dict(
        zip(network.buffer_names, old["buffer"])
    )
