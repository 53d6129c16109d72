"""Model files of format 2 (weights named by position, saved by the code before
role names: ``tests/data/make_format2_models.py``) load as they predicted,
their weights and optimizer state mapped to the role names; saving writes
format 3."""

import json
import os

import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal

from sklearn_rnn._format2 import format2_names
from sklearn_rnn.persistence import FORMAT_VERSION, load_model

DATA = os.path.join(os.path.dirname(__file__), "data")
MODELS = [
    "gru_adam",
    "lstm_embedding_bidirectional_momentum",
    "rnn_dense_rmsprop",
    "gru_per_step_rprop",
]


def stored(name):
    path = os.path.join(DATA, f"format2_{name}.npz")
    with np.load(path, allow_pickle=False) as archive:
        return path, {key: archive[key] for key in archive.files}


def prediction(estimator, X):
    return getattr(estimator, "predict_proba", estimator.predict)(X)


@pytest.fixture(scope="module")
def expected():
    with np.load(os.path.join(DATA, "format2_expected.npz")) as archive:
        return {key: archive[key] for key in archive.files}


@pytest.mark.parametrize("name", MODELS)
def test_a_format2_file_loads_and_predicts_as_when_it_was_saved(name, expected):
    path, arrays = stored(name)
    assert int(arrays["format_version"]) == 2
    model = load_model(path)
    X = expected[f"{name}/X"]
    assert_allclose(prediction(model, X), expected[f"{name}/prediction"], rtol=1e-6)
    # Every weight, buffer and optimizer slot is the file's, under its role name.
    legacy = format2_names(model.network_)
    network = model.network_
    for role, array in (network.named_params() | network.named_buffers()).items():
        assert_array_equal(array, arrays[f"weight:{legacy[role]}"])
    slots = model._optimizer.state_dict()["slots"]
    for slot, slot_arrays in slots.items():
        for role, array in zip(network.param_names, slot_arrays):
            assert_array_equal(array, arrays[f"weight:{slot}:{legacy[role]}"])
    optimizer = json.loads(str(arrays["state"]))["optimizer"]
    assert model._optimizer.iterations == optimizer["iterations"] > 0
    assert list(slots) == optimizer["slots"]


def test_the_format2_files_hold_every_kind_of_weight():
    """Positions shifted by dropout and pooling layers, both directions, every
    solver's slots (released format-2 files have no convolutional branch)."""
    names = set()
    for name in MODELS:
        _, arrays = stored(name)
        names |= {key for key in arrays if key.startswith("weight:")}
    assert {
        "weight:0.Embedding.embeddings",
        "weight:4.Bidirectional.backward_recurrent_kernel",
        "weight:velocity:7.Dense.kernel",
        "weight:0.GRU.recurrent_bias",
        "weight:0.SimpleRNN.recurrent_kernel",
        "weight:mean_squares:3.Dense.bias",
        "weight:step_size:1.Dense.bias",
    } <= names


@pytest.mark.parametrize("name", MODELS)
def test_a_format2_model_saves_as_format3_and_trains_on_the_same(
    name, expected, tmp_path
):
    path, _ = stored(name)
    model = load_model(path)
    model.save(tmp_path / "model.npz")
    with np.load(tmp_path / "model.npz", allow_pickle=False) as archive:
        assert int(archive["format_version"]) == FORMAT_VERSION == 3
        weights = {key for key in archive.files if key.startswith("weight:")}
    network = model.network_
    names = network.param_names + network.buffer_names
    slot_names = list(model._optimizer.state_dict()["slots"])
    assert weights == {f"weight:{name}" for name in names} | {
        f"weight:{slot}:{name}" for slot in slot_names for name in network.param_names
    }
    again = load_model(tmp_path / "model.npz")
    X, y = expected[f"{name}/X"], expected[f"{name}/y"]
    assert_array_equal(prediction(again, X), prediction(model, X))
    model.partial_fit(X, y)
    again.partial_fit(X, y)
    assert_array_equal(prediction(again, X), prediction(model, X))
    assert (
        again._optimizer.state_dict()["hyperparameters"]
        == (model._optimizer.state_dict()["hyperparameters"])
    )


@pytest.mark.parametrize("version", [2, 3])
def test_weight_names_must_be_those_of_the_declared_version(version, tmp_path):
    """A format-2 file relabelled 3 (or a format-3 file relabelled 2) is
    refused: the names are those of its declared version only."""
    path, arrays = stored("gru_adam")
    if version == 3:
        model = load_model(path)
        model.save(tmp_path / "v3.npz")
        with np.load(tmp_path / "v3.npz", allow_pickle=False) as archive:
            arrays = {key: archive[key] for key in archive.files}
    arrays["format_version"] = np.array(5 - version)
    np.savez(tmp_path / "relabelled.npz", **arrays)
    missing = "rnn.0.kernel" if version == 2 else "0.GRU.kernel"
    with pytest.raises(ValueError, match=f"missing entry 'weight:{missing}'"):
        load_model(tmp_path / "relabelled.npz")
