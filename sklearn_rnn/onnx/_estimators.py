"""skl2onnx shape calculators, converters and parsers of our estimators.

The graph reads what ``predict`` reads from a dense array (see the README's
"ONNX export"), does what validation does (``data_format``, the mask from
``mask_value`` or token id 0, out-of-vocabulary ids, ``scale_input``), runs
the network in float32 and gives what ``predict`` / ``predict_proba`` give.
"""

import numpy as np
from onnx import TensorProto
from skl2onnx.common.data_types import (
    FloatTensorType,
    Int64TensorType,
    StringTensorType,
)
from sklearn.utils.validation import check_is_fitted

from .._concurrency import committed_state
from ..nn.losses import SigmoidBinaryCrossEntropy, SoftmaxCrossEntropy
from ._graph import Graph, NotExportableError
from ._network import convert_layers
from ._sequence import Sequence


def _input_rank(operator):
    return len(operator.inputs[0].type.shape)


def _steps_dimension(est, operator):
    """The time dimension of the input type (None if unknown)."""
    shape = operator.inputs[0].type.shape
    if len(shape) == 3 and est._architecture["data_format"] == "channels_first":
        return shape[2]
    return shape[1] if len(shape) > 1 else None


def _model_input(graph, est, operator):
    """The input as the network reads it: time-major, masked, scaled."""
    variable = operator.inputs[0]
    x = variable.full_name
    rank = _input_rank(operator)
    built = est._architecture
    if built["embedding_dim"] is not None:
        if rank != 2:
            raise NotExportableError(
                f"{type(est).__name__} reads token ids of shape (n_samples, "
                f"n_timesteps); the input has {rank} dimensions."
            )
        if not isinstance(variable.type, Int64TensorType):
            x = graph.cast(x, TensorProto.INT64)
        # ids at or beyond the vocabulary read the out-of-vocabulary row 1
        beyond = graph.op("GreaterOrEqual", x, graph.const(est.vocab_size_, np.int64))
        x = graph.op("Where", beyond, graph.const(1, np.int64), x)
        mask = graph.op("Not", graph.op("Equal", x, graph.const(0, np.int64)))
        ids = graph.op("Transpose", x, perm=[1, 0])
        return Sequence(ids, 1, graph.op("Transpose", mask, perm=[1, 0]))
    if rank == 2:
        if est.n_step_features_ != 1:
            raise NotExportableError(
                f"a 2-D input is read as univariate sequences, but "
                f"{type(est).__name__} was fitted with {est.n_step_features_} "
                "features per step: give the input 3 dimensions."
            )
        x = graph.unsqueeze(x, 2)
    elif rank == 3 and built["data_format"] == "channels_first":
        x = graph.op("Transpose", x, perm=[0, 2, 1])
    elif rank != 3:
        raise NotExportableError(
            f"the input of {type(est).__name__} has 2 or 3 dimensions; got {rank}."
        )
    # The model's precision first, as validation casts X to dtype_.
    model_type = TensorProto.FLOAT if est.dtype_ == "float32" else TensorProto.DOUBLE
    x = graph.cast(x, model_type)
    mask = None
    if built["mask_value"] is not None:
        # Compared as numpy compares them: a Python float in the model's
        # precision (NEP 50), a numpy float64 in float64.
        mask_value = built["mask_value"]
        dtype = np.result_type(np.dtype(est.dtype_), mask_value)
        kind = TensorProto.FLOAT if dtype == np.float32 else TensorProto.DOUBLE
        equal = graph.op("Equal", graph.cast(x, kind), graph.const(mask_value, dtype))
        differs = graph.cast(graph.op("Not", equal), TensorProto.INT32)
        mask = graph.cast(graph.reduce("ReduceMax", differs, 2), TensorProto.BOOL)
        mask = graph.op("Transpose", mask, perm=[1, 0])
    x = graph.cast(x, TensorProto.FLOAT)
    if est.input_mean_ is not None:
        dtype = np.dtype(est.dtype_)
        x = graph.op("Sub", x, graph.const(est.input_mean_.astype(dtype)))
        x = graph.op("Div", x, graph.const(est.input_scale_.astype(dtype)))
    values = graph.op("Transpose", x, perm=[1, 0, 2])
    return Sequence(values, est.n_step_features_, mask)


