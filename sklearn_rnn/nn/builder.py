"""Assemble the recurrent network the estimators train from plain arguments.

:mod:`sklearn_rnn.nn.sizes` counts its weights without building it."""

import numpy as np

from .cells import CELLS
from .layers import (
    POOLINGS,
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
    MeanPooling,
    Parallel,
    Recurrent,
)
from .network import Network

#: What ``downsample`` reads of each window of steps (see ``build_network``).
WINDOW_STATISTICS = ("mean", "max", "min")


def build_network(
    input_size,
    n_outputs,
    loss,
    *,
    cell="rnn",
    hidden_size=32,
    num_layers=1,
    bidirectional=False,
    activation="tanh",
    init="xavier",
    recurrent_init="orthogonal",
    pooling="last",
    return_sequences=False,
    dense_layers=(),
    dense_activation="relu",
    dropout=0.0,
    bptt_truncate=None,
    vocab_size=None,
    embedding_dim=None,
    embeddings=None,
    freeze_embeddings=False,
    conv_filters=(),
    conv_kernel_sizes=(),
    flat_units=0,
    flat_steps=0,
    downsample=1,
    alpha=0.0,
    rng=None,
    dtype=np.float32,
):
    """Build ``[Embedding] -> Recurrent(cell) x num_layers -> [pooling] -> Dense...``.

    With ``conv_filters``, a convolutional branch reads the same input beside
    the recurrent stack (GRU-FCN, LSTM-FCN): the input and its
    ``InstanceNorm`` side by side, then ``[Conv1D -> BatchNorm -> ReLU]`` per
    entry, then the mean over valid steps; both branches' outputs are
    concatenated before the dense layers.  With ``flat_units``, a flat
    branch reads it too, as an MLP reads a flattened series: ``Flatten``
    (each valid step at its position) then a ``Dense`` layer.

    Parameters
    ----------
    input_size : int
        Features per time step (ignored when ``embedding_dim`` is set).
    n_outputs : int
        Units of the output layer (classes, labels or regression targets).
    loss : SoftmaxCrossEntropy, SigmoidBinaryCrossEntropy or SquaredError
        The loss on the output layer's logits (see
        :mod:`sklearn_rnn.nn.losses`).
    cell : {"rnn", "gru", "lstm"}, default="rnn"
        The recurrent cell, a key of :data:`sklearn_rnn.nn.cells.CELLS`.
    hidden_size : int, default=32
        Units of each recurrent layer (per direction).
    num_layers : int, default=1
        Stacked recurrent layers.
    bidirectional : bool, default=False
        Each recurrent layer also reads the sequences backwards, and
        concatenates both directions' states (``2 * hidden_size`` features).
    activation : {"tanh", "sigmoid", "relu", "identity"}, default="tanh"
        The Elman cell's non-linearity (``cell="rnn"`` only).
    init : str, default="xavier"
        Initializer of the cells' input kernels and of the dense layers'
        weights.
    recurrent_init : str, default="orthogonal"
        Initializer of the cells' recurrent kernels.
    pooling : {"last", "mean", "max"}, default="last"
        How a many-to-one network summarises the states.
    return_sequences : bool, default=False
        Many-to-many: the dense layers apply at every time step, no pooling.
    dense_layers : tuple of int, default=()
        Sizes of hidden dense layers between the recurrent stack and the output.
    dense_activation : str, default="relu"
        The activation of the hidden dense layers.
    dropout : float, default=0.0
        Dropout rate on every connection between layers (not on the raw input
        nor on the recurrent state).
    bptt_truncate : int or None, default=None
        Truncated backpropagation through time: gradients do not cross
        windows of this many steps (see
        :class:`~sklearn_rnn.nn.layers.Recurrent`); None back-propagates
        through every step.
    vocab_size : int or None, default=None
        Rows of the embedding table (with ``embedding_dim``).
    embedding_dim : int or None, default=None
        If set, the input is token ids read through an embedding table of
        this width.
    embeddings : array of shape (vocab_size, embedding_dim) or None, default=None
        The table's initial values (else a random initialisation).
    freeze_embeddings : bool, default=False
        Never train the table (see :class:`~sklearn_rnn.nn.layers.Embedding`).
    conv_filters : tuple of int, default=()
        Output channels of each convolution of the convolutional branch
        (none: no branch).
    conv_kernel_sizes : tuple of int, default=()
        Kernel size of each convolution, as many as ``conv_filters``.
    flat_units : int, default=0
        Units of the flat branch's dense layer (``dense_activation``); 0: no
        branch.
    flat_steps : int, default=0
        The positions the flat branch reads (see
        :class:`~sklearn_rnn.nn.layers.Flatten`), after downsampling.
    downsample : int, default=1
        Read every window of ``downsample`` valid steps as its mean, maximum
        and minimum (three features per input feature; see
        :class:`~sklearn_rnn.nn.layers.Downsample`); 1 reads every step.
    alpha : float, default=0.0
        L2 penalty on weight matrices.
    rng : numpy.random.RandomState, default=None
        Source of the initial weights and of the dropout masks; None is
        ``RandomState(0)``.
    dtype : numpy dtype, default=np.float32
        Data type of the weights.

    Returns
    -------
    Network
        The network, its weights initialised, ready to train.

    See Also
    --------
    count_parameters : The number of weights, without building the network.
    Network : The stack of layers and its loss.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_rnn.nn.losses import SquaredError
    >>> rng = np.random.RandomState(0)
    >>> net = build_network(3, 1, SquaredError(), hidden_size=4, rng=rng)
    >>> net.predict(np.zeros((5, 2, 3), dtype=np.float32)).shape   # (T, N, D) in
    (2, 1)
    """
    rng = np.random.RandomState(0) if rng is None else rng
    layers = []

    def dropout_layer():
        return [Dropout(dropout, rng)] if dropout else []

    def add_dropout():
        layers.extend(dropout_layer())

    if embedding_dim is not None:
        layers.append(
            Embedding(
                vocab_size,
                embedding_dim,
                rng=rng,
                dtype=dtype,
                weights=embeddings,
                trainable=not freeze_embeddings,
            )
        )
        input_size = embedding_dim
        add_dropout()
    if downsample > 1:
        # Each window of steps is read as its mean, maximum and minimum: a
        # mean alone (PAA) flattens the short spikes an appliance's power
        # trace is recognised by (ACSF1, windows of 12 steps, 3-fold CV on
        # its training split: 0.70 against 0.57).
        layers.append(
            Parallel(
                {
                    statistic: [Downsample(downsample, statistic=statistic)]
                    for statistic in WINDOW_STATISTICS
                }
            )
        )
        input_size *= len(WINDOW_STATISTICS)

    def recurrent(size_in):
        options = {"activation": activation} if cell == "rnn" else {}
        return Recurrent(
            CELLS[cell](
                size_in,
                hidden_size,
                init=init,
                recurrent_init=recurrent_init,
                rng=rng,
                dtype=dtype,
                **options,
            ),
            bptt_truncate,
        )

    recurrent_branch = []
    width = input_size
    for depth in range(num_layers):
        if depth:
            recurrent_branch.extend(dropout_layer())
        if bidirectional:
            recurrent_branch.append(Bidirectional(recurrent(width), recurrent(width)))
        else:
            recurrent_branch.append(recurrent(width))
        width = recurrent_branch[-1].hidden_size
    if not return_sequences:
        if pooling == "last":
            recurrent_branch.append(
                LastStatePooling(hidden_size if bidirectional else None)
            )
        else:
            recurrent_branch.append(POOLINGS[pooling]())
    branches = {"rnn": recurrent_branch}
    if conv_filters:
        # The branch reads each series as it is and standardised over its
        # own valid steps: its shape, whatever its level and scale.  Series
        # whose scales differ by orders of magnitude (PLAID's appliances)
        # are otherwise flat after the batch normalisation, and levels tell
        # classes apart elsewhere (JapaneseVowels, ACSF1).  3-fold CV on the
        # training splits: PLAID 0.64 with both views, 0.61 with the shape
        # alone, 0.28 with the series alone; JapaneseVowels 0.97, 0.91, 0.97.
        conv_branch = [Parallel({"series": [], "shape": [InstanceNorm()]})]
        channels = 2 * input_size
        for filters, kernel_size in zip(conv_filters, conv_kernel_sizes):
            conv_branch += [
                Conv1D(
                    channels, filters, kernel_size, use_bias=False, rng=rng, dtype=dtype
                ),
                BatchNorm(filters, unbiased=False, dtype=dtype),
                Activation("relu"),
            ]
            channels = filters
        if not return_sequences:
            conv_branch.append(MeanPooling())
        branches["conv"] = conv_branch
        width += channels
    if flat_units:
        if return_sequences:
            raise ValueError(
                "flat_units needs one output per sequence; it cannot be used with "
                "return_sequences=True."
            )
        # Absolute positions, which a recurrent or convolutional summary
        # does not see: what the MLP reads on short aligned series.
        flat = Dense(
            flat_steps * input_size,
            flat_units,
            dense_activation,
            init,
            rng=rng,
            dtype=dtype,
        )
        flat.role = "flat"  # its weights are "flat.0.kernel", "flat.0.bias"
        branches["flat"] = [Flatten(flat_steps), flat]
        width += flat_units
    if len(branches) > 1:
        layers.append(Parallel(branches))
    else:
        layers.extend(recurrent_branch)
    input_size = width
    for units in dense_layers:
        add_dropout()
        layers.append(
            Dense(input_size, units, dense_activation, init, rng=rng, dtype=dtype)
        )
        input_size = units
    add_dropout()
    layers.append(Dense(input_size, n_outputs, "identity", init, rng=rng, dtype=dtype))
    return Network(layers, loss, alpha=alpha)
