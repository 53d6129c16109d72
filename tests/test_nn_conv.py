"""The convolutional branch's layers: Conv1D, BatchNorm, Activation, Downsample,
Parallel -- against PyTorch, finite differences, and padding."""

import os
import re

import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal

from sklearn_rnn.nn.builder import build_network
from sklearn_rnn.nn.cells import GRUCell
from sklearn_rnn.nn.gradcheck import check_network_gradients, numerical_gradient
from sklearn_rnn.nn.layers import (
    Activation,
    BatchNorm,
    Conv1D,
    Downsample,
    LastStatePooling,
    MeanPooling,
    Parallel,
    Recurrent,
)
from sklearn_rnn.nn.losses import SoftmaxCrossEntropy

FIXTURE = os.path.join(os.path.dirname(__file__), "data", "torch_conv.npz")


def torch_block(fixture):
    """Our layers with the fixture's weights (time-major, float64)."""
    layers = []
    for index in (0, 3):
        kernel = fixture[f"{index}.weight"].transpose(2, 1, 0)  # (K, C, F)
        conv = Conv1D(kernel.shape[1], kernel.shape[2], kernel.shape[0], dtype=float)
        conv.kernel[...] = kernel
        conv.bias[...] = fixture[f"{index}.bias"]
        norm = BatchNorm(kernel.shape[2], dtype=float)
        norm.gamma[...] = fixture[f"{index + 1}.weight"]
        norm.beta[...] = fixture[f"{index + 1}.bias"]
        layers += [conv, norm, Activation("relu")]
    return layers


def run(layers, x, mask=None, training=False):
    for layer in layers:
        x = layer.forward(x, mask, training)
        mask = layer.output_mask(mask)
    return x


def test_conv_block_equals_torch_conv1d_batchnorm1d_relu():
    fixture = np.load(FIXTURE)
    layers = torch_block(fixture)
    x = fixture["x"].transpose(2, 0, 1)  # (N, C, T) -> (T, N, C)
    out = run(layers, x, training=True)
    assert_allclose(out, fixture["out"].transpose(2, 0, 1), rtol=1e-10, atol=1e-12)
    dx = fixture["upstream"].transpose(2, 0, 1)
    for layer in reversed(layers):
        dx = layer.backward(dx)
    assert_allclose(dx, fixture["dx"].transpose(2, 0, 1), rtol=1e-9, atol=1e-12)
    for index, (conv, norm) in zip((0, 3), (layers[0:2], layers[3:5])):
        assert_allclose(
            conv.grads[0], fixture[f"d_{index}.weight"].transpose(2, 1, 0), atol=1e-10
        )
        assert_allclose(conv.grads[1], fixture[f"d_{index}.bias"], atol=1e-10)
        assert_allclose(norm.grads[0], fixture[f"d_{index + 1}.weight"], atol=1e-10)
        assert_allclose(norm.grads[1], fixture[f"d_{index + 1}.bias"], atol=1e-10)
        assert_allclose(norm.running_mean, fixture[f"{index + 1}.running_mean"])
        assert_allclose(norm.running_var, fixture[f"{index + 1}.running_var"])
    # Inference reads the running statistics.
    evaluated = run(layers, fixture["x_eval"].transpose(2, 0, 1))
    assert_allclose(evaluated, fixture["out_eval"].transpose(2, 0, 1), atol=1e-12)


def layer_input_gradient_error(layers, x, mask, seed=0):
    """Relative error of dL/dx through ``layers`` against finite differences,
    for ``L = sum(out * upstream)`` over valid outputs."""
    rng = np.random.RandomState(seed)
    out = run(layers, x, mask, training=True)
    out_mask = mask
    for layer in layers:
        out_mask = layer.output_mask(out_mask)
    upstream = rng.randn(*out.shape)
    if out_mask is not None and out.ndim == 3:
        upstream *= out_mask[:, :, None]

    def loss():
        return float(np.sum(run(layers, x, mask, training=True) * upstream))

    d = upstream
    run(layers, x, mask, training=True)
    for layer in reversed(layers):
        d = layer.backward(d)
    numeric = numerical_gradient(loss, x, 1e-6)
    return np.abs(d - numeric).max() / (np.abs(numeric).max() + 1e-12), d


