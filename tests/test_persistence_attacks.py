"""Model files from strangers: each is refused fast, with bounded memory.

Every file below is small; it claims (in its hyperparameters, its fitted
attributes, its JSON or its zip directory) far more than it holds.  Loading
must raise a ValueError in under a second and allocate under 100 MB.
"""

import json
import time
import tracemalloc
import zipfile

import numpy as np
import pytest

from sklearn_rnn import ScratchRNNClassifier
from sklearn_rnn.persistence import load_model

INVALID = "is not a valid sklearn_rnn model file"


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


def edited(arrays, key, edit):
    document = json.loads(str(arrays[key]))
    edit(document)
    return {**arrays, key: np.array(json.dumps(document))}


def assert_refused_fast(path, match):
    tracemalloc.start()
    start = time.perf_counter()
    try:
        with pytest.raises(ValueError, match=match):
            load_model(path)
        seconds = time.perf_counter() - start
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert seconds < 1.0
    assert peak < 100 * 2**20


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
    assert_refused_fast(path, r"call for at least 120000000001\d\d bytes")


def test_deeply_nested_json_is_refused(arrays, tmp_path):
    path = tmp_path / "model.npz"
    np.savez(path, **{**arrays, "state": np.array("[" * 100_000 + "]" * 100_000)})
    assert_refused_fast(path, "nested too deeply")


def test_an_oversized_json_document_is_refused(arrays, tmp_path):
    path = tmp_path / "model.npz"
    np.savez(path, **{**arrays, "params": np.array(" " * 2**21 + "{}")})
    assert_refused_fast(path, "params is larger than")


def test_a_compressed_entry_larger_than_the_file_is_never_unpacked(arrays, tmp_path):
    path = tmp_path / "model.npz"
    np.savez(path, **arrays)
    zeros = np.zeros(2**20, dtype=np.uint8)
    with zipfile.ZipFile(path, "a", compression=zipfile.ZIP_DEFLATED) as archive:
        with archive.open("padding.npy", "w", force_zip64=True) as entry:
            for _ in range(64):  # 64 MiB of zeros, ~64 KiB compressed
                entry.write(zeros.tobytes())
    assert path.stat().st_size < 2**20
    assert_refused_fast(path, "entry 'padding.npy' would unpack to 67108864 bytes")


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
