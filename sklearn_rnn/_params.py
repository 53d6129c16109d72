"""Hyperparameters of the recurrent estimators: their constraints.

One place declares every hyperparameter's valid values (scikit-learn's
``_parameter_constraints``), the ones that shape the network (a warm start
cannot keep a network built with other values), and checks of the values
whose validity depends on others (layer sizes, the embedding table). Their
documentation is each estimator's docstring.

Examples
--------
>>> "hidden_size" in PARAMETER_CONSTRAINTS and "hidden_size" in ARCHITECTURE_PARAMS
True
"""

from numbers import Integral, Real

import numpy as np
from sklearn.utils._param_validation import Options, StrOptions

from ._constraints import Number
from .nn.activations import ACTIVATIONS
from .nn.cells import CELLS
from .nn.initializers import INITIALIZERS
from .nn.layers import POOLINGS
from .nn.optimizers import OPTIMIZERS

PARAMETER_CONSTRAINTS = {
    "cell": [StrOptions(set(CELLS))],
    "hidden_size": [Number(Integral, 1, None, closed="left")],
    "num_layers": [Number(Integral, 1, None, closed="left")],
    "bidirectional": ["boolean"],
    "activation": [StrOptions(set(ACTIVATIONS))],
    "pooling": [StrOptions(set(POOLINGS))],
    "return_sequences": ["boolean"],
    "dense_layers": [tuple, list],
    "conv_filters": [StrOptions({"auto"}), tuple, list],
    "conv_kernel_sizes": [tuple, list],
    "flat_units": [Number(Integral, 0, None, closed="left")],
    "downsample": [StrOptions({"auto"}), Number(Integral, 1, None, closed="left")],
    "dense_activation": [StrOptions(set(ACTIVATIONS))],
    "dropout": [Number(Real, 0, 1, closed="left")],
    "bptt_truncate": [Number(Integral, 1, None, closed="left"), None],
    "embedding_dim": [Number(Integral, 1, None, closed="left"), None],
    "vocab_size": [Number(Integral, 2, None, closed="left"), None],
    "embeddings": ["array-like", None],
    "freeze_embeddings": ["boolean"],
    "mask_value": [Number(Real, None, None, closed="neither"), None],
    "scale_input": ["boolean"],
    "init": [StrOptions(set(INITIALIZERS))],
    "recurrent_init": [StrOptions(set(INITIALIZERS))],
    "solver": [StrOptions(set(OPTIMIZERS))],
    "learning_rate": [StrOptions({"constant", "adaptive"})],
    "learning_rate_init": [Number(Real, 0, None, closed="neither")],
    "learning_rate_decay": [Number(Real, 0, 1, closed="right")],
    "momentum": [Number(Real, 0, 1, closed="left")],
    "beta_1": [Number(Real, 0, 1, closed="left")],
    "beta_2": [Number(Real, 0, 1, closed="left")],
    "epsilon": [Number(Real, 0, None, closed="neither")],
    "alpha": [Number(Real, 0, None, closed="left")],
    "clip_norm": [Number(Real, 0, None, closed="neither"), None],
    "recurrent_max_norm": [Number(Real, 0, None, closed="neither"), None],
    "batch_size": [StrOptions({"auto"}), Number(Integral, 1, None, closed="left")],
    "max_iter": [Number(Integral, 1, None, closed="left")],
    "shuffle": ["boolean"],
    "tol": [Number(Real, 0, None, closed="left")],
    "n_iter_no_change": [Number(Integral, 1, None, closed="left")],
    "early_stopping": ["boolean", StrOptions({"auto"})],
    "validation_fraction": [Number(Real, 0, 1, closed="neither")],
    "random_state": ["random_state"],
    "verbose": ["verbose"],
    "warm_start": ["boolean"],
    "dtype": [
        StrOptions({"auto", "float32", "float64"}),
        Options(type, {np.float32, np.float64}),
    ],
    "data_format": [StrOptions({"channels_last", "channels_first"})],
}

#: The classifier's hyperparameters: the shared ones and ``class_weight``
#: (scikit-learn's classifiers' constraint).
CLASSIFIER_CONSTRAINTS = {
    **PARAMETER_CONSTRAINTS,
    "class_weight": [StrOptions({"balanced"}), dict, None],
}
#: The regressor's hyperparameters: the shared ones and ``scale_target``.
REGRESSOR_CONSTRAINTS = {**PARAMETER_CONSTRAINTS, "scale_target": ["boolean"]}

