"""SequenceFlattener: sequences as rows of a table, for tabular estimators
(and the bad input it and SequenceScaler refuse alike)."""

import numpy as np
import pytest
from numpy.testing import assert_array_equal
from scipy.sparse import csr_matrix
from sklearn.base import clone
from sklearn.model_selection import GridSearchCV
from sklearn.neural_network import MLPClassifier
from sklearn.pipeline import make_pipeline

from sklearn_rnn.preprocessing import SequenceFlattener, SequenceScaler


def test_rows_are_steps_side_by_side_padded_or_cut():
    ragged = [np.array([[1.0, 2.0], [3.0, 4.0]]), np.array([[5.0, 6.0]])]
    flattener = SequenceFlattener().fit(ragged)
    assert (flattener.n_timesteps_, flattener.n_features_in_) == (2, 2)
    assert_array_equal(flattener.transform(ragged), [[1, 2, 3, 4], [5, 6, 0, 0]])
    longer = [np.arange(6.0).reshape(3, 2)]  # its third step is dropped
    assert_array_equal(flattener.transform(longer), [[0, 1, 2, 3]])
    # a 3-D array: its steps as given; a 2-D array: univariate sequences
    X = np.arange(12.0).reshape(2, 3, 2)
    assert_array_equal(SequenceFlattener().fit_transform(X), X.reshape(2, 6))
    univariate = SequenceFlattener(n_timesteps=4).fit(np.ones((3, 2)))
    assert_array_equal(univariate.transform([[7.0, 8.0, 9.0]]), [[7, 8, 9, 0]])
    assert univariate.transform(np.ones((1, 5))).dtype == np.float64
    assert univariate.get_feature_names_out().tolist() == [
        f"sequenceflattener{i}" for i in range(4)
    ]


def test_equals_the_benchmarks_mlp_baseline_input():
    # ucr_suite's MLP reads series zero-padded to the longest training series
    rng = np.random.default_rng(0)
    train = [rng.normal(size=(n, 3)).astype(np.float32) for n in (4, 7, 5)]
    test = [rng.normal(size=(n, 3)).astype(np.float32) for n in (2, 9)]
    expected = np.zeros((2, 7, 3))
    expected[0, :2], expected[1] = test[0], test[1][:7]
    got = SequenceFlattener().fit(train).transform(test)
    assert_array_equal(got, expected.reshape(2, 21))


@pytest.mark.parametrize(
    "bad, error, match",
    [
        (np.zeros((2, 3, 4, 5)), ValueError, "SequenceFlattener expects sequences"),
        (np.zeros(3), ValueError, "Reshape your data"),
        (np.zeros((2, 0, 1)), ValueError, r"0 time step\(s\) \(shape=\(2, 0, 1\)\)"),
        (np.zeros((0, 3)), ValueError, r"0 sample\(s\)"),
        (np.ones((2, 3)) + 1j, ValueError, "Complex data not supported"),
        (np.array([["1", "2"]]), ValueError, "X holds text"),
        (csr_matrix(np.ones((2, 3))), TypeError, "does not take sparse input"),
    ],
)
@pytest.mark.parametrize("transformer", [SequenceFlattener, SequenceScaler])
def test_bad_input_is_a_clear_error(transformer, bad, error, match):
    with pytest.raises(error, match=match.replace("SequenceFlattener", ".*")):
        transformer().fit(bad)


def test_missing_values_pass_through():
    X = np.array([[1.0, np.nan], [np.inf, 2.0]])
    assert_array_equal(SequenceFlattener().fit_transform(X), X)


def test_bad_parameter_and_feature_mismatch():
    with pytest.raises(ValueError, match="n_timesteps"):
        SequenceFlattener(n_timesteps=0).fit(np.ones((2, 3)))
    flattener = SequenceFlattener().fit(np.ones((2, 3, 2)))
    with pytest.raises(ValueError, match="3 features per time step.*fitted with 2"):
        flattener.transform(np.ones((2, 3, 3)))


def test_an_mlp_on_sequences_in_a_pipeline_and_a_grid():
    rng = np.random.default_rng(0)
    # the class is the sign of step 1: a position an MLP reads directly
    X = [rng.normal(size=(rng.integers(2, 6), 1)) for _ in range(60)]
    y = np.array([int(x[1, 0] > 0) for x in X])
    pipe = make_pipeline(
        SequenceFlattener(), MLPClassifier(max_iter=500, random_state=0)
    )
    assert pipe.fit(X, y).score(X, y) == 1.0
    search = GridSearchCV(pipe, {"sequenceflattener__n_timesteps": [1, 2]}, cv=3)
    search.fit(X, y)
    assert search.best_params_ == {"sequenceflattener__n_timesteps": 2}
    assert clone(pipe).get_params()["sequenceflattener__n_timesteps"] is None
