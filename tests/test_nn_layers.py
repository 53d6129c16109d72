"""Forward behaviour of the engine's layers, checked against hand-computed values."""

import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal

from sklearn_rnn.nn.activations import ACTIVATIONS, get_activation, log_sigmoid, softmax
from sklearn_rnn.nn.initializers import INITIALIZERS, get_initializer
from sklearn_rnn.nn.layers import (
    Bidirectional,
    Dense,
    Embedding,
    Flatten,
    LastStatePooling,
    MaxPooling,
    MeanPooling,
    SimpleRNN,
)


def course_rnn():
    """The course notebook's worked SimpleRNN example (tanh, b = 1, h0 = 0)."""
    rnn = SimpleRNN(2, 4, activation="tanh", dtype=np.float64)
    rnn.Wx[:] = np.array([[1, 3, 5, 7], [3, 5, 7, 8]]) / 100
    rnn.Wh[:] = (
        np.array([[1, 3, 5, 7], [2, 4, 6, 8], [3, 5, 7, 8], [4, 6, 8, 10]]) / 100
    )
    rnn.b[:] = 1.0
    x = np.array([[[1, 2], [2, 3], [3, 4]]]) / 100  # (N=1, T=3, D=2), batch-major
    return rnn, np.ascontiguousarray(x.transpose(1, 0, 2))


def test_course_worked_example_last_state():
    rnn, x = course_rnn()
    states = rnn.forward(x)
    assert states.shape == (3, 1, 4)
    assert_allclose(
        states[-1, 0],
        [0.79494228, 0.81839002, 0.83939649, 0.85584174],
        rtol=0,
        atol=1e-8,
    )


def test_simple_rnn_matches_loop_of_the_formula():
    rng = np.random.RandomState(0)
    rnn = SimpleRNN(3, 5, activation="sigmoid", rng=rng, dtype=np.float64)
    rnn.b[:] = rng.randn(5)
    x = rng.randn(4, 2, 3)
    h = np.zeros((2, 5))
    for t in range(4):
        h = 1 / (1 + np.exp(-(x[t] @ rnn.Wx + h @ rnn.Wh + rnn.b)))
    assert_allclose(rnn.forward(x)[-1], h, rtol=1e-12)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_padding_before_or_after_gives_the_same_final_state(dtype):
    rng = np.random.RandomState(1)
    rnn = SimpleRNN(2, 3, rng=rng, dtype=dtype)
    seq = rng.randn(4, 1, 2).astype(dtype)
    pad = np.full((3, 1, 2), 7.0, dtype=dtype)  # garbage on padding
    post = np.concatenate([seq, pad]), np.r_[[True] * 4, [False] * 3][:, None]
    pre = np.concatenate([pad, seq]), np.r_[[False] * 3, [True] * 4][:, None]
    plain = rnn.forward(seq)[-1].copy()
    assert_array_equal(rnn.forward(*post)[-1], plain)
    assert_array_equal(rnn.forward(*pre)[-1], plain)


def test_all_padding_sequence_keeps_zero_state():
    rnn = SimpleRNN(2, 3, dtype=np.float64)
    rnn.b[:] = 1.0
    states = rnn.forward(np.ones((3, 1, 2)), mask=np.zeros((3, 1), bool))
    assert_array_equal(states, 0.0)


def test_bidirectional_backward_half_reads_the_reversed_sequence():
    rng = np.random.RandomState(0)
    ahead, behind = (
        SimpleRNN(2, 3, rng=rng, dtype=np.float64),
        SimpleRNN(2, 3, rng=rng, dtype=np.float64),
    )
    x = rng.randn(5, 2, 2)
    out = Bidirectional(ahead, behind).forward(x)
    reference = SimpleRNN(2, 3, dtype=np.float64)
    for mine, theirs in zip(reference.params, behind.params):
        mine[:] = theirs
    assert_allclose(out[0, :, 3:], reference.forward(x[::-1].copy())[-1])
    assert_allclose(
        out[-1, :, :3],
        SimpleRNN(2, 3, rng=np.random.RandomState(0), dtype=np.float64).forward(x)[-1],
    )


