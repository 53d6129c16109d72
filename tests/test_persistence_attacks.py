"""Model files from strangers: each is refused fast, with bounded memory.

Every file below is small; it claims (in its hyperparameters, its fitted
attributes, its JSON or its zip directory) far more than it holds.  Loading
must raise a ValueError in under a second and allocate under 100 MB.
"""

import zipfile

import numpy as np
import pytest
from _persistence_data import INVALID, assert_refused_fast, edited

from sklearn_rnn import ScratchRNNClassifier
from sklearn_rnn.persistence import load_model


@pytest.fixture(scope="module")
def arrays(tmp_path_factory):
    rng = np.random.RandomState(0)
    ids = rng.randint(0, 12, size=(30, 8))
    clf = ScratchRNNClassifier(
        embedding_dim=3, hidden_size=5, max_iter=2, random_state=0
    )
    path = tmp_path_factory.mktemp("model") / "model.npz"
    clf.fit(ids, rng.randint(0, 2, 30)).save(path)
    with np.load(path, allow_pickle=False) as archive:
        return {name: archive[name] for name in archive.files}


@pytest.mark.parametrize(
    "params",
    [
        {"hidden_size": 6000},
        {"hidden_size": 10**7},
        {"num_layers": 10**8},
        {"embedding_dim": 10**6},
        {"dense_layers": [10**9]},
    ],
)
def test_hyperparameters_larger_than_the_file_are_refused_before_building(
    params, arrays, tmp_path
):
    path = tmp_path / "model.npz"
    np.savez(path, **edited(arrays, "params", lambda p: p.update(params)))
    assert_refused_fast(path, f"{INVALID}: its hyperparameters call for at least")


def test_a_huge_vocabulary_is_refused_before_building(arrays, tmp_path):
    path = tmp_path / "model.npz"
    np.savez(
        path,
        **edited(arrays, "state", lambda s: s["scalars"].update(vocab_size_=10**12)),
    )
    # 10**12 rows x 3 columns x 4 bytes, with Adam's two slots: 3.6e13 bytes
    assert_refused_fast(
        path, r"call for at least 360000000\d{5} bytes of weights and optimizer slots"
    )


def test_deeply_nested_json_is_refused(arrays, tmp_path):
    path = tmp_path / "model.npz"
    np.savez(path, **{**arrays, "state": np.array("[" * 100_000 + "]" * 100_000)})
    assert_refused_fast(path, "nested too deeply")


def test_an_oversized_json_document_is_refused(arrays, tmp_path):
    path = tmp_path / "model.npz"
    np.savez(path, **{**arrays, "params": np.array(" " * 2**21 + "{}")})
    assert_refused_fast(path, "params is larger than")


def with_compressed_entry(arrays, path, key, blocks):
    """``arrays`` saved to ``path``, with entry ``key`` replaced by ``blocks`` MiB
    of zeros, deflated (each MiB compresses to about 1 KiB)."""
    np.savez(path, **{name: value for name, value in arrays.items() if name != key})
    zeros = np.zeros(2**20, dtype=np.uint8)
    with zipfile.ZipFile(path, "a", compression=zipfile.ZIP_DEFLATED) as archive:
        with archive.open(f"{key}.npy", "w", force_zip64=True) as entry:
            for _ in range(blocks):
                entry.write(zeros.tobytes())


def test_a_compressed_entry_larger_than_the_file_is_never_unpacked(arrays, tmp_path):
    path = tmp_path / "model.npz"
    with_compressed_entry(arrays, path, "array:loss_curve_", 64)
    assert path.stat().st_size < 2**20
    assert_refused_fast(
        path, "entry 'array:loss_curve_.npy' would unpack to 67108864 bytes"
    )


def test_a_compressed_entry_is_refused_from_the_directory(arrays, tmp_path):
    path = tmp_path / "model.npz"
    with_compressed_entry(arrays, path, "array:loss_curve_", 0)
    assert_refused_fast(
        path, r"entry 'array:loss_curve_.npy' is compressed or encrypted \(method 8"
    )


def test_an_unknown_entry_is_refused_before_anything_is_read(arrays, tmp_path):
    path = tmp_path / "model.npz"
    with_compressed_entry({**arrays, "padding": np.zeros(1)}, path, "padding", 64)
    assert_refused_fast(path, "unexpected entry 'padding.npy'")


def test_a_compressed_copy_of_a_known_entry_is_refused(arrays, tmp_path):
    """An entry may not be smuggled in under an allowed name twice."""
    path = tmp_path / "model.npz"
    np.savez(path, **arrays)
    with (
        zipfile.ZipFile(path, "a") as archive,
        pytest.warns(UserWarning, match="Duplicate"),
    ):
        archive.writestr("params.npy", b"x")
    assert_refused_fast(path, "unexpected entry 'params.npy'")


def test_the_attacks_leave_a_valid_file_loadable(arrays, tmp_path):
    path = tmp_path / "model.npz"
    np.savez(path, **arrays)
    assert load_model(path).predict(np.ones((2, 8), dtype=int)).shape == (2,)
