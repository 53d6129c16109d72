"""Registering the converters with skl2onnx."""

import numpy as np
from onnx import TensorProto
from skl2onnx import update_registered_converter
from skl2onnx._parse import _parse_sklearn_classifier, _parse_sklearn_simple_model
from skl2onnx.common.data_types import FloatTensorType
from sklearn.utils.validation import check_is_fitted

from .. import ScratchRNNClassifier, ScratchRNNRegressor
from ..preprocessing import SequenceScaler
from ..text import HashingSequenceVectorizer, SequenceVectorizer
from ._estimators import (
    classifier_shapes,
    convert_classifier,
    convert_regressor,
    regressor_shapes,
)
from ._graph import Graph, NotExportableError


def _parse_classifier(scope, model, inputs, custom_parsers=None):
    """skl2onnx's classifier outputs (``label``, ``probabilities``, ZipMap
    on request); without ZipMap for multilabel and per-step outputs, which
    are not one class per sample."""
    check_is_fitted(model, "network_")
    if (
        getattr(model, "_y_type", None) == "multilabel-indicator"
        or model._architecture["return_sequences"]
    ):
        return _parse_sklearn_simple_model(
            scope, model, inputs, custom_parsers=custom_parsers
        )
    return _parse_sklearn_classifier(
        scope, model, inputs, custom_parsers=custom_parsers
    )


def _scaler_shapes(operator):
    operator.outputs[0].type = FloatTensorType(list(operator.inputs[0].type.shape))


def _convert_scaler(scope, operator, container):
    """SequenceScaler: valid steps standardised, padding steps unchanged."""
    scaler = operator.raw_operator
    check_is_fitted(scaler)
    graph = Graph(scope, container)
    x = operator.inputs[0].full_name
    scaled = graph.op(
        "Sub", graph.cast(x, TensorProto.FLOAT), graph.const(scaler.mean_)
    )
    scaled = graph.op("Div", scaled, graph.const(scaler.scale_))
    name = operator.outputs[0].full_name
    if scaler.mask_value is None:
        graph.op("Identity", scaled, output_names=[name])
        return
    rank = len(operator.inputs[0].type.shape)
    steps = x if rank == 3 else graph.unsqueeze(x, 2)
    equal = graph.op(
        "Equal",
        graph.cast(steps, TensorProto.DOUBLE),
        graph.const(scaler.mask_value, np.float64),
    )
    differs = graph.cast(graph.op("Not", equal), TensorProto.INT32)
    valid = graph.cast(
        graph.reduce("ReduceMax", differs, 2, keepdims=1), TensorProto.BOOL
    )
    if rank == 2:
        valid = graph.squeeze(valid, 2)
    graph.op(
        "Where", valid, scaled, graph.cast(x, TensorProto.FLOAT), output_names=[name]
    )


def _refuse_text(operator):
    """The shape calculator of the vectorizers: a refusal, before any node."""
    raise NotExportableError(
        f"{type(operator.raw_operator).__name__} has no ONNX conversion: its "
        "analysis (preprocessor, tokenizer, n-grams, the vocabulary lookup and "
        "the padding to maxlen) has no exact ONNX equivalent. Export the "
        "estimator alone and give it the token ids the vectorizer computes."
    )


def register():
    """Register the shape calculators, converters and parsers with skl2onnx.

    ``ScratchRNNClassifier`` (options ``zipmap``, ``nocl``,
    ``output_class_labels`` as skl2onnx's classifiers),
    ``ScratchRNNRegressor``, ``SequenceScaler``; ``SequenceVectorizer`` and
    ``HashingSequenceVectorizer`` are registered to refuse with a
    :class:`NotExportableError` that says why.  Importing
    :mod:`sklearn_rnn.onnx` calls it; call it again if another library
    replaced these converters.

    See Also
    --------
    skl2onnx.to_onnx : Convert a fitted estimator once registered.

    Examples
    --------
    >>> import skl2onnx
    >>> from sklearn_rnn.onnx import register
    >>> register()
    >>> "SklearnRnnScratchRNNClassifier" in skl2onnx.supported_converters()
    True
    """
    update_registered_converter(
        ScratchRNNClassifier,
        "SklearnRnnScratchRNNClassifier",
        classifier_shapes,
        convert_classifier,
        parser=_parse_classifier,
        options={
            "zipmap": [True, False, "columns"],
            "nocl": [True, False],
            "output_class_labels": [False, True],
        },
    )
    update_registered_converter(
        ScratchRNNRegressor,
        "SklearnRnnScratchRNNRegressor",
        regressor_shapes,
        convert_regressor,
    )
    update_registered_converter(
        SequenceScaler, "SklearnRnnSequenceScaler", _scaler_shapes, _convert_scaler
    )
    for vectorizer in (SequenceVectorizer, HashingSequenceVectorizer):
        update_registered_converter(
            vectorizer,
            f"SklearnRnn{vectorizer.__name__}",
            _refuse_text,
            lambda scope, operator, container: _refuse_text(operator),
        )
