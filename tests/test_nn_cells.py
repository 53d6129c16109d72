"""The recurrent cells: PyTorch's numerics, finite-difference gradients in
every mode of the loop, and padding that changes nothing."""

import os

import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal

from sklearn_rnn.nn import SoftmaxCrossEntropy, SquaredError, build_network
from sklearn_rnn.nn.cells import CELLS, GRUCell, LSTMCell, SimpleRNNCell
from sklearn_rnn.nn.gradcheck import check_network_gradients
from sklearn_rnn.nn.layers import Recurrent

FIXTURE = os.path.join(os.path.dirname(__file__), "data", "torch_cells.npz")
TOLERANCE = 1e-6


def from_torch(name, recorded):
    """Our layer with the recorded PyTorch weights (gate order kept as is)."""
    D, H = recorded["weight_ih_l0"].shape[1], recorded["weight_hh_l0"].shape[1]
    cell = CELLS[name](D, H, dtype=np.float64)
    cell.kernel[...] = recorded["weight_ih_l0"].T
    cell.recurrent_kernel[...] = recorded["weight_hh_l0"].T
    if name == "gru":  # the reset gate multiplies h W_hn + b_hn: two biases
        cell.bias[...] = recorded["bias_ih_l0"]
        cell.recurrent_bias[...] = recorded["bias_hh_l0"]
    else:  # two biases added to one sum are one parameter
        cell.bias[...] = recorded["bias_ih_l0"] + recorded["bias_hh_l0"]
    return Recurrent(cell)


@pytest.mark.parametrize("name", ["rnn", "gru", "lstm"])
def test_outputs_and_gradients_equal_pytorch(name):
    with np.load(FIXTURE) as archive:
        recorded = {
            key.split("/", 1)[1]: archive[key]
            for key in archive.files
            if key.startswith(name + "/")
        }
    layer = from_torch(name, recorded)
    h = layer.forward(recorded["x"], training=True)
    assert_allclose(h, recorded["h"], rtol=1e-12, atol=1e-14)
    dx = layer.backward(recorded["upstream"])
    assert_allclose(dx, recorded["dx"], rtol=1e-10, atol=1e-13)
    grads = dict(zip(layer.param_names, layer.grads))
    assert_allclose(
        grads["kernel"], recorded["d_weight_ih_l0"].T, rtol=1e-10, atol=1e-13
    )
    assert_allclose(
        grads["recurrent_kernel"], recorded["d_weight_hh_l0"].T, rtol=1e-10, atol=1e-13
    )
    if name == "gru":
        assert_allclose(grads["bias"], recorded["d_bias_ih_l0"], rtol=1e-10, atol=1e-13)
        assert_allclose(
            grads["recurrent_bias"], recorded["d_bias_hh_l0"], rtol=1e-10, atol=1e-13
        )
    else:  # d(b_ih) = d(b_hh) = d(their sum)
        assert_allclose(grads["bias"], recorded["d_bias_ih_l0"], rtol=1e-10, atol=1e-13)
        assert_allclose(grads["bias"], recorded["d_bias_hh_l0"], rtol=1e-10, atol=1e-13)


@pytest.mark.parametrize("cell", ["rnn", "gru", "lstm"])
@pytest.mark.parametrize(
    "bidirectional, pooling, masked",
    [
        (False, "last", True),
        (True, "mean", True),
        (False, "max", False),
        (True, "last", False),
    ],
)
def test_gradients_match_finite_differences(cell, bidirectional, pooling, masked):
    """Stacked layers, both directions, each pooling, masks of every kind."""
    rng = np.random.RandomState(0)
    net = build_network(
        3,
        2,
        SoftmaxCrossEntropy(),
        cell=cell,
        hidden_size=3,
        num_layers=2,
        bidirectional=bidirectional,
        pooling=pooling,
        rng=np.random.RandomState(1),
        dtype=np.float64,
    )
    x, y, w = rng.randn(6, 5, 3), rng.randint(0, 2, 5), rng.rand(5)
    mask = None
    if masked:  # post-, pre- and inner padding, and one all-padding sequence
        mask = np.ones((6, 5), bool)
        mask[4:, 0] = mask[:2, 1] = mask[:, 2] = mask[3, 3] = False
    assert max(check_network_gradients(net, x, y, w, mask)) < TOLERANCE


@pytest.mark.parametrize("cell", ["gru", "lstm"])
def test_per_step_outputs_and_an_embedding_have_exact_gradients(cell):
    rng = np.random.RandomState(2)
    net = build_network(
        1,
        2,
        SquaredError(),
        cell=cell,
        hidden_size=3,
        vocab_size=9,
        embedding_dim=3,
        return_sequences=True,
        dense_layers=(4,),
        rng=np.random.RandomState(3),
        dtype=np.float64,
    )
    ids = rng.randint(0, 9, size=(5, 4))
    mask = ids != 0
    target, weights = rng.randn(5, 4, 2), mask * rng.rand(5, 4)
    # eps=1e-5: the recurrent kernel's gradient is small here (norm ~3e-4), and
    # eps=1e-6 puts the finite differences' rounding at the 1e-6 level.
    errors = check_network_gradients(net, ids, target, weights, mask, eps=1e-5)
    assert max(errors) < TOLERANCE


