"""Every weight's PyTorch name (``sklearn_rnn.nn.naming``), against recorded
PyTorch twins (``tests/data/make_torch_twin_fixture.py``): their state dicts
load into our networks by those names, which then compute the twins' logits;
and our names give back every array of the twins' state dicts."""

import json
import os

import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal

from sklearn_rnn.nn import SquaredError, build_network
from sklearn_rnn.nn.naming import load_torch_state_dict, torch_state_dict

FIXTURE = os.path.join(os.path.dirname(__file__), "data", "torch_twins.npz")
TWINS = [
    "gru_embedding_bidirectional_stacked",
    "lstm_bidirectional_stacked_mean",
    "rnn_stacked_max",
    "gru_conv_branch",
]


def twin(name):
    with np.load(FIXTURE) as archive:
        arrays = {
            key[len(name) + 1 :]: archive[key]
            for key in archive.files
            if key.startswith(f"{name}/")
        }
    build = json.loads(str(arrays.pop("build")))
    state = {
        key[len("state/") :]: value
        for key, value in arrays.items()
        if key.startswith("state/")
    }
    network = build_network(
        build.pop("input_size"),
        arrays["logits"].shape[1],
        SquaredError(),
        **{key: tuple(v) if isinstance(v, list) else v for key, v in build.items()},
        dtype=np.float64,
    )
    return network, state, arrays["x"], arrays["logits"]


@pytest.mark.parametrize("name", TWINS)
def test_torch_weights_load_by_name_and_give_torchs_outputs(name):
    network, state, x, logits = twin(name)
    load_torch_state_dict(network, state)
    assert_allclose(network.forward(x), logits, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("name", TWINS)
def test_every_weight_has_a_torch_name_that_gives_it_back(name):
    network, state, _, _ = twin(name)
    load_torch_state_dict(network, state)
    ours = torch_state_dict(network)
    assert sorted(ours) == sorted(state)
    summed_biases = name.startswith(("lstm", "rnn"))  # one parameter for two
    for key, value in state.items():
        if summed_biases and ".bias_" in key:
            continue
        assert_array_equal(ours[key], value, err_msg=key)
    if summed_biases:
        for key in (k for k in state if ".bias_ih_" in k):
            other = key.replace("bias_ih", "bias_hh")
            assert_allclose(ours[key], state[key] + state[other], rtol=1e-15)
            assert not ours[other].any()
    # The names cover every parameter and buffer (as views of them).
    for array in network.params + network.buffers:
        assert any(np.shares_memory(array, value) for value in ours.values())


def test_role_names_of_the_twins():
    network, _, _, _ = twin("gru_conv_branch")
    assert network.param_names == [
        "rnn.0.kernel",
        "rnn.0.recurrent_kernel",
        "rnn.0.bias",
        "rnn.0.recurrent_bias",
        "conv.0.kernel",  # no bias: the normalisation removes any shift
        "conv.0.norm.gamma",
        "conv.0.norm.beta",
        "conv.1.kernel",
        "conv.1.norm.gamma",
        "conv.1.norm.beta",
        "head.0.kernel",
        "head.0.bias",
    ]
    assert network.buffer_names == [
        "conv.0.norm.running_mean",
        "conv.0.norm.running_var",
        "conv.1.norm.running_mean",
        "conv.1.norm.running_var",
    ]
    stacked, _, _, _ = twin("gru_embedding_bidirectional_stacked")
    assert stacked.param_names[:2] == ["embedding.0.embeddings", "rnn.0.kernel"]
    assert "rnn.1.reverse.recurrent_bias" in stacked.param_names
    assert stacked.param_names[-4:] == [
        "head.0.kernel",
        "head.0.bias",
        "head.1.kernel",
        "head.1.bias",
    ]
