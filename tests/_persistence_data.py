"""What the persistence tests share: small data sets, a save helper, and the
check that a hostile file is refused fast."""

import json
import time
import tracemalloc

import numpy as np
import pytest

from sklearn_rnn.persistence import load_model, save_model

INVALID = "is not a valid sklearn_rnn model file"
RNG = np.random.RandomState(0)
X3 = RNG.randn(40, 6, 3)  # (N, T, D) float sequences
X2 = RNG.randn(40, 7)  # (N, T) univariate sequences
IDS = RNG.randint(0, 12, size=(40, 9))  # token ids, 0 is padding
BINARY = RNG.randint(0, 2, size=40)
WORDS = RNG.choice(["cat", "dog", "fish"], size=40)
MULTILABEL = RNG.randint(0, 2, size=(40, 3))
PER_STEP = RNG.choice(["lo", "hi"], size=(40, 6))
SMALL = dict(hidden_size=5, max_iter=4, random_state=0)


def saved(estimator, tmp_path, name="model.npz"):
    path = tmp_path / name
    save_model(estimator, path)
    return path


def file_arrays(estimator, tmp_path):
    """The arrays of the model file of ``estimator``, by entry name."""
    with np.load(saved(estimator, tmp_path), allow_pickle=False) as archive:
        return {name: archive[name] for name in archive.files}


def edited(arrays, key, edit):
    """``arrays`` with the JSON entry ``key`` changed in place by ``edit``."""
    document = json.loads(str(arrays[key]))
    edit(document)
    return {**arrays, key: np.array(json.dumps(document))}


def assert_refused_fast(path, match):
    """Loading ``path`` raises a ValueError matching ``match``, in under a second
    and allocating under 100 MB."""
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
