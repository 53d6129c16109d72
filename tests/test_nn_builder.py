"""``build_network`` (``nn/builder.py``) and the ``Network`` it returns
(``nn/network.py``): layer order, weight shapes and names."""

import numpy as np
import pytest
from numpy.testing import assert_array_equal

from sklearn_rnn.nn import (
    SoftmaxCrossEntropy,
    SquaredError,
    build_network,
    count_parameters,
)
from sklearn_rnn.nn.sizes import count_buffers


def build(**options):
    """A network of 3 input features, hidden size 4 and 2 outputs."""
    return build_network(3, 2, SquaredError(), hidden_size=4, **options)


def kinds(net):
    return [type(layer).__name__ for layer in net.layers]


@pytest.mark.parametrize(
    "options, expected",
    [
        ({}, ["Recurrent", "LastStatePooling", "Dense"]),
        ({"pooling": "mean"}, ["Recurrent", "MeanPooling", "Dense"]),
        ({"pooling": "max"}, ["Recurrent", "MaxPooling", "Dense"]),
        ({"bidirectional": True}, ["Bidirectional", "LastStatePooling", "Dense"]),
        ({"return_sequences": True}, ["Recurrent", "Dense"]),
        (
            {"return_sequences": True, "dense_layers": (5,)},
            ["Recurrent"] + 2 * ["Dense"],
        ),
        (
            {"embedding_dim": 6, "vocab_size": 10},
            ["Embedding", "Recurrent", "LastStatePooling", "Dense"],
        ),
        # Dropout: never on the raw input, before every other connection.
        ({"dropout": 0.1}, ["Recurrent", "LastStatePooling", "Dropout", "Dense"]),
        (
            {"dropout": 0.1, "num_layers": 2},
            [
                "Recurrent",
                "Dropout",
                "Recurrent",
                "LastStatePooling",
                "Dropout",
                "Dense",
            ],
        ),
        (
            {
                "dropout": 0.1,
                "embedding_dim": 6,
                "vocab_size": 10,
                "dense_layers": (5,),
            },
            [
                "Embedding",
                "Dropout",
                "Recurrent",
                "LastStatePooling",
                "Dropout",
                "Dense",
                "Dropout",
                "Dense",
            ],
        ),
    ],
    ids=[
        "default",
        "mean",
        "max",
        "bidirectional",
        "sequences",
        "sequences-dense",
        "embedding",
        "dropout",
        "dropout-stacked",
        "dropout-embedding-dense",
    ],
)
def test_layer_sequence_for_the_options(options, expected):
    assert kinds(build(**options)) == expected


def test_bidirectional_last_state_pooling_splits_at_the_forward_size():
    assert build().layers[1].split is None
    net = build(bidirectional=True, rng=np.random.RandomState(0))
    pooling = net.layers[1]
    assert pooling.split == 4
    assert net.layers[0].hidden_size == 8
    assert net.layers[-1].kernel.shape == (8, 2)
    x = np.random.RandomState(1).randn(5, 2, 3).astype(np.float32)
    states = net.layers[0].forward(x)
    # The forward half's last state, the backward half's state at step 0.
    assert_array_equal(
        net.features(x), np.concatenate([states[-1, :, :4], states[0, :, 4:]], axis=1)
    )
    assert type(build(bidirectional=True, pooling="mean").layers[1]).__name__ == (
        "MeanPooling"
    )


def test_dense_layers_sizes_and_activations():
    net = build(dense_layers=(5, 3), dense_activation="sigmoid")
    dense = net.layers[2:]
    assert [layer.kernel.shape for layer in dense] == [(4, 5), (5, 3), (3, 2)]
    assert [layer.bias.shape for layer in dense] == [(5,), (3,), (2,)]
    assert [layer.activation.name for layer in dense] == [
        "sigmoid",
        "sigmoid",
        "identity",
    ]


@pytest.mark.parametrize(
    "cell, layer_name, shapes",
    [
        ("rnn", "SimpleRNN", [(3, 4), (4, 4), (4,)]),
        ("gru", "GRU", [(3, 12), (4, 12), (12,), (12,)]),
        ("lstm", "LSTM", [(3, 16), (4, 16), (16,)]),
    ],
)
def test_cell_weight_shapes_and_param_names(cell, layer_name, shapes):
    net = build(cell=cell)
    weights = ["kernel", "recurrent_kernel", "bias", "recurrent_bias"][: len(shapes)]
    assert net.param_names == [f"rnn.0.{w}" for w in weights] + [
        "head.0.kernel",
        "head.0.bias",
    ]
    assert [p.shape for p in net.params] == shapes + [(4, 2), (2,)]
    assert net.layers[0].name == layer_name


def test_stacked_and_bidirectional_layers_read_the_layer_below():
    net = build(num_layers=2, bidirectional=True)
    assert net.layers[1].params[0].shape == (8, 4)  # forward kernel: 2 x 4 in
    assert net.param_names[3:9] == [
        "rnn.0.reverse.kernel",
        "rnn.0.reverse.recurrent_kernel",
        "rnn.0.reverse.bias",
        "rnn.1.kernel",
        "rnn.1.recurrent_kernel",
        "rnn.1.bias",
    ]


