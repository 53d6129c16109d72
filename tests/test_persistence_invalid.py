"""Tests of sklearn_rnn.persistence on invalid files: tampered, truncated,
foreign or missing, each refused with a clear error."""

import io
import json
import pickle

import numpy as np
import pytest
from _persistence_data import IDS, INVALID, SMALL, WORDS, saved
from numpy.testing import assert_array_equal

from sklearn_rnn import ScratchRNNClassifier
from sklearn_rnn.persistence import FORMAT_VERSION, load_model

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")


@pytest.fixture(scope="module")
def valid_arrays(tmp_path_factory):
    estimator = ScratchRNNClassifier(embedding_dim=3, **SMALL).fit(IDS, WORDS)
    path = saved(estimator, tmp_path_factory.mktemp("valid"))
    with np.load(path, allow_pickle=False) as archive:
        return {name: archive[name] for name in archive.files}


def write_npz(path, arrays):
    np.savez(path, **arrays)
    return path


def with_json(arrays, key, edit):
    document = json.loads(str(arrays[key]))
    edit(document)
    return {**arrays, key: np.array(json.dumps(document))}


EMBEDDINGS = "weight:embedding.0.embeddings"
KERNEL = "weight:rnn.0.recurrent_kernel"
MOMENT = "weight:first_moment:rnn.0.kernel"

TAMPERED = {
    "unknown class": lambda a: {**a, "estimator": np.array("LogisticRegression")},
    "module path as class": lambda a: {**a, "estimator": np.array("os.system")},
    "wrong format version": lambda a: {
        **a,
        "format_version": np.array(FORMAT_VERSION + 1),
    },
    "old format version": lambda a: {**a, "format_version": np.array(1)},
    "format version as text": lambda a: {**a, "format_version": np.array("1")},
    "not our format": lambda a: {**a, "format": np.array("something.else")},
    "missing weights": lambda a: {k: v for k, v in a.items() if k != KERNEL},
    "missing state": lambda a: {k: v for k, v in a.items() if k != "state"},
    "missing optimizer slot": lambda a: {k: v for k, v in a.items() if k != MOMENT},
    "unknown entry": lambda a: {**a, "weight:head.9.kernel": np.zeros(3, np.float32)},
    "wrong shape": lambda a: {**a, KERNEL: a[KERNEL][:-1]},
    "wrong dtype": lambda a: {**a, EMBEDDINGS: a[EMBEDDINGS].astype(np.float64)},
    "NaN weight": lambda a: {**a, KERNEL: a[KERNEL] * np.nan},
    "infinite optimizer state": lambda a: {**a, MOMENT: a[MOMENT] + np.inf},
    "pickled object array": lambda a: {
        **a,
        "array:classes_": a["array:classes_"].astype(object),
    },
    "classes not 1-D": lambda a: {**a, "array:classes_": a["array:classes_"][None]},
    "classes unsorted": lambda a: {**a, "array:classes_": a["array:classes_"][::-1]},
    "3 classes as binary": lambda a: with_json(
        a, "state", lambda s: s["scalars"].update(_y_type="binary")
    ),
    "params not JSON": lambda a: {**a, "params": np.array("{hidden_size: 5")},
    "invalid hyperparameter": lambda a: with_json(
        a, "params", lambda p: p.update(hidden_size=-1)
    ),
    "unknown hyperparameter": lambda a: with_json(
        a, "params", lambda p: p.update(__class__="os.system")
    ),
    "bad dense_layers": lambda a: with_json(
        a, "params", lambda p: p.update(dense_layers=[0])
    ),
    "hyperparameters not a mapping": lambda a: {**a, "params": np.array("[1, 2]")},
    "attribute of wrong type": lambda a: with_json(
        a, "state", lambda s: s["scalars"].update(n_iter_="4")
    ),
    "bool attribute as int": lambda a: with_json(
        a, "state", lambda s: s["scalars"].update(_fitted_on_2d=1)
    ),
    "missing attribute": lambda a: with_json(
        a, "state", lambda s: s["scalars"].pop("vocab_size_")
    ),
    "vocab_size_ of no table": lambda a: with_json(
        a, "state", lambda s: s["scalars"].update(vocab_size_=None)
    ),
    "unknown target type": lambda a: with_json(
        a, "state", lambda s: s["scalars"].update(_y_type="continuous")
    ),
    "other optimizer": lambda a: with_json(
        a, "state", lambda s: s["optimizer"].update(slots=["velocity"])
    ),
    "negative optimizer iterations": lambda a: with_json(
        a, "state", lambda s: s["optimizer"].update(iterations=-1)
    ),
    "optimizer setting out of range": lambda a: with_json(
        a, "state", lambda s: s["optimizer"]["hyperparameters"].update(beta_1=1.5)
    ),
    "unknown optimizer setting": lambda a: with_json(
        a, "state", lambda s: s["optimizer"]["hyperparameters"].update(eval=1.0)
    ),
    "optimizer setting as text": lambda a: with_json(
        a, "state", lambda s: s["optimizer"]["hyperparameters"].update(epsilon="1")
    ),
    "optimizer settings not a mapping": lambda a: with_json(
        a, "state", lambda s: s["optimizer"].update(hyperparameters=[1.0])
    ),
    "missing optimizer learning rate": lambda a: with_json(
        a, "state", lambda s: s["optimizer"].pop("learning_rate")
    ),
    "infinite optimizer learning rate": lambda a: with_json(
        a, "state", lambda s: s["optimizer"].update(learning_rate=1e400)
    ),
    "format-2 weight name in format 3": lambda a: {
        **{k: v for k, v in a.items() if k != KERNEL},
        "weight:1.GRU.recurrent_kernel": a[KERNEL],
    },
    "bad random state": lambda a: {**a, "array:rng_keys": a["array:rng_keys"][:10]},
    "table of another vocab_size_": lambda a: {
        **a,
        "param:embeddings": np.zeros((5, 3)),
    },
    "table not 2-D": lambda a: {**a, "param:embeddings": np.zeros(36)},
    "table with NaN": lambda a: {**a, "param:embeddings": np.full((12, 3), np.nan)},
    "table as text": lambda a: {**a, "param:embeddings": np.full((12, 3), "0")},
    "table in the JSON": lambda a: with_json(
        a, "params", lambda p: p.update(embeddings=[[0.0] * 3] * 12)
    ),
    "class_weight not pairs": lambda a: with_json(
        a, "params", lambda p: p.update(class_weight=[[1, 2, 3]])
    ),
    "class_weight_ of 2 classes": lambda a: {
        **a,
        "array:class_weight_": np.ones(2),
    },
    "negative class_weight_": lambda a: {
        **a,
        "array:class_weight_": -np.ones(3),
    },
}


