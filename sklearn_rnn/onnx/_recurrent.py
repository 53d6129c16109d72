"""Recurrent layers as ONNX ``RNN``, ``GRU`` and ``LSTM`` nodes.

Our cells compute PyTorch's equations; their weights in PyTorch's layout
(:meth:`~sklearn_rnn.nn.cells.base.Cell.torch_parameters`) become ONNX's by
reordering the gate blocks (PyTorch's GRU r, z, n is ONNX's z, r, h with
``linear_before_reset=1``; the LSTM's i, f, g, o is ONNX's i, o, f, c).

**Masks.**  ONNX's ``sequence_lens`` reads each sequence's first steps;
ours carry the state through padding steps wherever they are.  So the
valid steps are first gathered at the front (a stable permutation), the
node reads them with ``sequence_lens``, and each step's output is read back
from the gathered outputs: the forward state at step ``t`` is the one after
the ``c(t)`` valid steps up to ``t`` (zero before any), the backward state the
one after the valid steps from ``t`` on (zero after the last).  The final
states (last-state pooling) are the node's ``Y_h``.
"""

import numpy as np
from onnx import TensorProto, helper

from ._graph import FLOAT
from ._sequence import Sequence

#: PyTorch's gate blocks in ONNX's order, per node type.
ONNX_NODES = {
    "SimpleRNN": ("RNN", (0,)),
    "GRU": ("GRU", (1, 0, 2)),
    "LSTM": ("LSTM", (0, 3, 1, 2)),
}
#: The Elman cell's activations as ONNX names them (the identity: Affine 1, 0).
RNN_ACTIVATIONS = {
    "tanh": ("Tanh", None),
    "relu": ("Relu", None),
    "sigmoid": ("Sigmoid", None),
    "identity": ("Affine", (1.0, 0.0)),
}


def _onnx_weights(directions):
    """``W`` (dirs, G*H, D), ``R`` (dirs, G*H, H), ``B`` (dirs, 2*G*H)."""
    cell = directions[0].cell
    H = cell.hidden_size
    _, order = ONNX_NODES[cell.layer_name]

    def reorder(array):
        return np.concatenate([array[k * H : (k + 1) * H] for k in order])

    weights = [layer.torch_parameters() for layer in directions]
    return (
        np.stack([reorder(w["weight_ih_l0"]) for w in weights]),
        np.stack([reorder(w["weight_hh_l0"]) for w in weights]),
        np.stack(
            [
                np.concatenate([reorder(w["bias_ih_l0"]), reorder(w["bias_hh_l0"])])
                for w in weights
            ]
        ),
    )


def _attributes(directions):
    cell = directions[0].cell
    attributes = {
        "hidden_size": cell.hidden_size,
        "direction": "bidirectional" if len(directions) == 2 else "forward",
    }
    if cell.layer_name == "GRU":
        attributes["linear_before_reset"] = 1
    if cell.layer_name == "SimpleRNN":
        name, affine = RNN_ACTIVATIONS[cell.activation.name]
        attributes["activations"] = [name] * len(directions)
        if affine is not None:
            attributes["activation_alpha"] = [affine[0]] * len(directions)
            attributes["activation_beta"] = [affine[1]] * len(directions)
    return attributes


def convert_recurrent(graph, directions, sequence):
    """A recurrent layer (``directions``: its forward layer, and its backward
    one if bidirectional) on ``sequence``: every step's state, in the
    original step order, with the final states as ``finals``."""
    node, _ = ONNX_NODES[directions[0].cell.layer_name]
    W, R, B = (graph.const(a, hint=h) for a, h in zip(_onnx_weights(directions), "WRB"))
    attributes = _attributes(directions)
    H, count = directions[0].cell.hidden_size, len(directions)
    x, mask = sequence.values, sequence.mask
    if mask is None:
        Y, Y_h = graph.op(node, x, W, R, B, outputs=2, **attributes)
        steps = Y
    else:
        positions = _positions(graph, mask)
        gathered = graph.op(
            "ScatterElements",
            x,
            _expanded(graph, positions["destination"], x),
            x,
            axis=0,
        )
        lengths = graph.cast(positions["lengths"], TensorProto.INT32)
        Y, Y_h = graph.op(node, gathered, W, R, B, lengths, outputs=2, **attributes)
        steps = _read_back(graph, Y, positions, count)
    # (T, dirs, N, H) -> (T, N, dirs * H); (dirs, N, H) -> (N, dirs * H)
    width = count * H
    steps = graph.op("Transpose", steps, perm=[0, 2, 1, 3])
    steps = graph.op("Reshape", steps, graph.ints(0, 0, width))
    finals = graph.op("Transpose", Y_h, perm=[1, 0, 2])
    finals = graph.op("Reshape", finals, graph.ints(0, width))
    return Sequence(steps, width, mask, finals=finals)


def _expanded(graph, indices, like):
    """(T, N) indices broadcast over the last axis of ``like`` (T, N, D)."""
    return graph.op("Expand", graph.unsqueeze(indices, 2), graph.op("Shape", like))


def _positions(graph, mask):
    """Where each step goes when the valid steps are gathered first."""
    valid = graph.cast(mask, TensorProto.INT64)
    counts = graph.op("CumSum", valid, graph.const(0, np.int64))  # c(t), inclusive
    lengths = graph.reduce("ReduceSum", valid, 0)  # (N,)
    steps = graph.dimension(mask, 0)
    time = graph.time_column(steps)  # (T, 1)
    # valid step t -> c(t) - 1; padding step t -> length + (t - c(t))
    destination = graph.op(
        "Where",
        mask,
        graph.op("Sub", counts, graph.const(1, np.int64)),
        graph.op("Add", lengths, graph.op("Sub", time, counts)),
    )
    return {
        "counts": counts,
        "before": graph.op("Sub", counts, valid),  # valid steps before t
        "lengths": lengths,
        "steps": steps,
        "destination": destination,
    }


def _read_back(graph, Y, positions, count):
    """Each original step's states from the gathered outputs ``Y``."""
    zeros_shape = graph.op(
        "Concat", graph.ints(1), graph.slice(graph.op("Shape", Y), 2, 4, 0), axis=0
    )
    zero = graph.op("ConstantOfShape", zeros_shape, value=_zero_tensor())
    # forward: after the c(t) valid steps up to t (the zero step first)
    forward = graph.squeeze(graph.slice(Y, 0, 1, 1), 1)
    padded = graph.op("Concat", zero, forward, axis=0)
    parts = [_gather(graph, padded, positions["counts"])]
    if count == 2:  # backward: after the valid steps from t on (zero past the end)
        backward = graph.squeeze(graph.slice(Y, 1, 2, 1), 1)
        padded = graph.op("Concat", backward, zero, axis=0)
        before, lengths = positions["before"], positions["lengths"]
        index = graph.op(
            "Where",
            graph.op("Equal", before, lengths),
            positions["steps"],
            before,
        )
        parts.append(_gather(graph, padded, index))
    return graph.op("Concat", *[graph.unsqueeze(part, 1) for part in parts], axis=1)


def _gather(graph, steps, index):
    """``steps[index[t, n], n, :]`` for (T, N) indices."""
    shape = graph.op(
        "Concat", graph.op("Shape", index), graph.dimension(steps, 2), axis=0
    )
    indices = graph.op("Expand", graph.unsqueeze(index, 2), shape)
    return graph.op("GatherElements", steps, indices, axis=0)


def _zero_tensor():
    return helper.make_tensor("zero", FLOAT, [1], [0.0])
