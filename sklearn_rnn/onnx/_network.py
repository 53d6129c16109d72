"""The layers of a :class:`~sklearn_rnn.nn.network.Network` as ONNX nodes.

Each layer computes what it computes in inference, masks included:
padding steps carry recurrent states (:mod:`._recurrent`), read as zeros
in convolutions, count in no pooling; :class:`Downsample` gathers the valid
steps first and averages windows of them, :class:`Flatten` gathers them first
and lays them side by side.
"""

import numpy as np
from onnx import TensorProto

from ..nn.layers import (
    Activation,
    BatchNorm,
    Bidirectional,
    Conv1D,
    Dense,
    Downsample,
    Dropout,
    Embedding,
    Flatten,
    InstanceNorm,
    LastStatePooling,
    MaxPooling,
    MeanPooling,
    Parallel,
    Recurrent,
)
from ._graph import NotExportableError
from ._recurrent import _positions, convert_recurrent
from ._sequence import Sequence


def convert_layers(graph, layers, sequence):
    """Apply ``layers`` in order to ``sequence``; the last one's output."""
    for layer in layers:
        sequence = convert_layer(graph, layer, sequence)
    return sequence


def convert_layer(graph, layer, sequence):
    for kind, convert in CONVERTERS:
        if type(layer) is kind or (kind is Recurrent and isinstance(layer, kind)):
            return convert(graph, layer, sequence)
    raise NotExportableError(
        f"the layer {type(layer).__name__} has no ONNX conversion."
    )


def _embedding(graph, layer, sequence):
    table = graph.const(layer.embeddings, hint="embeddings")
    values = graph.op("Gather", table, sequence.values, axis=0)
    return Sequence(values, layer.embeddings.shape[1], sequence.mask)


def _same(graph, layer, sequence):  # dropout: the identity in inference
    return sequence


def _recurrent(graph, layer, sequence):
    if isinstance(layer, Bidirectional):
        return convert_recurrent(
            graph, [layer.forward_layer, layer.backward_layer], sequence
        )
    return convert_recurrent(graph, [layer], sequence)


def _valid(graph, sequence):
    """The mask as (T, N, 1) floats."""
    return graph.unsqueeze(graph.cast(sequence.mask, TensorProto.FLOAT), 2)


def _last_state(graph, layer, sequence):
    if sequence.finals is None:
        raise NotExportableError(
            "last-state pooling is exported after a recurrent layer only."
        )
    return Sequence(sequence.finals, sequence.width, pooled=True)


def _mean(graph, layer, sequence):
    if sequence.mask is None:
        values = graph.reduce("ReduceMean", sequence.values, 0)
    else:
        valid = _valid(graph, sequence)
        total = graph.reduce("ReduceSum", graph.op("Mul", sequence.values, valid), 0)
        count = graph.op("Max", graph.reduce("ReduceSum", valid, 0), graph.const(1.0))
        values = graph.op("Div", total, count)
    return Sequence(values, sequence.width, pooled=True)


def _max(graph, layer, sequence):
    if sequence.mask is None:
        values = graph.reduce("ReduceMax", sequence.values, 0)
    else:
        mask = graph.unsqueeze(sequence.mask, 2)
        masked = graph.op("Where", mask, sequence.values, graph.const(-np.inf))
        largest = graph.reduce("ReduceMax", masked, 0)
        # a sequence with no valid step pools to zeros
        some = graph.reduce("ReduceMax", graph.cast(mask, TensorProto.INT32), 0)
        some = graph.cast(some, TensorProto.BOOL)
        values = graph.op("Where", some, largest, graph.const(0.0))
    return Sequence(values, sequence.width, pooled=True)


def _dense(graph, layer, sequence):
    values = graph.matmul_add(sequence.values, layer.kernel, layer.bias)
    values = graph.activation(values, layer.activation.name)
    return Sequence(
        values, layer.kernel.shape[1], sequence.mask, pooled=sequence.pooled
    )


