"""scikit-learn's estimator checks."""

from sklearn.utils.estimator_checks import parametrize_with_checks

from sklearn_rnn import ScratchRNNClassifier, ScratchRNNRegressor


@parametrize_with_checks([ScratchRNNClassifier(dtype="float64"), ScratchRNNRegressor(dtype="float64")])
def test_sklearn_compatible_estimator(estimator, check):
    check(estimator)
