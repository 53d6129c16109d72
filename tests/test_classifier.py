"""ScratchRNNClassifier: probabilities, multiclass labels and multilabel targets."""

import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal

from sklearn_rnn import ScratchRNNClassifier

FAST = dict(hidden_size=8, max_iter=5, random_state=0)


@pytest.fixture
def binary_data(sum_sign):
    return sum_sign(60, 6, 3)


def test_predict_proba_and_log_proba(binary_data):
    X, y = binary_data
    clf = ScratchRNNClassifier(**FAST).fit(X, y)
    proba = clf.predict_proba(X)
    assert proba.shape == (60, 2)
    assert_allclose(proba.sum(axis=1), 1.0)
    assert_allclose(clf.predict_log_proba(X), np.log(proba))
    assert_array_equal(clf.predict(X), clf.classes_[proba.argmax(axis=1)])


def test_multiclass_string_labels_and_multilabel():
    rng = np.random.RandomState(0)
    X = rng.randn(90, 4, 2)
    labels = np.array(["a", "b", "c"])[rng.randint(0, 3, 90)]
    clf = ScratchRNNClassifier(**FAST).fit(X, labels)
    assert_array_equal(clf.classes_, ["a", "b", "c"])
    assert clf.predict_proba(X).shape == (90, 3)
    assert set(clf.predict(X)) <= {"a", "b", "c"}
    Y = rng.randint(0, 2, size=(90, 4))
    multi = ScratchRNNClassifier(**FAST).fit(X, Y)
    assert multi.predict(X).shape == (90, 4)
    assert multi.predict_proba(X).shape == (90, 4)