def _activation(graph, layer, sequence):
    values = graph.activation(sequence.values, layer.activation.name)
    return Sequence(values, sequence.width, sequence.mask, pooled=sequence.pooled)


def _conv(graph, layer, sequence):
    x = sequence.values
    if sequence.mask is not None:  # padding steps are read as zeros
        x = graph.op("Mul", x, _valid(graph, sequence))
    x = graph.op("Transpose", x, perm=[1, 2, 0])  # (N, C, T)
    weights = layer.torch_parameters()
    right = layer.kernel_size - 1 - layer.left
    x = graph.op(
        "Conv",
        x,
        graph.const(weights["weight"], hint="conv_weight"),
        *(
            [graph.const(weights["bias"], hint="conv_bias")]
            if "bias" in weights
            else []
        ),
        kernel_shape=[layer.kernel_size],
        pads=[layer.left, right],
    )
    values = graph.op("Transpose", x, perm=[2, 0, 1])
    return Sequence(values, layer.filters, sequence.mask)


def _batch_norm(graph, layer, sequence):
    # As the layer computes it in inference: (x - mean) * scale + beta.
    scale = layer.gamma / np.sqrt(layer.running_var + layer.eps)
    values = graph.op("Sub", sequence.values, graph.const(layer.running_mean))
    values = graph.op("Mul", values, graph.const(scale))
    values = graph.op("Add", values, graph.const(layer.beta))
    return Sequence(values, sequence.width, sequence.mask, pooled=sequence.pooled)


def _instance_norm(graph, layer, sequence):
    # Each sequence's channels over its valid steps: (x - mean) / sqrt(var + eps),
    # padding steps 0, as the layer computes it.
    x = sequence.values
    if sequence.mask is None:
        mean = graph.reduce("ReduceMean", x, 0, keepdims=1)
        centred = graph.op("Sub", x, mean)
        var = graph.reduce(
            "ReduceMean", graph.op("Mul", centred, centred), 0, keepdims=1
        )
    else:
        valid = _valid(graph, sequence)
        count = graph.reduce("ReduceSum", valid, 0, keepdims=1)
        count = graph.op("Max", count, graph.const(1.0))
        total = graph.reduce("ReduceSum", graph.op("Mul", x, valid), 0, keepdims=1)
        centred = graph.op(
            "Mul", graph.op("Sub", x, graph.op("Div", total, count)), valid
        )
        squares = graph.reduce(
            "ReduceSum", graph.op("Mul", centred, centred), 0, keepdims=1
        )
        var = graph.op("Div", squares, count)
    std = graph.op("Sqrt", graph.op("Add", var, graph.const(layer.eps)))
    values = graph.op("Div", centred, std)
    return Sequence(values, sequence.width, sequence.mask, pooled=sequence.pooled)


def _parallel(graph, layer, sequence):
    outputs = [
        convert_layers(graph, branch, sequence) for branch in layer.branches.values()
    ]
    values = graph.op("Concat", *[out.values for out in outputs], axis=-1)
    first = outputs[0]
    return Sequence(
        values, sum(out.width for out in outputs), first.mask, pooled=first.pooled
    )


def _gathered(graph, sequence):
    """``(values, lengths)``: each sequence's valid steps first, as
    :class:`Downsample` and :class:`Flatten` gather them, and their counts
    (the number of steps, without a mask)."""
    x = sequence.values
    if sequence.mask is None:
        return x, graph.dimension(x, 0)
    positions = _positions(graph, sequence.mask)
    index = graph.op(
        "Expand", graph.unsqueeze(positions["destination"], 2), graph.op("Shape", x)
    )
    return graph.op("ScatterElements", x, index, x, axis=0), positions["lengths"]


