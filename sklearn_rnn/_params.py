"""Hyperparameters of the recurrent estimators: constraints and documentation.

One place declares every hyperparameter's valid values (scikit-learn's
``_parameter_constraints``), the ones that shape the network (a warm start
cannot keep a network built with other values), and their documentation,
shared by both estimators' docstrings.

Examples
--------
>>> "hidden_size" in PARAMETER_CONSTRAINTS and "hidden_size" in ARCHITECTURE_PARAMS
True
"""

import inspect
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
    "early_stopping": ["boolean"],
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

#: The classifier's own hyperparameters (scikit-learn's classifiers' constraint).
CLASSIFIER_CONSTRAINTS = {
    **PARAMETER_CONSTRAINTS,
    "class_weight": [StrOptions({"balanced"}), dict, None],
}

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
    "downsample",
    "embedding_dim",
    "vocab_size",
    "dtype",
    "data_format",
    "mask_value",
    "scale_input",
)


def with_own_parameters(base_init, **defaults):
    """``base_init`` extended with keyword-only parameters of a subclass's own.

    scikit-learn reads an estimator's hyperparameters from the signature of
    its ``__init__``, so the returned function carries the merged signature;
    it stores each new parameter on the estimator, as scikit-learn requires,
    and passes the rest to ``base_init``.  This spares the subclass a copy of
    the base's forty parameters.
    """

    def __init__(self, *args, **kwargs):
        for name, default in defaults.items():
            setattr(self, name, kwargs.pop(name, default))
        base_init(self, *args, **kwargs)

    signature = inspect.signature(base_init)
    extra = [
        inspect.Parameter(name, inspect.Parameter.KEYWORD_ONLY, default=value)
        for name, value in defaults.items()
    ]
    __init__.__signature__ = signature.replace(
        parameters=[*signature.parameters.values(), *extra]
    )
    return __init__


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


def parameters_doc(stratified, metric, per_step, own="", untrained=""):
    """The numpydoc "Parameters" section shared by both estimators, followed by
    the documentation ``own`` of an estimator's own parameters."""
    return (
        _PARAMETERS_DOC.replace("<<stratified>>", stratified)
        .replace("<<metric>>", metric)
        .replace("<<per_step>>", per_step)
        .replace("<<untrained>>", untrained)
        .rstrip("\n")
        + "\n"
        + own
        + ("" if own else "\n")
    )


CLASS_WEIGHT_DOC = """\
    class_weight : dict, "balanced" or None, default=None
        Weights of the classes, as scikit-learn's classifiers define them: a
        dict ``{label: weight}`` (labels not in it weigh 1; a label that is
        not a class of ``y`` is a ValueError naming it), or "balanced",
        ``n_samples / (n_classes * np.bincount(y))``
        (:func:`~sklearn.utils.class_weight.compute_class_weight`). Each
        sample's weight is its class's weight times its ``sample_weight``;
        the input standardisation and the early-stopping validation score
        are weighted the same way. ``fit`` computes the weights from its
        ``y``; ``partial_fit`` computes "balanced" once, from the first call's
        ``y`` over ``classes`` (every class must occur in it), and reuses
        those weights (``SGDClassifier.partial_fit`` refuses "balanced"
        instead). The weights used are ``class_weight_``. Only for one label
        per sequence: multilabel ``y`` and ``return_sequences=True`` raise a
        ValueError.

"""


