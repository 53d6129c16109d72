"""Bad input gets a ValueError or TypeError that names it: text given as
numbers, ragged sequences in other containers, labels of mixed types, numbers
of the wrong kind as hyperparameters (issue 21, items 11 and 12)."""

from fractions import Fraction

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_array_equal
from sklearn.utils._param_validation import InvalidParameterError

from sklearn_rnn import ScratchRNNClassifier, ScratchRNNRegressor
from sklearn_rnn._constraints import Number
from sklearn_rnn._params import PARAMETER_CONSTRAINTS
from sklearn_rnn.preprocessing import SequenceScaler

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")

FAST = dict(hidden_size=3, max_iter=2, random_state=0)
RNG = np.random.RandomState(0)
X = RNG.randn(12, 5, 2)
Y = RNG.randint(0, 2, 12)
RAGGED = [RNG.randn(n, 2) for n in (3, 5, 4, 2)]


# --------------------------------------------------------------- text data
@pytest.mark.parametrize(
    "text_X",
    [
        X.astype(str),
        X[:, :, 0].astype(str),
        X.astype(str).astype(object),
        X[:, :, 0].astype(str).tolist(),
        pd.DataFrame(X[:, :, 0].astype(str)),
        [X[0].astype(str), X[1, :3]],
        X.astype(str).astype(bytes),
    ],
    ids=["3d", "2d", "object", "list", "frame", "ragged", "bytes"],
)
@pytest.mark.parametrize("Est", [ScratchRNNClassifier, ScratchRNNRegressor])
def test_numbers_written_as_text_are_refused_not_parsed(Est, text_X):
    n = len(text_X)
    with pytest.raises(ValueError, match=r"^(sequence 0 of )?X holds text \("):
        Est(**FAST).fit(text_X, Y[:n])


def test_token_ids_as_text_are_refused():
    ids = RNG.randint(1, 9, (12, 5))
    with pytest.raises(ValueError, match=r"^X holds text \('"):
        ScratchRNNClassifier(embedding_dim=2, **FAST).fit(ids.astype(str), Y)


def test_targets_and_weights_as_text_are_refused():
    with pytest.raises(ValueError, match=r"^y holds text \('"):
        ScratchRNNRegressor(**FAST).fit(X, Y.astype(str))
    with pytest.raises(ValueError, match=r"^sample_weight holds text \('1'\)"):
        ScratchRNNClassifier(**FAST).fit(X, Y, sample_weight=["1"] * 12)


def test_string_labels_are_still_labels():
    labels = np.where(Y, "up", "down")
    clf = ScratchRNNClassifier(**FAST).fit(X, labels)
    assert_array_equal(clf.classes_, ["down", "up"])
    per_step = np.where(X[:, :, 0] > 0, "up", "down")
    clf = ScratchRNNClassifier(return_sequences=True, **FAST).fit(X, per_step)
    assert clf.predict(X).shape == (12, 5)


# ---------------------------------------------------------- ragged containers
@pytest.mark.parametrize(
    "container",
    [
        lambda items: np.array(items + [np.zeros((1, 2))], dtype=object)[:-1],
        lambda items: pd.Series(items),
        tuple,
    ],
    ids=["object-array", "series", "tuple"],
)
def test_ragged_sequences_in_other_containers_read_as_the_list(container):
    y = np.array([0, 1, 0, 1])
    expected = ScratchRNNClassifier(**FAST).fit(RAGGED, y).predict_proba(RAGGED)
    clf = ScratchRNNClassifier(**FAST).fit(container(RAGGED), y)
    assert_array_equal(clf.predict_proba(container(RAGGED)), expected)


def test_sequences_of_one_length_but_different_dimensions_are_named():
    with pytest.raises(
        ValueError,
        match=r"same number of features per time step; got trailing shapes "
        r"\[\(\), \(1,\)\]",
    ):
        ScratchRNNRegressor(**FAST).fit([np.zeros(5), np.zeros((5, 1))], [0.0, 1.0])


def test_sequences_whose_steps_differ_are_named():
    reg = ScratchRNNRegressor(**FAST)
    with pytest.raises(ValueError, match="^X is not an array of numbers: its steps"):
        reg.fit([[1.0, 2.0], [[1.0], [2.0, 3.0]]], [0.0, 1.0])
    with pytest.raises(ValueError, match="^Sequence 1 of a ragged X is not an array"):
        reg.fit([[1.0, 2.0, 3.0], [[1.0], [2.0, 3.0]]], [0.0, 1.0])
    with pytest.raises(ValueError, match=r"got trailing shapes \[\(2,\), \(3,\)\]"):
        reg.fit([np.zeros((5, 2)), np.zeros((5, 3))], [0.0, 1.0])


# ------------------------------------------------------------------ labels
@pytest.mark.parametrize(
    "labels, message",
    [
        (np.array([1, "a"] * 6, dtype=object), r"^y mixes labels of different types"),
        (pd.Series([1, "a"] * 6), r"^y mixes labels of different types"),
        (["a", None] * 6, r"^y holds None, a missing label"),
        ([1, None] * 6, r"^y holds None, a missing label"),
    ],
    ids=["object", "series", "none-with-strings", "none-with-numbers"],
)
def test_labels_of_mixed_types_or_none_are_named(labels, message):
    with pytest.raises(ValueError, match=message):
        ScratchRNNClassifier(**FAST).fit(X, labels)


def test_partial_fit_classes_of_mixed_types_or_none_are_named():
    clf = ScratchRNNClassifier(**FAST)
    with pytest.raises(ValueError, match=r"^classes mixes labels .*numbers and str"):
        clf.partial_fit(X, Y, classes=[0, 1, "2"])
    with pytest.raises(ValueError, match=r"^classes holds None"):
        clf.partial_fit(X, Y, classes=[0, 1, None])
    assert not hasattr(clf, "classes_")


# --------------------------------------------------------- hyperparameters
NUMBER_PARAMETERS = sorted(
    name
    for name, constraints in PARAMETER_CONSTRAINTS.items()
    if any(isinstance(c, Number) for c in constraints)
)


def test_every_interval_of_the_estimators_is_a_number_constraint():
    """No parameter is left with scikit-learn's bool- and Fraction-accepting
    Interval."""
    assert len(NUMBER_PARAMETERS) == 23
    assert {"hidden_size", "learning_rate_init", "mask_value"} <= set(NUMBER_PARAMETERS)
    for constraints in PARAMETER_CONSTRAINTS.values():
        for constraint in constraints:
            assert not type(constraint).__name__ == "Interval"


@pytest.mark.parametrize("name", NUMBER_PARAMETERS)
@pytest.mark.parametrize("value", [True, np.bool_(True), Fraction(1, 2)])
def test_bools_and_fractions_are_refused_by_the_parameter_name(name, value):
    """hidden_size=True failed with "an integer is required" and
    learning_rate_init=Fraction(1, 100) with "ufunc 'isnan' not supported"."""
    with pytest.raises(InvalidParameterError, match=f"^The '{name}' parameter of"):
        ScratchRNNClassifier(**{**FAST, name: value}).fit(X, Y)


def test_numpy_numbers_are_still_numbers():
    clf = ScratchRNNClassifier(
        hidden_size=np.int64(3),
        learning_rate_init=np.float32(0.01),
        mask_value=np.float64(9.0),
        max_iter=2,
        random_state=0,
    )
    assert clf.fit(X, Y).n_iter_ == 2


def test_the_scaler_mask_value_refuses_bools_too():
    with pytest.raises(InvalidParameterError, match="'mask_value' parameter"):
        SequenceScaler(mask_value=True).fit(X)