def _network_output(graph, est, operator):
    """The output layer's activations, batch-major: (N, K) or (N, T, K)."""
    out = convert_layers(graph, est.network_.layers, _model_input(graph, est, operator))
    values = out.values
    if isinstance(est.network_.loss, SoftmaxCrossEntropy):
        values = graph.op("Softmax", values, axis=-1)
    elif isinstance(est.network_.loss, SigmoidBinaryCrossEntropy):
        values = graph.op("Sigmoid", values)
    if not out.pooled:
        values = graph.op("Transpose", values, perm=[1, 0, 2])
    return values


def _classes(est):
    """``classes_`` as a string or int64 array (ONNX labels are one or the
    other; float labels, which scikit-learn accepts when they are integers,
    become int64)."""
    classes = est.classes_
    return classes.astype(str if classes.dtype.kind in "OUS" else np.int64)


def convert_classifier(scope, operator, container):
    """``label`` and ``probabilities``, as ``predict`` and ``predict_proba``."""
    with committed_state(operator.raw_operator) as est:
        check_is_fitted(est, "network_")
        graph = Graph(scope, container)
        label, probabilities = (out.full_name for out in operator.outputs[:2])
        output = _network_output(graph, est, operator)
        if est._y_type == "multilabel-indicator":
            graph.op("Identity", output, output_names=[probabilities])
            above = graph.op("Greater", output, graph.const(0.5))
            graph.op("Cast", above, to=TensorProto.INT64, output_names=[label])
            return
        if est._y_type == "binary":
            positive = output
            graph.op(
                "Concat",
                graph.op("Sub", graph.const(1.0), positive),
                positive,
                axis=-1,
                output_names=[probabilities],
            )
            index = graph.cast(
                graph.squeeze(graph.op("Greater", positive, graph.const(0.5)), -1),
                TensorProto.INT64,
            )
        else:
            graph.op("Identity", output, output_names=[probabilities])
            index = graph.op("ArgMax", output, axis=-1, keepdims=0)
        classes = _classes(est)
        classes = graph.const(classes, classes.dtype, hint="classes")
        graph.op("Gather", classes, index, axis=0, output_names=[label])


def convert_regressor(scope, operator, container):
    """``variable``, as ``predict`` (shaped alike)."""
    with committed_state(operator.raw_operator) as est:
        check_is_fitted(est, "network_")
        graph = Graph(scope, container)
        output = _network_output(graph, est, operator)
        output = graph.op("Mul", output, graph.const(est.y_scale_))
        output = graph.op("Add", output, graph.const(est.y_mean_))
        name = operator.outputs[0].full_name
        if est._single_output:
            graph.op("Squeeze", output, graph.ints(-1), output_names=[name])
        else:
            graph.op("Identity", output, output_names=[name])


def _batch_shape(est, operator):
    """[N] or [N, T]: the leading dimensions of every output."""
    first = operator.inputs[0].get_first_dimension()
    if est._architecture["return_sequences"]:
        return [first, _steps_dimension(est, operator)]
    return [first]


def classifier_shapes(operator):
    with committed_state(operator.raw_operator) as est:
        check_is_fitted(est, "network_")
        batch = _batch_shape(est, operator)
        n_classes = len(est.classes_)
        if est._y_type == "multilabel-indicator":
            operator.outputs[0].type = Int64TensorType(batch + [n_classes])
        elif _classes(est).dtype.kind == "U":
            operator.outputs[0].type = StringTensorType(batch)
        else:
            operator.outputs[0].type = Int64TensorType(batch)
        operator.outputs[1].type = FloatTensorType(batch + [n_classes])


def regressor_shapes(operator):
    with committed_state(operator.raw_operator) as est:
        check_is_fitted(est, "network_")
        batch = _batch_shape(est, operator)
        outputs = [] if est._single_output else [est.n_outputs_]
        operator.outputs[0].type = FloatTensorType(batch + outputs)