def _flatten(graph, layer, sequence):
    x, lengths = _gathered(graph, sequence)
    steps = graph.dimension(x, 0)
    if sequence.mask is not None:  # zeros past each sequence's valid steps
        valid = graph.op("Less", graph.time_column(steps), lengths)
        x = graph.op("Mul", x, graph.unsqueeze(graph.cast(valid, TensorProto.FLOAT), 2))
    # zero-pad to layer.steps positions, then drop the steps beyond them
    extra = graph.op(
        "Max", graph.op("Sub", graph.ints(layer.steps), steps), graph.ints(0)
    )
    pads = graph.op("Concat", graph.ints(0, 0, 0), extra, graph.ints(0, 0), axis=0)
    x = graph.slice(graph.op("Pad", x, pads), 0, layer.steps, 0)
    x = graph.op("Transpose", x, perm=[1, 0, 2])  # (N, steps, D)
    values = graph.op("Reshape", x, graph.ints(0, layer.steps * sequence.width))
    return Sequence(values, layer.steps * sequence.width, pooled=True)


def _downsample(graph, layer, sequence):
    if layer.factor == 1:
        return sequence
    f = layer.factor
    steps = graph.dimension(sequence.values, 0)
    x, lengths = _gathered(graph, sequence)
    windows = graph.op("Div", graph.op("Add", steps, graph.ints(f - 1)), graph.ints(f))
    extra = graph.op("Sub", graph.op("Mul", windows, graph.ints(f)), steps)
    pads = graph.op("Concat", graph.ints(0, 0, 0), extra, graph.ints(0, 0), axis=0)
    x = graph.op("Pad", x, pads)
    # each gathered step's share of its window's mean (0 past the valid steps)
    time = graph.time_column(graph.op("Mul", windows, graph.ints(f)))  # (W f, 1)
    starts = graph.op("Mul", graph.op("Div", time, graph.ints(f)), graph.ints(f))
    sizes = graph.op(
        "Clip",
        graph.op("Sub", lengths, starts),
        graph.const(0, np.int64),
        graph.const(f, np.int64),
    )
    valid = graph.op("Less", time, lengths)
    shape = graph.op(
        "Concat",
        windows,
        graph.ints(f),
        graph.slice(graph.op("Shape", x), 1, 3, 0),
        axis=0,
    )
    if layer.statistic == "mean":
        share = graph.op(
            "Div",
            graph.cast(valid, TensorProto.FLOAT),
            graph.cast(
                graph.op("Max", sizes, graph.const(1, np.int64)), TensorProto.FLOAT
            ),
        )
        x = graph.op("Mul", x, graph.unsqueeze(share, 2))
        values = graph.reduce("ReduceSum", graph.op("Reshape", x, shape), 1)
    else:  # the extremum of the window's valid steps (0 for an empty window)
        bound = -np.inf if layer.statistic == "max" else np.inf
        x = graph.op("Where", graph.unsqueeze(valid, 2), x, graph.const(bound))
        reduce = "ReduceMax" if layer.statistic == "max" else "ReduceMin"
        values = graph.reduce(reduce, graph.op("Reshape", x, shape), 1)
        empty = graph.op("Equal", values, graph.const(bound))
        values = graph.op("Where", empty, graph.const(0.0), values)
    mask = None
    if sequence.mask is not None:  # the windows that hold valid steps
        used = graph.op(
            "Div", graph.op("Add", lengths, graph.ints(f - 1)), graph.ints(f)
        )
        mask = graph.op("Less", graph.time_column(windows), used)
    return Sequence(values, sequence.width, mask)


#: Layer classes and their conversions (subclasses of Recurrent included).
CONVERTERS = [
    (Embedding, _embedding),
    (Dropout, _same),
    (Downsample, _downsample),
    (Flatten, _flatten),
    (Recurrent, _recurrent),
    (Bidirectional, _recurrent),
    (LastStatePooling, _last_state),
    (MeanPooling, _mean),
    (MaxPooling, _max),
    (Dense, _dense),
    (Activation, _activation),
    (Conv1D, _conv),
    (BatchNorm, _batch_norm),
    (InstanceNorm, _instance_norm),
    (Parallel, _parallel),
]
