"""Prediction and transform (``_inference.py``): bounded memory, feature names,
thread safety."""

import threading
import tracemalloc

import numpy as np
import pytest
from numpy.testing import assert_array_equal
from sklearn.exceptions import NotFittedError
from threadpoolctl import threadpool_info

import sklearn_rnn._inference as inference
from sklearn_rnn import ScratchRNNClassifier

FAST = dict(hidden_size=8, max_iter=5, random_state=0)
SMALL = dict(hidden_size=8, random_state=0, batch_size=16)


@pytest.fixture(scope="module")
def data(sum_sign):
    return sum_sign(96, 8, 2)


def partial_fits(clf, X, y, n_calls):
    for _ in range(n_calls):
        clf.partial_fit(X, y, classes=[0, 1])
    return clf


def test_predict_works_in_bounded_chunks(sum_sign, monkeypatch):
    X, y = sum_sign(40, 6, 8, scale=5)
    clf = ScratchRNNClassifier(hidden_size=8, max_iter=2, random_state=0)
    clf.fit(X.astype(np.float32), y)  # a float32 model: the input is not converted
    assert clf.input_mean_ is not None  # each chunk is standardised as it is read
    big = np.random.RandomState(1).randn(3000, 50, 8).astype(np.float32)  # 4.8 MB
    expected = clf.predict_proba(big)
    monkeypatch.setattr(inference, "PREDICT_CHUNK_BYTES", 2**18)  # 256 KiB of states
    tracemalloc.start()
    chunked = clf.predict_proba(big)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    np.testing.assert_allclose(chunked, expected, rtol=1e-6)
    # scaled input chunks + states: no copy of the whole input (4.8 MB), far
    # below one full pass of states on top of the output.
    assert peak < min(2.5 * 2**20, big.nbytes / 4)


@pytest.mark.parametrize(
    "params",
    [
        {"return_sequences": True, "dense_layers": (1024,)},
        {"dense_layers": (1024, 1024)},
        {"return_sequences": True, "dense_layers": (512, 512)},
        {"cell": "lstm", "bidirectional": True, "num_layers": 2, "pooling": "mean"},
        {"bidirectional": True, "pooling": "max"},
        {"cell": "rnn", "hidden_size": 64},
        {"hidden_size": 64},
        {"embedding_dim": 16, "return_sequences": True},
    ],
    ids=lambda params: "-".join(f"{k}={v}" for k, v in params.items()),
)
def test_prediction_memory_follows_every_layer_width(params, monkeypatch):
    """The rule: chunks are sized from every layer's width, so the working
    memory of predict_proba stays within PREDICT_CHUNK_BYTES. Sized from
    the input and the gates only, return_sequences with dense_layers=(1024,)
    traced 1,578 MiB for a 64 MiB budget."""
    rng = np.random.RandomState(0)
    embedded = "embedding_dim" in params
    X = rng.randint(1, 50, (300, 40)) if embedded else rng.randn(300, 40, 3)
    y = rng.randint(0, 2, X.shape[:2] if params.get("return_sequences") else 300)
    clf = ScratchRNNClassifier(**{**FAST, "max_iter": 1, **params})
    clf.fit(X[:16], y[:16])
    budget = 2**20
    monkeypatch.setattr(inference, "PREDICT_CHUNK_BYTES", budget)
    tracemalloc.start()
    proba = clf.predict_proba(X)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    # the output: the network's (half of predict_proba's binary columns) and
    # predict_proba's own
    assert peak <= budget + 1.5 * proba.nbytes


def test_transform_and_feature_names(sum_sign):
    X, y = sum_sign(60, 6, 3)
    clf = ScratchRNNClassifier(**{**FAST, "dense_layers": (5,)}).fit(X, y)
    assert clf.transform(X).shape == (60, 5)
    assert_array_equal(
        clf.get_feature_names_out(), [f"scratchrnnclassifier{i}" for i in range(5)]
    )
    with pytest.raises(NotFittedError):
        ScratchRNNClassifier().transform(X)


def test_predicting_during_training_neither_crashes_it_nor_changes_it(data):
    X, y = data
    clean = partial_fits(ScratchRNNClassifier(pooling="max", **SMALL), X, y, 25)
    clf = partial_fits(ScratchRNNClassifier(pooling="max", **SMALL), X, y, 1)
    done, errors = threading.Event(), []

    def predict_until_done():
        while not done.is_set():
            try:
                clf.predict_proba(X[:7])
                clf.transform(X[:5])
            except Exception as exc:  # pragma: no cover - reported below
                errors.append(exc)

    thread = threading.Thread(target=predict_until_done)
    thread.start()
    try:
        partial_fits(clf, X, y, 24)
    finally:
        done.set()
        thread.join()
    assert errors == []
    assert_array_equal(clf.predict_proba(X), clean.predict_proba(X))


def blas_threads():
    return [
        lib["num_threads"] for lib in threadpool_info() if lib["user_api"] == "blas"
    ]


def test_concurrent_predictions_leave_the_blas_threads_as_found(data):
    X, y = data
    clf = ScratchRNNClassifier(max_iter=2, **SMALL).fit(X, y)
    before = blas_threads()

    def predict_many():
        for _ in range(50):
            clf.predict(X[:3])

    threads = [threading.Thread(target=predict_many) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert blas_threads() == before


def test_predictions_do_not_depend_on_the_memory_layout_of_X(sum_sign):
    """predict reads the chunks as time-major views of X, without copies."""
    X, y = sum_sign(60, 6, 3)
    clf = ScratchRNNClassifier(**FAST).fit(X, y)
    expected = clf.predict_proba(X)
    assert_array_equal(clf.predict_proba(np.asfortranarray(X)), expected)
    padded = np.zeros((60, 6, 5))
    padded[:, :, 1:4] = X
    assert_array_equal(clf.predict_proba(padded[:, :, 1:4]), expected)