@pytest.mark.parametrize("tamper", list(TAMPERED))
def test_tampered_file_is_rejected_with_a_value_error(tamper, valid_arrays, tmp_path):
    path = write_npz(tmp_path / "model.npz", TAMPERED[tamper](valid_arrays))
    with pytest.raises(ValueError, match=INVALID):
        load_model(path)


def test_untampered_rewrite_still_loads(valid_arrays, tmp_path):
    """The tampering tests' helpers alone do not make a file invalid."""
    expected = load_model(write_npz(tmp_path / "model.npz", valid_arrays)).predict(IDS)
    rewritten = with_json(valid_arrays, "state", lambda state: None)
    assert_array_equal(
        load_model(write_npz(tmp_path / "again.npz", rewritten)).predict(IDS), expected
    )


def test_a_valid_table_entry_loads_as_the_embeddings_hyperparameter(
    valid_arrays, tmp_path
):
    table = np.arange(36.0).reshape(12, 3)
    path = write_npz(
        tmp_path / "model.npz", {**valid_arrays, "param:embeddings": table}
    )
    loaded = load_model(path)
    assert_array_equal(loaded.embeddings, table)
    assert loaded.embeddings.dtype == np.float64


def test_error_names_the_problem(valid_arrays, tmp_path):
    path = write_npz(tmp_path / "model.npz", TAMPERED["wrong shape"](valid_arrays))
    with pytest.raises(ValueError, match=r"recurrent_kernel has shape \(4, 15\)"):
        load_model(path)
    path = write_npz(tmp_path / "model.npz", TAMPERED["missing weights"](valid_arrays))
    with pytest.raises(
        ValueError, match="missing entry 'weight:rnn.0.recurrent_kernel'"
    ):
        load_model(path)
    path = write_npz(tmp_path / "model.npz", TAMPERED["NaN weight"](valid_arrays))
    with pytest.raises(ValueError, match="recurrent_kernel holds non-finite values"):
        load_model(path)
    path = write_npz(
        tmp_path / "model.npz", TAMPERED["3 classes as binary"](valid_arrays)
    )
    with pytest.raises(
        ValueError, match="3 classes do not fit the target type 'binary'"
    ):
        load_model(path)
    path = write_npz(tmp_path / "model.npz", TAMPERED["unknown class"](valid_arrays))
    with pytest.raises(
        ValueError, match="unknown estimator class 'LogisticRegression'"
    ):
        load_model(path)


@pytest.mark.parametrize("size", [0, 10, 0.5, -10])
def test_truncated_file_is_rejected_with_a_value_error(size, valid_arrays, tmp_path):
    buffer = io.BytesIO()
    np.savez(buffer, **valid_arrays)
    data = buffer.getvalue()
    cut = int(size * len(data)) if isinstance(size, float) else size
    (tmp_path / "model.npz").write_bytes(data[:cut])
    with pytest.raises(ValueError, match=INVALID):
        load_model(tmp_path / "model.npz")


@pytest.mark.parametrize(
    "content",
    [
        pickle.dumps(ScratchRNNClassifier()),  # a pickle: never unpickled
        b"plain text",
    ],
)
def test_other_files_are_rejected_with_a_value_error(content, tmp_path):
    (tmp_path / "model.npz").write_bytes(content)
    with pytest.raises(ValueError, match=INVALID):
        load_model(tmp_path / "model.npz")


def test_npy_file_is_rejected_with_a_value_error(tmp_path):
    np.save(tmp_path / "model.npy", np.zeros(3))
    with pytest.raises(ValueError, match=f"{INVALID}: it is a single .npy array"):
        load_model(tmp_path / "model.npy")


def test_missing_file_raises_file_not_found(tmp_path):
    with pytest.raises(FileNotFoundError):
        load_model(tmp_path / "absent.npz")
