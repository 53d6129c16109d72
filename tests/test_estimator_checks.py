"""scikit-learn's estimator checks, called exactly as a user calls them.

``check_estimator(ScratchRNNClassifier())`` with the default parameters and
no expected failures: with ``dtype="auto"`` the estimators compute in the
input's float precision (float64 for the checks' float64 data), so the
checks that compare two fits, or predictions made in different batches, to
1e-7 pass as they do for scikit-learn's own MLP.
"""

from sklearn.utils.estimator_checks import check_estimator

from sklearn_rnn import ScratchRNNClassifier, ScratchRNNRegressor


def test_classifier_passes_check_estimator():
    check_estimator(ScratchRNNClassifier())


def test_regressor_passes_check_estimator():
    check_estimator(ScratchRNNRegressor())
