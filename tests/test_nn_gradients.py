"""Finite-difference checks of every layer and of whole networks (float64)."""

import numpy as np
import pytest
from numpy.testing import assert_allclose

from sklearn_rnn.nn.activations import ACTIVATIONS
from sklearn_rnn.nn.builder import build_network
from sklearn_rnn.nn.gradcheck import check_network_gradients, numerical_gradient
from sklearn_rnn.nn.layers import SimpleRNN
from sklearn_rnn.nn.losses import (
    SigmoidBinaryCrossEntropy,
    SoftmaxCrossEntropy,
    SquaredError,
)

T, N, D = 5, 3, 2
TOLERANCE = 1e-6


def ragged_mask():
    mask = np.ones((T, N), bool)
    mask[:2, 0] = False  # pre-padded sample
    mask[3:, 1] = False  # post-padded sample
    return mask


def targets(loss, n_outputs, shape, rng):
    if isinstance(loss, SoftmaxCrossEntropy):
        return rng.randint(0, n_outputs, size=shape)
    if isinstance(loss, SigmoidBinaryCrossEntropy):
        return rng.randint(0, 2, size=shape + (n_outputs,)).astype(float)
    return rng.randn(*shape, n_outputs)


def assert_gradients_match(net, x, y, weights, mask=None):
    # Non-zero biases keep ReLU pre-activations off their kink at 0, where
    # finite differences see half a slope.
    rng = np.random.RandomState(99)
    for param in net.params:
        if param.ndim == 1:
            param += 0.1 * rng.randn(*param.shape)
    errors = check_network_gradients(net, x, y, weights, mask)
    assert max(errors) < TOLERANCE, errors


@pytest.mark.parametrize("activation", sorted(ACTIVATIONS))
@pytest.mark.parametrize(
    "loss",
    [SoftmaxCrossEntropy(), SigmoidBinaryCrossEntropy(), SquaredError()],
    ids=lambda loss: type(loss).__name__,
)
@pytest.mark.parametrize("return_sequences", [False, True])
def test_network_gradients_each_activation_loss_and_output_mode(
    activation, loss, return_sequences
):
    rng = np.random.RandomState(0)
    net = build_network(
        D,
        3,
        loss,
        hidden_size=4,
        activation=activation,
        return_sequences=return_sequences,
        dense_layers=(3,),
        rng=np.random.RandomState(1),
        dtype=np.float64,
        alpha=0.01,
    )
    shape = (T, N) if return_sequences else (N,)
    weights = rng.rand(*shape)
    assert_gradients_match(
        net, rng.randn(T, N, D), targets(loss, 3, shape, rng), weights
    )


@pytest.mark.parametrize("pooling", ["last", "mean", "max"])
@pytest.mark.parametrize("bidirectional", [False, True])
@pytest.mark.parametrize("num_layers", [1, 2])
def test_network_gradients_with_masks_pooling_stacking_bidirectional(
    pooling, bidirectional, num_layers
):
    rng = np.random.RandomState(2)
    net = build_network(
        D,
        2,
        SoftmaxCrossEntropy(),
        hidden_size=3,
        num_layers=num_layers,
        bidirectional=bidirectional,
        pooling=pooling,
        dropout=0.3,
        rng=np.random.RandomState(3),
        dtype=np.float64,
    )
    assert_gradients_match(
        net, rng.randn(T, N, D), rng.randint(0, 2, N), rng.rand(N), ragged_mask()
    )


def test_network_gradients_return_sequences_with_masks_and_bidirectional():
    rng = np.random.RandomState(4)
    net = build_network(
        D,
        2,
        SquaredError(),
        hidden_size=3,
        bidirectional=True,
        return_sequences=True,
        rng=np.random.RandomState(5),
        dtype=np.float64,
    )
    mask = ragged_mask()
    assert_gradients_match(
        net, rng.randn(T, N, D), rng.randn(T, N, 2), rng.rand(T, N) * mask, mask
    )


def test_network_gradients_through_embedding():
    rng = np.random.RandomState(6)
    net = build_network(
        None,
        2,
        SoftmaxCrossEntropy(),
        hidden_size=3,
        vocab_size=7,
        embedding_dim=4,
        rng=np.random.RandomState(7),
        dtype=np.float64,
    )
    ids = rng.randint(1, 7, size=(T, N))
    ids[:2, 0] = 0  # padding
    mask = ids != 0
    assert_gradients_match(net, ids, rng.randint(0, 2, N), np.ones(N), mask)


def test_truncated_bptt_gradient_equals_detached_windows():
    """bptt_truncate=k: the gradient is that of a graph where the state is
    treated as a constant at every k-step window boundary."""
    rng = np.random.RandomState(8)
    x = rng.randn(6, 2, D)
    rnn = SimpleRNN(
        D, 3, rng=np.random.RandomState(9), dtype=np.float64, bptt_truncate=2
    )
    upstream = rng.randn(6, 2, 3)

    def loss_with_detached_state():
        # Re-run the recurrence where h_{t-1} at boundaries t = 2, 4 enters
        # as a constant computed from the current weights.
        h, total = np.zeros((2, 3)), 0.0
        for t in range(6):
            h_in = h
            if t % 2 == 0 and t > 0:
                h_in = frozen[t]
            h = np.tanh(x[t] @ rnn.Wx + h_in @ rnn.Wh + rnn.b)
            total += np.sum(h * upstream[t])
        return total

    states = rnn.forward(x, training=True)
    frozen = {t: states[t - 1].copy() for t in (2, 4)}
    rnn.backward(upstream)
    for param, grad in zip(rnn.params, rnn.grads):
        assert_allclose(
            grad,
            numerical_gradient(loss_with_detached_state, param),
            rtol=1e-6,
            atol=1e-9,
        )