_PARAMETERS_DOC = """\
    Parameters
    ----------
    cell : {"gru", "rnn", "lstm"}, default="gru"
        The recurrent cell: "rnn" is the Elman SimpleRNN of the course
        (``activation`` applies to it), "gru" and "lstm" are gated cells with
        PyTorch's equations and gate order (sigmoid gates, tanh candidate; see
        :class:`~sklearn_rnn.nn.cells.GRUCell` and
        :class:`~sklearn_rnn.nn.cells.LSTMCell`). The GRU is the default: on
        real series its gates keep gradients alive over long sequences where
        the Elman cell's vanish (see the README, "Defaults").
    hidden_size : int, default=64
        Number of recurrent units H of each recurrent layer.
    num_layers : int, default=1
        Number of stacked recurrent layers.
    bidirectional : bool, default=False
        Read each sequence in both directions and concatenate the states.
    activation : {"tanh", "sigmoid", "relu", "identity"}, default="tanh"
        Recurrent activation f in ``h_t = f(x_t Wx + h_{t-1} Wh + b)`` of
        ``cell="rnn"`` (the gated cells ignore it).
    pooling : {"last", "mean", "max"}, default="last"
        How the states are summarised for a many-to-one prediction: the final
        state, or the mean or maximum over the valid (non-padding) steps.
    return_sequences : bool, default=False
        Many-to-many: <<per_step>>
    dense_layers : tuple of int, default=()
        Sizes of hidden dense layers between the recurrent stack and the output.
    dense_activation : {"relu", "tanh", "sigmoid", "identity"}, default="relu"
        Activation of the hidden dense layers.
    conv_filters : tuple of int, default=()
        Output channels of each convolution of a convolutional branch that
        reads the input beside the recurrent layers, as GRU-FCN and LSTM-FCN
        do (Karim et al. 2017; Elsayed et al. 2018): the branch standardises
        each series over its own valid steps (it reads shapes; levels and
        scales reach the network through the recurrent branch), then per
        entry a ``Conv1D`` ("same" padding, stride 1), batch normalisation
        and a ReLU, then takes the mean over the valid steps, concatenated
        with the recurrent summary before the dense layers. Padding steps
        are read as zeros and left out of every statistic and the mean.
        () has no convolutional branch.
    conv_kernel_sizes : tuple of int, default=()
        Kernel size (time steps) of each convolution, one per entry of
        ``conv_filters``.
    downsample : int or "auto", default=1
        Read the mean of every ``downsample`` consecutive valid steps as one
        step (the piecewise aggregate approximation of time-series mining):
        every layer then reads, and costs, that many times fewer steps.
        "auto" picks the smallest factor that reads the longest training
        sequence in at most 128 steps (1 for token ids and with
        ``return_sequences``), which bounds what a sequence costs; the factor
        chosen is ``downsample_``.
        Padding is skipped, so pre- and post-padded sequences are read alike.
    dropout : float in [0, 1), default=0.0
        Dropout rate on the connections between layers (training only).
    bptt_truncate : int or None, default=None
        Truncated BPTT window: gradients do not cross window boundaries.
    embedding_dim : int or None, default=None
        If set, ``X`` holds integer token ids (2-D or ragged), read through
        an embedding table of this width; id 0 is padding and is masked.
    vocab_size : int or None, default=None
        Rows of the embedding table; None uses the rows of ``embeddings`` if
        given, else the largest id seen at fit + 1 (a fitted
        ``SequenceVectorizer``'s ``n_tokens_``). Larger ids met later read the
        out-of-vocabulary row 1. With None and no ``embeddings``, a table that
        would need more than 1 GiB is refused with a ValueError (pass
        ``vocab_size``).
    embeddings : array-like of shape (vocab_size, embedding_dim), default=None
        The initial embedding table, row ``i`` for token id ``i`` (e.g.
        pretrained word vectors aligned to a vectorizer's ids by
        :func:`~sklearn_rnn.text.load_word_vectors`), as PyTorch's
        ``nn.Embedding.from_pretrained`` and Keras' ``embeddings_initializer``;
        None draws it at random. Needs ``embedding_dim`` equal to its width;
        its rows are the table's size (``vocab_size`` must be None or equal).
        Like ``init``, it initialises a new network only: a warm start or
        ``partial_fit`` continues the trained table. Copied, never modified.
    freeze_embeddings : bool, default=False
        Never train the embedding table (PyTorch's ``freeze=True``, Keras'
        ``trainable=False``): no gradient step touches it, so it keeps the
        values of ``embeddings`` (or its random initialisation) through
        ``fit``, warm starts and ``partial_fit``; it applies from the next
        call when changed.
    mask_value : float or None, default=None
        Time steps whose features all equal this value are padding (masked),
        as Keras' ``Masking`` layer does. A fitted estimator masks with the
        value it was fitted with.
    scale_input : bool, default=True
        Standardise each input feature inside the estimator: its mean and
        standard deviation over every valid time step of the first fit's
        sequences (``input_mean_``, ``input_scale_``) are applied to every
        later ``X``, as :class:`~sklearn_rnn.preprocessing.SequenceScaler`
        would in a Pipeline. Token ids (``embedding_dim``) are not scaled.
    init : {"xavier", "he", "normal", "orthogonal"}, default="xavier"
        Initializer of the input and dense kernels ("normal" is N(0, 0.01**2)).
    recurrent_init : {"orthogonal", "xavier", "he", "normal"}, default="orthogonal"
        Initializer of the recurrent kernels.
    solver : {"adam", "sgd", "momentum", "adagrad", "rmsprop", "rprop"}, default="adam"
        Optimizer; "rprop" always uses the full batch.
    learning_rate : {"constant", "adaptive"}, default="constant"
        "adaptive" divides the learning rate by 5 each time
        ``n_iter_no_change`` epochs pass without a ``tol`` improvement of the
        training loss (or of the validation score, with
        ``early_stopping``), as scikit-learn's MLP does with
        ``learning_rate="adaptive"`` and Keras' ``ReduceLROnPlateau``;
        training stops at such a plateau once the rate would fall below 1%
        of ``learning_rate_init``. "constant" stops at the first plateau.
        Either multiplies the schedule of ``learning_rate_decay``.
    learning_rate_init : float, default=0.003
        Step size of the first epoch.
    learning_rate_decay : float in (0, 1], default=1.0
        Epoch ``k`` (counted from 0 over all fits with warm start and
        ``partial_fit``) uses ``learning_rate_init * learning_rate_decay**k``;
        1.0 keeps it constant (PyTorch's ``ExponentialLR``).
    momentum : float, default=0.9
        For solver="momentum".
    beta_1, beta_2 : float, default=0.9, 0.999
        For solver="adam".
    epsilon : float, default=1e-8
        Numerical stability term of adam, adagrad and rmsprop.
    alpha : float, default=0.0
        L2 penalty ``0.5 * alpha * ||W||**2`` on the recurrent and dense weight
        matrices (not on biases nor on the embedding table).
    clip_norm : float or None, default=5.0
        Clip the global norm of the gradient at this value.
    recurrent_max_norm : float or None, default=None
        After every update, rescale each recurrent kernel whose spectral norm
        (largest singular value) exceeds this value back to it, as Keras'
        ``recurrent_constraint`` does with its norms. 1.0 keeps a linear
        recurrence (``activation="identity"``) from exploding over long
        sequences; see :mod:`sklearn_rnn.nn.constraints`. Costs one small
        eigenvalue problem per kernel per step.
    batch_size : int or "auto", default=32
        Mini-batch size (at most ``n_samples``), Keras' default: small data
        sets still get several updates per epoch; "auto" is
        ``min(200, n_samples)``, as in ``MLPClassifier``.
    max_iter : int, default=200
        Maximum number of epochs.
    shuffle : bool, default=True
        Shuffle the samples every epoch.
    tol : float, default=1e-4
        Minimum improvement of the loss (or validation score) that counts.
    n_iter_no_change : int, default=30
        Epochs without ``tol`` improvement before stopping (recurrent
        networks often sit on a plateau for a few dozen epochs before they
        find the signal).
    early_stopping : bool, default=False
        Hold out ``validation_fraction`` of the data<<stratified>>, stop when
        its <<metric>> stalls, and restore the weights of the best epoch.<<untrained>>
    validation_fraction : float, default=0.1
        Fraction of the training data held out for early stopping.
    random_state : int, RandomState instance or None, default=None
        Seeds initialisation, shuffling, dropout and the validation split.
    verbose : bool or int, default=False
        Print one line per epoch.
    warm_start : bool, default=False
        Continue from the previous fit's weights and optimizer state. If a
        hyperparameter that shapes the network (``cell``, ``hidden_size``,
        ``num_layers``, ``bidirectional``, ``activation``, ``pooling``,
        ``return_sequences``, ``dense_layers``, ``dense_activation``,
        ``embedding_dim``, ``vocab_size``, ``dtype``, ``data_format``,
        ``mask_value``, ``scale_input``, or
        ``dropout`` from or to 0) changed since, a new network is trained
        instead, with a warning (``partial_fit`` raises a ValueError instead).
    dtype : {"auto", "float32", "float64"}, default="auto"
        Precision of the weights and computations. "auto" follows the
        input, as scikit-learn's ``MLPClassifier`` does: float32 ``X`` trains
        in float32, any other numeric ``X`` in float64; token ids
        (``embedding_dim`` set) train in float32. The precision chosen at
        the first fit is ``dtype_``.
    data_format : {"channels_last", "channels_first"}, default="channels_last"
        Which axis of 3-D ``X`` is time (Keras' name): "channels_last" reads
        ``(n_samples, n_timesteps, n_features)``, as Keras' and PyTorch's
        ``batch_first`` RNNs do; "channels_first" reads ``(n_samples,
        n_features, n_timesteps)``, sktime's numpy3D layout, and each item of
        a ragged list as ``(n_features, n_timesteps_i)``. 2-D ``X`` is
        ``(n_samples, n_timesteps)`` univariate either way. A fitted
        estimator reads ``X`` in the layout it was fitted with.

"""