@pytest.mark.parametrize("with_mask", [False, True])
def test_layer_input_gradients_match_finite_differences(with_mask):
    rng = np.random.RandomState(0)
    T, N, C = 9, 4, 3
    mask = None
    if with_mask:
        mask = np.ones((T, N), bool)
        mask[:3, 0] = False  # pre-padded
        mask[6:, 1] = False  # post-padded
        mask[4, 2] = False  # an interior gap
    stacks = {
        "conv even kernel": [Conv1D(C, 4, 4, rng=rng, dtype=float)],
        "conv odd kernel": [Conv1D(C, 2, 3, rng=rng, dtype=float)],
        "batch norm": [BatchNorm(C, dtype=float)],
        "block": [
            Conv1D(C, 3, 5, rng=rng, dtype=float),
            BatchNorm(3, dtype=float),
            Activation("relu"),
            MeanPooling(),
        ],
        "downsample 2": [Downsample(2)],
        "downsample 4 then conv": [
            Downsample(4),
            Conv1D(C, 2, 3, rng=rng, dtype=float),
        ],
    }
    for name, layers in stacks.items():
        for layer in layers:  # keep ReLU inputs away from the kink
            for p in layer.params:
                if p.ndim == 1:
                    p += 0.3 * rng.randn(*p.shape)
        x = rng.randn(T, N, C)
        error, dx = layer_input_gradient_error(layers, x, mask)
        assert error < 1e-7, name
        if mask is not None:  # padding steps get no gradient
            assert_array_equal(dx[~mask], 0.0)


@pytest.mark.parametrize(
    "return_sequences, downsample", [(False, 1), (False, 3), (True, 1)]
)
def test_network_with_conv_branch_gradients(return_sequences, downsample):
    rng = np.random.RandomState(1)
    T, N, D = 10, 4, 3
    net = build_network(
        D,
        3,
        SoftmaxCrossEntropy(),
        cell="gru",
        hidden_size=4,
        conv_filters=(5, 3),
        conv_kernel_sizes=(4, 3),
        downsample=downsample,
        return_sequences=return_sequences,
        dense_layers=(3,),
        alpha=0.01,
        rng=rng,
        dtype=np.float64,
    )
    for p in net.params:
        if p.ndim == 1:
            p += 0.2 * rng.randn(*p.shape)
    mask = np.ones((T, N), bool)
    mask[7:, 0] = False
    mask[:2, 1] = False
    shape = (T, N) if return_sequences else (N,)
    target = rng.randint(0, 3, size=shape)
    # unequal sample weights: the batch statistics are weighted too
    sample = rng.rand(N) + 0.5
    weights = mask * sample if return_sequences else sample
    x = rng.randn(T, N, D)
    errors = check_network_gradients(net, x, target, weights, mask)
    for name, error, grad in zip(net.param_names, errors, net.grads):
        if re.fullmatch(r"conv\.\d+\.bias", name):
            # Batch normalisation follows and removes any shift: the true
            # gradient is 0, and so is the backpropagated one, to rounding.
            assert np.abs(grad).max() < 1e-12, name
        else:
            assert error < 1e-6, name


def padded(x, lengths, where):
    """``x`` (T, N, C) with each sequence's valid steps at the start or the end."""
    T = x.shape[0]
    out = np.full_like(x, 7.0)  # padding values that must not matter
    mask = np.zeros((T, x.shape[1]), bool)
    for n, length in enumerate(lengths):
        rows = slice(0, length) if where == "post" else slice(T - length, T)
        out[rows, n] = x[:length, n]
        mask[rows, n] = True
    return out, mask


@pytest.mark.parametrize("downsample", [1, 3])
def test_pre_and_post_padding_give_the_unpadded_outputs(downsample):
    rng = np.random.RandomState(2)
    net = build_network(
        2,
        3,
        SoftmaxCrossEntropy(),
        hidden_size=4,
        conv_filters=(4, 3),
        conv_kernel_sizes=(5, 3),
        downsample=downsample,
        rng=rng,
        dtype=np.float64,
    )
    lengths = [9, 5, 2]
    x = rng.randn(9, 3, 2)
    alone = np.concatenate(
        [net.predict(x[:length, n : n + 1]) for n, length in enumerate(lengths)]
    )
    for where in ("pre", "post"):
        values, mask = padded(x, lengths, where)
        assert_allclose(net.predict(values, mask), alone, rtol=1e-12, atol=1e-14)