def test_early_stop_of_decayed_gradient_changes_nothing_in_float32():
    """A long many-to-one sequence: the carried gradient decays to denormal
    range; stopping the recursion early gives the same gradients."""
    rng = np.random.RandomState(10)
    T_long = 400
    rnn = SimpleRNN(4, 8, rng=np.random.RandomState(11), dtype=np.float32)
    rnn.Wh *= 0.3
    x = rng.randn(T_long, 5, 4).astype(np.float32)
    upstream = np.zeros((T_long, 5, 8), np.float32)
    upstream[-1] = rng.randn(5, 8)
    rnn.forward(x, training=True)
    rnn.backward(upstream)
    fast = [g.copy() for g in rnn.grads]
    rnn.gradient_cutoff = 0.0
    rnn.backward(upstream)
    for mine, exact in zip(fast, rnn.grads):
        assert_allclose(mine, exact, rtol=1e-6, atol=1e-30)


def test_gradient_check_catches_a_wrong_gradient():
    """The checker itself must fail on a broken backward pass."""
    rng = np.random.RandomState(12)
    net = build_network(
        D,
        1,
        SquaredError(),
        hidden_size=3,
        rng=np.random.RandomState(0),
        dtype=np.float64,
    )
    rnn = net.layers[0]
    original = rnn.backward

    def broken(dstates):
        dx = original(dstates)
        rnn.grads[1] *= 1.01  # 1% error in dL/dWh
        return dx

    rnn.backward = broken
    errors = check_network_gradients(
        net, rng.randn(T, N, D), rng.randn(N, 1), np.ones(N)
    )
    assert errors[1] > 1e-3


def test_l2_penalty_spares_biases_and_embedding_rows_not_in_the_batch():
    rng = np.random.RandomState(13)
    net = build_network(
        None,
        1,
        SquaredError(),
        hidden_size=3,
        vocab_size=9,
        embedding_dim=2,
        alpha=0.5,
        rng=np.random.RandomState(0),
        dtype=np.float64,
    )
    ids = np.array([[1, 2], [2, 3]])  # rows 4..8 unused
    for _ in range(2):
        net.loss_and_gradients(ids, rng.randn(2, 1), np.ones(2))
    assert np.all(net.grads[0][4:] == 0.0)
    assert_gradients_match(net, ids, rng.randn(2, 1), np.ones(2), ids != 0)


SMALL_CONV = dict(conv_filters=(4, 3), conv_kernel_sizes=(3, 2))


@pytest.mark.parametrize(
    "params, make_y",
    [
        # the default architecture, its convolutional branch narrowed (two
        # loss evaluations per weight entry: (32, 64, 32) filters take 60 s)
        (SMALL_CONV, lambda rng: rng.randint(0, 3, 6)),
        (dict(flat_units=3, **SMALL_CONV), lambda rng: rng.randint(0, 3, 6)),
        (
            dict(return_sequences=True, bidirectional=True, **SMALL_CONV),
            lambda rng: rng.randint(0, 2, (6, 4)),
        ),
        (
            dict(
                pooling="max",
                num_layers=2,
                dropout=0.2,
                dense_layers=(3,),
                conv_filters=(),
            ),
            lambda rng: rng.randint(0, 2, (6, 2)),
        ),
    ],
)
def test_public_check_gradients_on_estimators(params, make_y):
    from sklearn_rnn import ScratchRNNClassifier, ScratchRNNRegressor, check_gradients

    rng = np.random.RandomState(0)
    X = rng.randn(6, 4, 2)
    clf = ScratchRNNClassifier(hidden_size=3, random_state=0, **params)
    errors = check_gradients(clf, X, make_y(rng), sample_weight=rng.rand(6))
    assert max(errors.values()) < TOLERANCE, errors
    reg = ScratchRNNRegressor(
        hidden_size=3, activation="relu", max_iter=3, random_state=0, **SMALL_CONV
    )
    reg.fit(X, rng.randn(6, 2))
    assert max(check_gradients(reg, X, rng.randn(6, 2)).values()) < TOLERANCE


def test_network_gradients_through_an_embedding_and_the_flat_branch():
    """The embedding's gradient is the flat branch's input gradient."""
    rng = np.random.RandomState(8)
    net = build_network(
        None,
        3,
        SoftmaxCrossEntropy(),
        cell="gru",
        hidden_size=3,
        vocab_size=7,
        embedding_dim=2,
        flat_units=4,
        flat_steps=4,
        rng=np.random.RandomState(9),
        dtype=np.float64,
    )
    ids = rng.randint(1, 7, size=(T, N))
    ids[:2, 0] = 0  # pre-padding
    ids[4:, 1] = 0  # post-padding
    assert_gradients_match(net, ids, rng.randint(0, 3, N), rng.rand(N), ids != 0)


def test_network_gradients_with_every_branch_and_downsampling():
    rng = np.random.RandomState(10)
    mask = ragged_mask()
    mask[2, 2] = False  # and interior padding
    net = build_network(
        D,
        2,
        SquaredError(),
        cell="lstm",
        hidden_size=3,
        conv_filters=(3,),
        conv_kernel_sizes=(2,),
        flat_units=3,
        flat_steps=2,
        downsample=2,
        dense_layers=(2,),
        rng=np.random.RandomState(11),
        dtype=np.float64,
    )
    assert net.param_names[-6:-4] == ["flat.0.kernel", "flat.0.bias"]
    assert_gradients_match(net, rng.randn(T, N, D), rng.randn(N, 2), rng.rand(N), mask)