def test_embedding_sets_the_recurrent_input_size():
    net = build(embedding_dim=6, vocab_size=10)
    assert net.param_names[:2] == ["embedding.0.embeddings", "rnn.0.kernel"]
    assert net.params[0].shape == (10, 6)
    assert net.params[1].shape == (6, 4)  # input_size=3 is ignored


def test_dtype_seed_activation_and_alpha():
    net = build(dtype=np.float64, activation="relu", alpha=0.5)
    assert {p.dtype for p in net.params} == {np.dtype(np.float64)}
    assert net.layers[0].cell.activation.name == "relu"
    assert net.alpha == 0.5
    same = build(rng=np.random.RandomState(0))  # rng=None seeds with 0
    other = build(rng=np.random.RandomState(1))
    for a, b, c in zip(build().params, same.params, other.params):
        assert_array_equal(a, b)
        assert a.ndim == 1 or not np.array_equal(a, c)  # biases start at zero


def test_network_repr():
    net = build_network(3, 2, SoftmaxCrossEntropy(), hidden_size=4, alpha=0.01)
    assert repr(net) == (
        "Network(\n"
        "  (0) SimpleRNN(SimpleRNNCell(hidden_size=4, activation='tanh'), "
        "kernel=(3, 4), recurrent_kernel=(4, 4), bias=(4,))\n"
        "  (1) LastStatePooling()\n"
        "  (2) Dense(kernel=(4, 2), bias=(2,))\n"
        "  loss=SoftmaxCrossEntropy, alpha=0.01)"
    )


def test_named_params_are_the_parameter_arrays_themselves():
    net = build(dense_layers=(5,))
    named = net.named_params()
    assert list(named) == net.param_names
    assert all(a is b for a, b in zip(named.values(), net.params))
    named["head.1.bias"][:] = 7.0
    assert_array_equal(net.layers[3].bias, np.full(2, 7.0))


def test_sparse_rows_name_the_embedding_rows_a_batch_used():
    assert build().sparse_rows == {}
    net = build(embedding_dim=6, vocab_size=10, dtype=np.float64)
    ids = np.array([[3, 0], [5, 3]])  # (T, N); id 0 is padding
    net.loss_and_gradients(ids, np.zeros((2, 2)), np.ones(2), ids != 0)
    rows = net.sparse_rows
    assert list(rows) == [0]
    assert_array_equal(rows[0], [3, 5])
    untouched = np.setdiff1d(np.arange(10), [3, 5])
    assert not net.grads[0][untouched].any()
    assert net.grads[0][[3, 5]].any(axis=1).all()


@pytest.mark.parametrize("cell", ["rnn", "gru", "lstm"])
@pytest.mark.parametrize("bidirectional", [False, True])
@pytest.mark.parametrize("num_layers", [1, 3])
@pytest.mark.parametrize(
    "options",
    [
        {},
        {"dense_layers": (5, 7), "pooling": "max"},
        {"embedding_dim": 6, "vocab_size": 11, "return_sequences": True},
        {"dropout": 0.5, "dense_layers": (2,)},
        {"conv_filters": (5, 3), "conv_kernel_sizes": (4, 2), "dense_layers": (2,)},
        {
            "conv_filters": (2,),
            "conv_kernel_sizes": (3,),
            "embedding_dim": 6,
            "vocab_size": 11,
            "downsample": 2,
        },
        {"flat_units": 3, "flat_steps": 5, "dense_layers": (2,)},
        {
            "conv_filters": (2,),
            "conv_kernel_sizes": (3,),
            "flat_units": 4,
            "flat_steps": 2,
            "downsample": 3,
        },
    ],
)
def test_count_parameters_is_the_size_of_the_built_network(
    cell, bidirectional, num_layers, options
):
    """The rule model files are bounded by: the product of every layer's
    widths, gates and directions, counted without building."""
    shape = dict(cell=cell, num_layers=num_layers, bidirectional=bidirectional)
    net = build(**shape, **options)  # hidden_size 4
    counted = count_parameters(
        3,
        2,
        hidden_size=4,
        **shape,
        **{
            k: v
            for k, v in options.items()
            if k
            in (
                "dense_layers",
                "vocab_size",
                "embedding_dim",
                "conv_filters",
                "conv_kernel_sizes",
                "flat_units",
                "flat_steps",
                "downsample",
            )
        },
    )
    assert counted == sum(param.size for param in net.params)
    assert count_buffers(options.get("conv_filters", ())) == sum(
        buffer.size for buffer in net.buffers
    )


def test_a_network_with_other_params_is_bound_to_them_everywhere():
    rng = np.random.RandomState(0)
    options = dict(embedding_dim=2, vocab_size=9, dense_layers=(3,), alpha=0.1)
    net = build(bidirectional=True, rng=rng, **options)
    copies = [param + 1 for param in net.params]
    other = net.with_params(copies)
    assert all(a is b for a, b in zip(other.params, copies))
    reachable = {id(p) for p, _ in other._penalized} | {
        id(p) for layer in other.layers for p in layer.params
    }
    assert reachable <= {id(p) for p in copies}
    assert {id(layer) for _, layer in other._row_sparse} <= {
        id(layer) for layer in other.layers
    }
    assert all(p is not q for p, q in zip(net.params, other.params))
    ids = rng.randint(1, 9, size=(5, 4))
    assert not np.allclose(other.predict(ids), net.predict(ids))