def test_poolings_ignore_padding():
    x = np.array([[[1.0, -5.0]], [[3.0, -1.0]], [[100.0, 100.0]]])  # (T=3, N=1, F=2)
    mask = np.array([[True], [True], [False]])
    assert_array_equal(MeanPooling().forward(x, mask), [[2.0, -3.0]])
    assert_array_equal(MaxPooling().forward(x, mask), [[3.0, -1.0]])
    assert_array_equal(
        LastStatePooling().forward(x, mask), [[100.0, 100.0]]
    )  # carried state
    empty = np.zeros((3, 1), bool)
    assert_array_equal(MeanPooling().forward(x, empty), [[0.0, 0.0]])
    assert_array_equal(MaxPooling().forward(x, empty), [[0.0, 0.0]])


def test_layers_that_drop_the_time_axis_drop_the_mask():
    mask = np.array([[True], [False]])
    for layer in (LastStatePooling(), MeanPooling(), MaxPooling(), Flatten(2)):
        assert layer.output_mask(mask) is None
    assert Dense(2, 3).output_mask(mask) is mask  # a layer that keeps the steps


def test_dense_is_time_distributed():
    layer = Dense(
        2, 3, activation="relu", rng=np.random.RandomState(0), dtype=np.float64
    )
    x = np.random.RandomState(1).randn(4, 5, 2)
    out = layer.forward(x)
    assert_allclose(out[2, 3], np.maximum(x[2, 3] @ layer.kernel + layer.bias, 0))


def test_embedding_gradient_sums_repeated_ids_and_skips_padding():
    emb = Embedding(5, 2, dtype=np.float64)
    ids = np.array([[1, 3], [3, 0], [4, 3]])
    dout = np.arange(12.0).reshape(3, 2, 2)
    emb.forward(ids, training=True)
    emb.backward(dout)
    expected = np.zeros((5, 2))
    np.add.at(expected, ids.ravel(), dout.reshape(-1, 2))
    expected[0] = 0.0
    assert_array_equal(emb.grads[0], expected)
    # A second batch clears the rows the first one touched.
    emb.forward(np.array([[2]]), training=True)
    emb.backward(np.ones((1, 1, 2)))
    assert_array_equal(emb.grads[0].sum(axis=1), [0, 0, 2, 0, 0])


@pytest.mark.parametrize("name", sorted(ACTIVATIONS))
def test_activation_derivative_from_output_matches_finite_differences(name):
    act = get_activation(name)
    a = np.array([-2.0, -0.5, 0.3, 1.7])
    numeric = (act.forward(a + 1e-6) - act.forward(a - 1e-6)) / 2e-6
    assert_allclose(act.derivative(act.forward(a)), numeric, rtol=1e-6)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_stable_functions_for_extreme_logits(dtype):
    z = np.array([[-1e4, 0.0, 1e4]], dtype=dtype)
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        assert_array_equal(softmax(z), [[0.0, 0.0, 1.0]])
        assert_allclose(log_sigmoid(z), [[-1e4, -np.log(2), 0.0]], rtol=1e-6)
        h = get_activation("sigmoid").forward(z)
    assert_array_equal(h, [[0.0, 0.5, 1.0]])


@pytest.mark.parametrize("name", sorted(INITIALIZERS))
def test_initializers_are_seeded_and_scaled(name):
    init = get_initializer(name)
    a = init((400, 300), np.random.RandomState(0), np.float32)
    assert a.dtype == np.float32
    assert_array_equal(a, init((400, 300), np.random.RandomState(0), np.float32))
    expected_std = {
        "normal": 0.01,
        "xavier": np.sqrt(2 / 700),
        "he": np.sqrt(2 / 400),
        "orthogonal": np.sqrt(1 / 400),
    }[name]
    assert a.std() == pytest.approx(expected_std, rel=0.05)


def test_orthogonal_is_orthogonal_for_rectangular_shapes():
    w = get_initializer("orthogonal")((3, 5), np.random.RandomState(0), np.float64)
    assert_allclose(w @ w.T, np.eye(3), atol=1e-12)


def test_unknown_names_are_clear_errors():
    with pytest.raises(ValueError, match="Unknown activation 'swish'"):
        get_activation("swish")
    with pytest.raises(ValueError, match="Unknown initializer 'zeros'"):
        get_initializer("zeros")


def test_the_engine_imports_nothing_from_scikit_learn():
    import pathlib
    import re

    engine = pathlib.Path(__file__).resolve().parents[1] / "sklearn_rnn" / "nn"
    pattern = re.compile(r"^\s*(from|import)\s+sklearn\b", re.MULTILINE)
    offenders = [p.name for p in engine.rglob("*.py") if pattern.search(p.read_text())]
    assert offenders == []