@pytest.mark.parametrize("Cell", [SimpleRNNCell, GRUCell, LSTMCell])
def test_padding_before_or_after_changes_nothing(Cell):
    rng = np.random.RandomState(0)
    layer = Recurrent(Cell(2, 3, rng=rng, dtype=np.float64))
    seq = rng.randn(4, 1, 2)
    plain = layer.forward(seq)[-1].copy()
    padded = np.concatenate([np.zeros((3, 1, 2)), seq])
    mask = np.array([[False]] * 3 + [[True]] * 4)
    assert_array_equal(layer.forward(padded, mask)[-1], plain)
    post = np.concatenate([seq, np.full((3, 1, 2), 9.0)])
    assert_array_equal(layer.forward(post, mask[::-1].copy())[-1], plain)


def test_lstm_forget_bias_starts_at_one_and_gru_has_two_biases():
    lstm = LSTMCell(2, 3)
    assert_array_equal(lstm.bias, [0, 0, 0, 1, 1, 1, 0, 0, 0, 0, 0, 0])
    assert lstm.param_names == ("kernel", "recurrent_kernel", "bias")
    gru = GRUCell(2, 3)
    assert gru.param_names == ("kernel", "recurrent_kernel", "bias", "recurrent_bias")
    assert gru.kernel.shape == (2, 9) and gru.recurrent_kernel.shape == (3, 9)
    # each gate's (H, H) recurrent block is orthogonal
    for block in np.split(gru.recurrent_kernel.astype(np.float64), 3, axis=1):
        assert_allclose(block @ block.T, np.eye(3), atol=1e-6)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("name", ["rnn", "gru", "lstm"])
def test_inference_forward_equals_the_training_forward(name, dtype):
    """Inference keeps no per-step caches (GRU: h W_h, LSTM: tanh c) and
    nothing on the layer, and computes the same numbers, bit for bit."""
    rng = np.random.RandomState(0)
    layer = Recurrent(CELLS[name](3, 4, rng=rng, dtype=dtype))
    x = rng.randn(7, 5, 3).astype(dtype)
    mask = np.ones((7, 5), bool)
    mask[5:, 0] = mask[:3, 1] = mask[:, 2] = False
    for m in (None, mask):
        inferred = layer.forward(x, m)
        assert inferred.shape == (7, 5, 4) and inferred.dtype == dtype
        assert not hasattr(layer, "_last_pass")
        trained = layer.forward(x, m, training=True)
        del layer._last_pass
        assert_array_equal(inferred, trained)
    # any memory layout of the input: a time-major view of batch-major data
    batch_major = np.ascontiguousarray(np.swapaxes(x, 0, 1))
    assert_array_equal(layer.forward(np.swapaxes(batch_major, 0, 1)), layer.forward(x))


@pytest.mark.parametrize("name", ["rnn", "gru", "lstm"])
def test_last_state_inference_in_chunks_equals_the_full_pass(name, monkeypatch):
    """A network with last-state pooling predicts from its recurrent layer's
    last state only, computed in chunks of steps: the same numbers."""
    import sklearn_rnn.nn.layers.batch_major as batch_major
    import sklearn_rnn.nn.layers.recurrent as recurrent

    rng = np.random.RandomState(0)
    net = build_network(
        3, 2, SoftmaxCrossEntropy(), cell=name, hidden_size=4, num_layers=2, rng=rng
    )
    x = rng.randn(11, 5, 3).astype(np.float32)
    mask = np.ones((11, 5), bool)
    mask[8:, 0] = mask[:4, 1] = mask[:, 2] = mask[10, 3] = False
    first, second, pooling, dense = net.layers
    for m in (None, mask):
        states = second.forward(first.forward(x, m), m)
        expected = net.loss.predict(dense.forward(pooling.forward(states)))
        # chunks of 3 steps (of G*H=4G float32 input terms for 5 sequences);
        # the Elman cell runs them batch-major (``step_batch_major``)
        chunk_bytes = 3 * second.cell.gates * 4 * 5 * 4
        monkeypatch.setattr(recurrent, "CHUNK_BYTES", chunk_bytes)
        monkeypatch.setattr(batch_major, "CHUNK_BYTES", chunk_bytes)
        assert_array_equal(net.predict(x, m), expected)
        last = second.forward(first.forward(x, m), m, last_only=True)
        assert last.shape == (1, 5, 4)
        assert_array_equal(last[0], states[-1])
        monkeypatch.undo()
        assert_array_equal(net.predict(x, m), expected)
