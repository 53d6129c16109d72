"""scikit-learn's estimator checks, on the estimators with default parameters.

Every check runs and must pass; none is marked as an expected failure. Three
checks compare two fits, or predictions made in different batches, to 1e-7,
below float32's resolution (1.2e-7; BLAS rounds a row differently depending
on the other rows of the batch): they run with ``dtype="float64"``; the
float32 default meets the same properties to float32 precision
(``tests/test_estimators.py::test_float32_sample_order_and_weight_invariance_to_float32_precision``).
"""

import pytest
from sklearn.base import clone
from sklearn.utils.estimator_checks import _get_check_estimator_ids, estimator_checks_generator

from sklearn_rnn import ScratchRNNClassifier, ScratchRNNRegressor

BELOW_FLOAT32_RESOLUTION = {
    "check_methods_sample_order_invariance",
    "check_methods_subset_invariance",
    "check_sample_weight_equivalence_on_dense_data",
}


def check_name(check):
    return getattr(check, "func", check).__name__


def all_checks():
    for default in (ScratchRNNClassifier(), ScratchRNNRegressor()):
        for estimator, check in estimator_checks_generator(default, legacy=True):
            if check_name(check) in BELOW_FLOAT32_RESOLUTION:
                estimator = clone(estimator).set_params(dtype="float64")
            yield pytest.param(estimator, check, id=f"{_get_check_estimator_ids(estimator)}-"
                                                     f"{_get_check_estimator_ids(check)}")


CHECKS = list(all_checks())


def test_every_check_is_collected():
    names = {check_name(param.values[1]) for param in CHECKS}
    assert BELOW_FLOAT32_RESOLUTION <= names
    assert len(CHECKS) > 100
    float64 = {check_name(p.values[1]) for p in CHECKS if p.values[0].dtype == "float64"}
    assert float64 == BELOW_FLOAT32_RESOLUTION


@pytest.mark.parametrize("estimator, check", CHECKS)
def test_sklearn_compatible_estimator(estimator, check):
    check(estimator)