#: Hyperparameters that shape the network, or how it reads ``X``
#: (``data_format``, ``mask_value``): a warm start or partial_fit cannot
#: continue with a network built with other values, and predictions use the
#: values it was built with.
ARCHITECTURE_PARAMS = (
    "cell",
    "hidden_size",
    "num_layers",
    "bidirectional",
    "activation",
    "pooling",
    "return_sequences",
    "dense_layers",
    "dense_activation",
    "conv_filters",
    "conv_kernel_sizes",
    "flat_units",
    "downsample",
    "embedding_dim",
    "vocab_size",
    "dtype",
    "data_format",
    "mask_value",
    "scale_input",
)


#: Hyperparameters that hold a tuple of layer sizes (stored as JSON lists).
SIZE_TUPLES = {
    "dense_layers": "the sizes of hidden dense layers",
    "conv_filters": "the output channels of the convolutions",
    "conv_kernel_sizes": "the kernel sizes of the convolutions",
}


#: ``conv_filters="auto"`` for dense input (token ids get no branch).
AUTO_CONV_FILTERS = (32, 64, 32)


def resolved_conv_filters(params):
    """The filter counts ``params`` build: ``"auto"`` is
    :data:`AUTO_CONV_FILTERS` for dense input and () for token ids
    (``embedding_dim`` set), a convolution over thousands of token steps
    being a text model of its own.

    Examples
    --------
    >>> resolved_conv_filters({"conv_filters": "auto", "embedding_dim": None})
    (32, 64, 32)
    >>> resolved_conv_filters({"conv_filters": "auto", "embedding_dim": 8})
    ()
    """
    filters = params["conv_filters"]
    if isinstance(filters, str):  # "auto"
        return () if params["embedding_dim"] is not None else AUTO_CONV_FILTERS
    return tuple(int(units) for units in filters)


def check_layer_sizes(params):
    """Raise a ValueError naming the parameter unless every tuple of layer
    sizes in ``params`` holds positive ints, and the convolutions have one
    kernel size per filter count."""
    for name, meaning in SIZE_TUPLES.items():
        if isinstance(params[name], str):  # conv_filters="auto"
            continue
        for units in params[name]:
            if (
                isinstance(units, (bool, np.bool_))
                or not isinstance(units, Integral)
                or units < 1
            ):
                raise ValueError(
                    f"{name} must hold positive integers ({meaning}); got "
                    f"{units!r} in {tuple(params[name])!r}."
                )
    filters = resolved_conv_filters(params)
    if filters and len(filters) != len(params["conv_kernel_sizes"]):
        raise ValueError(
            "conv_kernel_sizes must give one kernel size per entry of conv_filters; "
            f"got {len(params['conv_kernel_sizes'])} kernel sizes for "
            f"{len(filters)} filter counts {filters}."
        )


def check_embeddings(embeddings, embedding_dim, vocab_size):
    """Raise a ValueError (TypeError for non-numbers) naming ``embeddings`` unless
    it is a finite 2-D table of ``embedding_dim`` columns and ``vocab_size`` rows.

    Examples
    --------
    >>> check_embeddings([[0.0, 1.0]] * 3, embedding_dim=2, vocab_size=None)
    >>> check_embeddings([[0.0, 1.0]] * 3, embedding_dim=4, vocab_size=None)
    Traceback (most recent call last):
    ...
    ValueError: embeddings has 2 columns, so embedding_dim must be 2; got 4.
    """
    if embeddings is None:
        return
    table = np.asarray(embeddings)
    if table.dtype.kind not in "iuf":
        raise TypeError(
            f"embeddings must hold real numbers; got an array of dtype {table.dtype}."
        )
    if table.ndim != 2 or len(table) < 2:
        raise ValueError(
            "embeddings must be a 2-D array of shape (vocab_size, embedding_dim) "
            f"with at least 2 rows (padding and out-of-vocabulary); got shape "
            f"{table.shape}."
        )
    rows, columns = table.shape
    if embedding_dim != columns:
        raise ValueError(
            f"embeddings has {columns} columns, so embedding_dim must be {columns}; "
            f"got {embedding_dim}."
        )
    if vocab_size not in (None, rows):
        raise ValueError(
            f"embeddings has {rows} rows, so vocab_size must be {rows} or None; got "
            f"{vocab_size}."
        )
    finite = np.isfinite(table).all(axis=1)
    if not finite.all():
        raise ValueError(
            f"embeddings holds NaN or infinite values (first in row "
            f"{int(np.argmin(finite))})."
        )


def architecture(params):
    """The network-shaping part of ``params`` (a ``get_params()`` dict)."""
    shape = {name: params[name] for name in ARCHITECTURE_PARAMS}
    for name in SIZE_TUPLES:
        if not isinstance(shape[name], str):  # conv_filters="auto" stays
            shape[name] = tuple(int(units) for units in shape[name])
    shape["dtype"] = (
        params["dtype"]
        if isinstance(params["dtype"], str)
        else np.dtype(params["dtype"]).name
    )
    shape["dropout"] = params["dropout"] > 0  # the rate itself can change
    return shape
