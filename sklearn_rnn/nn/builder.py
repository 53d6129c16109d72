"""Assemble the recurrent network the estimators train from plain arguments."""

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
    LastStatePooling,
    MeanPooling,
    Parallel,
    Recurrent,
)
from .network import Network


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
    downsample=1,
    output_init=None,
    alpha=0.0,
    rng=None,
    dtype=np.float32,
):
    """Build ``[Embedding] -> Recurrent(cell) x num_layers -> [pooling] -> Dense...``.

    With ``conv_filters``, a convolutional branch reads the same input beside
    the recurrent stack (GRU-FCN, LSTM-FCN): ``[Conv1D -> BatchNorm -> ReLU]``
    per entry, then the mean over valid steps; both branches' outputs are
    concatenated before the dense layers.

    Parameters
    ----------
    input_size : int
        Features per time step (ignored when ``embedding_dim`` is set).
    n_outputs : int
        Units of the output layer (classes, labels or regression targets).
    loss : loss object
    cell : str, default="rnn"
        The recurrent cell, a key of :data:`sklearn_rnn.nn.cells.CELLS`.
    hidden_size, num_layers, bidirectional, activation, init, recurrent_init,
    bptt_truncate :
        The recurrent stack (see :class:`~sklearn_rnn.nn.layers.Recurrent`);
        ``activation`` is the Elman cell's.
    pooling : {"last", "mean", "max"}
        How a many-to-one network summarises the states.
    return_sequences : bool
        Many-to-many: the dense layers apply at every time step, no pooling.
    dense_layers : tuple of int
        Sizes of hidden dense layers between the recurrent stack and the output.
    dense_activation : str
    dropout : float
        Dropout rate on every connection between layers (not on the raw input
        nor on the recurrent state).
    vocab_size, embedding_dim : int or None
        Token-id input through an embedding table when both are set.
    embeddings : array of shape (vocab_size, embedding_dim) or None
        The table's initial values (else a random initialisation).
    freeze_embeddings : bool
        Never train the table (see :class:`~sklearn_rnn.nn.layers.Embedding`).
    conv_filters, conv_kernel_sizes : tuple of int
        Output channels and kernel size of each convolution of the
        convolutional branch (none: no branch); the same length.
    downsample : int
        Read the mean of every ``downsample`` steps (see
        :class:`~sklearn_rnn.nn.layers.Downsample`); 1 reads every step.
    output_init : str or None
        Initializer of the output layer's kernel: "zeros" makes the
        untrained network's logits 0; None uses ``init``.
    alpha : float
        L2 penalty on weight matrices.
    rng : numpy.random.RandomState
    dtype : numpy dtype

    Returns
    -------
    Network

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
        layers.append(Downsample(downsample))

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
    if conv_filters:
        conv_branch = []
        channels = input_size
        for filters, kernel_size in zip(conv_filters, conv_kernel_sizes):
            conv_branch += [
                Conv1D(channels, filters, kernel_size, rng=rng, dtype=dtype),
                BatchNorm(filters, dtype=dtype),
                Activation("relu"),
            ]
            channels = filters
        if not return_sequences:
            conv_branch.append(MeanPooling())
        layers.append(Parallel({"rnn": recurrent_branch, "conv": conv_branch}))
        input_size = width + channels
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
    layers.append(
        Dense(
            input_size, n_outputs, "identity", output_init or init, rng=rng, dtype=dtype
        )
    )
    return Network(layers, loss, alpha=alpha)