def test_batch_norm_statistics_leave_padding_out():
    rng = np.random.RandomState(3)
    x = rng.randn(6, 2, 3)
    values, mask = padded(x, [6, 3], "post")
    norm, reference = BatchNorm(3, dtype=float), BatchNorm(3, dtype=float)
    out = norm.forward(values, mask, training=True)
    valid = np.concatenate([x[:6, 0], x[:3, 1]])[:, None, :]  # the 9 valid steps
    expected = reference.forward(valid, training=True)[:, 0]
    assert_allclose(np.concatenate([out[:6, 0], out[:3, 1]]), expected, atol=1e-12)
    assert_allclose(norm.running_mean, reference.running_mean)
    assert_allclose(norm.running_var, reference.running_var)


def test_inference_writes_nothing_and_buffers_are_named():
    rng = np.random.RandomState(4)
    net = build_network(
        2,
        2,
        SoftmaxCrossEntropy(),
        hidden_size=3,
        conv_filters=(3,),
        conv_kernel_sizes=(3,),
        rng=rng,
        dtype=np.float64,
    )
    assert sorted(net.named_buffers()) == [
        "conv.0.norm.running_mean",
        "conv.0.norm.running_var",
    ]
    before = {k: v.copy() for k, v in net.named_buffers().items()}
    net.predict(rng.randn(5, 4, 2))
    for name, value in net.named_buffers().items():
        assert_array_equal(value, before[name])
    net.loss_and_gradients(rng.randn(5, 4, 2), np.array([0, 1, 0, 1]), np.ones(4))
    assert not np.array_equal(net.buffers[0], before[net.buffer_names[0]])


def test_parallel_concatenates_branches_and_sums_input_gradients():
    rng = np.random.RandomState(5)
    T, N, D = 6, 3, 2
    gru = Recurrent(GRUCell(D, 3, rng=rng, dtype=float))
    conv = Conv1D(D, 2, 3, rng=rng, dtype=float)
    both = Parallel({"rnn": [gru, LastStatePooling()], "conv": [conv, MeanPooling()]})
    x = rng.randn(T, N, D)
    out = both.forward(x, training=True)
    assert out.shape == (N, 5)
    assert_allclose(out[:, :3], gru.forward(x)[-1])
    assert_allclose(out[:, 3:], conv.forward(x).mean(axis=0))
    error, _ = layer_input_gradient_error([both], x, None)
    assert error < 1e-7
    assert both.param_names[0] == "rnn.0.kernel"
    assert both.param_names[-1] == "conv.0.bias"


def test_batch_norm_statistics_weigh_samples_as_repetitions():
    """A sample of weight 2 counts as two, one of weight 0 as none: outputs,
    gradients and running statistics are those of the repeated batch."""
    rng = np.random.RandomState(6)
    x = rng.randn(5, 4, 3)  # (T, N, C)
    weights = np.array([2.0, 0.0, 1.0, 3.0])
    upstream = rng.randn(5, 4, 3)
    weighted = BatchNorm(3, dtype=float)
    weighted.gamma[...] = rng.rand(3) + 0.5
    weighted.sample_weight = weights
    out = weighted.forward(x, training=True)
    dx = weighted.backward(upstream * weights[None, :, None])
    counts = weights.astype(int)
    repeated = BatchNorm(3, dtype=float)
    repeated.gamma[...] = weighted.gamma
    x_repeated = np.repeat(x, counts, axis=1)
    out_repeated = repeated.forward(x_repeated, training=True)
    dx_repeated = repeated.backward(np.repeat(upstream, counts, axis=1))
    first = np.cumsum(counts) - counts  # each sample's first copy
    kept = counts > 0
    assert_allclose(out[:, kept], out_repeated[:, first[kept]], atol=1e-12)
    # a copy's gradient is the sample's share: the sample's is their sum
    summed = np.add.reduceat(dx_repeated, first[kept], axis=1)
    assert_allclose(dx[:, kept], summed, atol=1e-12)
    for mine, theirs in zip(
        weighted.grads + weighted.buffers[:1], repeated.grads + repeated.buffers[:1]
    ):
        assert_allclose(mine, theirs, atol=1e-12)
    # running_var's unbiasing counts Kish's effective positions (sum w)^2 /
    # sum w^2, not the repetitions, so that only the weights' ratios matter
    position_weights = np.broadcast_to(weights, x.shape[:2])
    effective = position_weights.sum() ** 2 / (position_weights**2).sum()
    batch_var = x_repeated.reshape(-1, 3).var(axis=0)
    expected = 0.9 + 0.1 * batch_var * effective / (effective - 1)
    assert_allclose(weighted.running_var, expected, atol=1e-12)
