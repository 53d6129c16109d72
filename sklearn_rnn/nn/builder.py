"""Assemble the recurrent network the estimators train from plain arguments."""

import numpy as np

from .cells import CELLS
from .layers import (
    POOLINGS,
    Bidirectional,
    Dense,
    Dropout,
    Embedding,
    LastStatePooling,
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
    alpha=0.0,
    rng=None,
    dtype=np.float32,
):
    """Build ``[Embedding] -> Recurrent(cell) x num_layers -> [pooling] -> Dense...``.

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

    def add_dropout():
        if dropout:
            layers.append(Dropout(dropout, rng))

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

    for depth in range(num_layers):
        if depth:
            add_dropout()
        if bidirectional:
            layers.append(Bidirectional(recurrent(input_size), recurrent(input_size)))
        else:
            layers.append(recurrent(input_size))
        input_size = layers[-1].hidden_size

    if not return_sequences:
        if pooling == "last":
            layers.append(LastStatePooling(hidden_size if bidirectional else None))
        else:
            layers.append(POOLINGS[pooling]())
    for units in dense_layers:
        add_dropout()
        layers.append(
            Dense(input_size, units, dense_activation, init, rng=rng, dtype=dtype)
        )
        input_size = units
    add_dropout()
    layers.append(Dense(input_size, n_outputs, "identity", init, rng=rng, dtype=dtype))
    return Network(layers, loss, alpha=alpha)
