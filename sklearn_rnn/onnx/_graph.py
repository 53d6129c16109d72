"""Writing ONNX nodes into a skl2onnx container, one call per node."""

import numpy as np
from onnx import TensorProto
from onnx.helper import np_dtype_to_tensor_dtype

#: The opset the exported graphs need (reductions and Squeeze take their
#: axes as inputs from 18 on).
MIN_OPSET = 18
#: The precision of the exported graphs.
FLOAT = TensorProto.FLOAT


class NotExportableError(ValueError):
    """A model, or a feature of it, that ONNX cannot express exactly.

    The converters raise it, naming what cannot be exported, rather than
    write a graph whose outputs would differ from ``predict``'s: for
    instance a text vectorizer (its analysis has no exact ONNX equivalent),
    an input of a shape the estimator does not read, or a ``target_opset``
    below the one the graphs need (18).  It is a ValueError.

    See Also
    --------
    register : Register the converters that raise it.

    Examples
    --------
    >>> import numpy as np
    >>> import skl2onnx
    >>> from sklearn_rnn.onnx import NotExportableError
    >>> from sklearn_rnn.preprocessing import SequenceScaler
    >>> X = np.random.RandomState(0).randn(8, 5, 2).astype(np.float32)
    >>> scaler = SequenceScaler().fit(X)
    >>> try:
    ...     skl2onnx.to_onnx(scaler, X[:1], target_opset=17)
    ... except NotExportableError as error:
    ...     print(error)
    sklearn_rnn's ONNX export needs target_opset >= 18; got 17.
    """


class Graph:
    """Adds nodes and constants to a skl2onnx ``container`` with names from
    its ``scope``; every method returns the name of its output.

    Parameters
    ----------
    scope, container :
        What skl2onnx hands a converter.
    """

    def __init__(self, scope, container):
        if container.target_opset < MIN_OPSET:
            raise NotExportableError(
                f"sklearn_rnn's ONNX export needs target_opset >= {MIN_OPSET}; "
                f"got {container.target_opset}."
            )
        self.scope, self.container = scope, container

    def name(self, hint):
        return self.scope.get_unique_variable_name(hint)

    def const(self, value, dtype=np.float32, hint="const"):
        """A constant tensor (float32 unless ``dtype`` says otherwise)."""
        array = np.asarray(value, dtype=dtype)
        name = self.name(hint)
        if array.dtype.kind == "U":  # string labels
            values = [item.encode("utf-8") for item in array.ravel().tolist()]
            kind = TensorProto.STRING
        else:
            values = array.ravel().tolist()
            kind = np_dtype_to_tensor_dtype(array.dtype)
        self.container.add_initializer(name, kind, list(array.shape), values)
        return name

    def ints(self, *values):
        """An int64 vector constant (axes, shapes, indices)."""
        return self.const(list(values), np.int64, "ints")

    def op(self, op_type, *inputs, outputs=1, output_names=None, **attributes):
        """Add one node; the name of its output (a list if ``outputs`` > 1)."""
        names = output_names or [self.name(op_type.lower()) for _ in range(outputs)]
        self.container.add_node(
            op_type,
            list(inputs),
            names,
            name=self.scope.get_unique_operator_name(op_type),
            **attributes,
        )
        return names[0] if len(names) == 1 else names

    # ---------------------------------------------------------- shorthands
    def cast(self, x, to):
        return self.op("Cast", x, to=to)

    def unsqueeze(self, x, *axes):
        return self.op("Unsqueeze", x, self.ints(*axes))

    def squeeze(self, x, *axes):
        return self.op("Squeeze", x, self.ints(*axes))

    def reduce(self, op_type, x, *axes, keepdims=0):
        return self.op(op_type, x, self.ints(*axes), keepdims=keepdims)

    def slice(self, x, start, end, axis):
        return self.op("Slice", x, self.ints(start), self.ints(end), self.ints(axis))

    def dimension(self, x, axis):
        """The size of ``x`` along ``axis``, as a 1-element int64 vector."""
        return self.op("Shape", x, start=axis, end=axis + 1)

    def time_column(self, n):
        """``0, 1, ..., n - 1`` as an ``(n, 1)`` int64 column (``n`` a
        1-element int64 vector): step indices to compare with ``(N,)``
        lengths."""
        steps = self.op(
            "Range",
            self.const(0, np.int64),
            self.squeeze(n, 0),
            self.const(1, np.int64),
        )
        return self.unsqueeze(steps, 1)

    def matmul_add(self, x, kernel, bias):
        """``x @ kernel + bias`` over the last axis of ``x``."""
        product = self.op("MatMul", x, self.const(kernel, hint="kernel"))
        return self.op("Add", product, self.const(bias, hint="bias"))

    def activation(self, x, name):
        """An element-wise activation of ours by name."""
        if name == "identity":
            return x
        return self.op({"relu": "Relu", "tanh": "Tanh", "sigmoid": "Sigmoid"}[name], x)
