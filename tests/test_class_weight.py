"""``class_weight`` of ScratchRNNClassifier: scikit-learn's class weights, times
``sample_weight``, in ``fit`` and ``partial_fit``."""

import numpy as np
import pytest
from numpy.testing import assert_array_equal
from sklearn.utils._param_validation import InvalidParameterError
from sklearn.utils.class_weight import compute_class_weight, compute_sample_weight
from sklearn.utils.estimator_checks import check_class_weight_classifiers

from sklearn_rnn import ScratchRNNClassifier

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")

RNG = np.random.RandomState(0)
X = RNG.randn(60, 5, 2)
WORDS = np.array(["cat"] * 40 + ["dog"] * 15 + ["fish"] * 5)
SMALL = dict(hidden_size=4, max_iter=3, batch_size=16, random_state=0)


def proba(**params):
    """predict_proba on X after fitting SMALL with ``params`` (sample_weight apart)."""
    sample_weight = params.pop("sample_weight", None)
    clf = ScratchRNNClassifier(**SMALL, **params)
    return clf.fit(X, WORDS, sample_weight=sample_weight).predict_proba(X)


def test_scikit_learns_class_weight_check_passes():
    check_class_weight_classifiers("ScratchRNNClassifier", ScratchRNNClassifier())


@pytest.mark.parametrize("class_weight", [{"cat": 0.2, "fish": 5}, "balanced"])
def test_class_weight_trains_as_the_sample_weight_scikit_learn_computes(class_weight):
    expected = proba(sample_weight=compute_sample_weight(class_weight, WORDS))
    assert_array_equal(proba(class_weight=class_weight), expected)
    assert not np.array_equal(proba(), expected)  # the weights change training


def test_class_weight_multiplies_sample_weight():
    sample_weight = RNG.uniform(0.5, 2.0, size=len(WORDS))
    combined = sample_weight * compute_sample_weight("balanced", WORDS)
    assert_array_equal(
        proba(class_weight="balanced", sample_weight=sample_weight),
        proba(sample_weight=combined),
    )


def test_class_weight_attribute_holds_the_weight_of_each_class():
    clf = ScratchRNNClassifier(**SMALL, class_weight="balanced").fit(X, WORDS)
    assert_array_equal(clf.class_weight_, [60 / (3 * 40), 60 / (3 * 15), 60 / (3 * 5)])
    clf.set_params(class_weight={"dog": 2}).fit(X, WORDS)
    assert_array_equal(clf.class_weight_, [1.0, 2.0, 1.0])
    assert ScratchRNNClassifier(**SMALL).fit(X, WORDS).class_weight_ is None


def test_warm_start_fit_computes_balanced_weights_from_its_own_y():
    clf = ScratchRNNClassifier(**SMALL, class_weight="balanced", warm_start=True)
    clf.fit(X, WORDS)
    clf.fit(X[::2], WORDS[::2])  # 20 cats, 8 dogs, 2 fish
    assert_array_equal(clf.class_weight_, [30 / (3 * 20), 30 / (3 * 8), 30 / (3 * 2)])


def test_partial_fit_computes_balanced_weights_once_from_the_first_batch():
    classes = np.array(["cat", "dog", "fish"])
    first, second = slice(0, 60, 2), slice(1, 60, 2)  # 20/8/2 then 20/7/3
    clf = ScratchRNNClassifier(**SMALL, class_weight="balanced")
    clf.partial_fit(X[first], WORDS[first], classes=classes)
    weights = compute_class_weight("balanced", classes=classes, y=WORDS[first])
    assert_array_equal(clf.class_weight_, weights)
    clf.partial_fit(X[second], WORDS[second])
    assert_array_equal(clf.class_weight_, weights)  # not recomputed

    by_hand = ScratchRNNClassifier(**SMALL)
    for part in (first, second):
        labels = WORDS[part]
        by_hand.partial_fit(
            X[part],
            labels,
            classes=classes,
            sample_weight=weights[np.searchsorted(classes, labels)],
        )
    assert_array_equal(clf.predict_proba(X), by_hand.predict_proba(X))


def test_partial_fit_balanced_needs_every_class_in_the_first_batch():
    clf = ScratchRNNClassifier(**SMALL, class_weight="balanced")
    with pytest.raises(ValueError, match=r"class_weight='balanced'.*\['fish'\]"):
        clf.partial_fit(X[:50], WORDS[:50], classes=["cat", "dog", "fish"])
    assert not hasattr(clf, "classes_") and not hasattr(clf, "class_weight_")
    clf.partial_fit(X, WORDS, classes=["cat", "dog", "fish"])
    assert clf.n_iter_ == 1


def test_a_dict_applies_as_it_is_at_each_partial_fit_call():
    clf = ScratchRNNClassifier(**SMALL, class_weight={"dog": 2})
    clf.partial_fit(X, WORDS, classes=["cat", "dog", "fish"])
    clf.set_params(class_weight={"fish": 3}).partial_fit(X, WORDS)
    assert_array_equal(clf.class_weight_, [1.0, 1.0, 3.0])


def test_labels_that_are_not_classes_are_named():
    clf = ScratchRNNClassifier(**SMALL, class_weight={"cat": 2, "zebra": 3, 0: 1})
    with pytest.raises(ValueError, match=r"not classes of y: \['zebra', 0\]"):
        clf.fit(X, WORDS)
    assert not hasattr(clf, "network_")


@pytest.mark.parametrize("weight", [-1.0, np.nan, np.inf, "2", True])
def test_invalid_weights_are_named(weight):
    clf = ScratchRNNClassifier(**SMALL, class_weight={"cat": 1, "dog": weight})
    with pytest.raises(ValueError, match=r"class_weight\['dog'\] must be a finite"):
        clf.fit(X, WORDS)


def test_class_weights_that_zero_every_sample_are_refused():
    clf = ScratchRNNClassifier(**SMALL, class_weight={"cat": 0, "dog": 0, "fish": 0})
    with pytest.raises(ValueError, match="class_weight=.* gives every sample"):
        clf.fit(X, WORDS)


def test_an_unknown_class_weight_option_is_refused_by_name():
    with pytest.raises(InvalidParameterError, match="'class_weight' parameter"):
        ScratchRNNClassifier(class_weight="auto").fit(X, WORDS)


def test_multilabel_targets_refuse_class_weight():
    Y = (X[:, :, :2].sum(axis=1) > 0).astype(int)
    clf = ScratchRNNClassifier(**SMALL, class_weight="balanced")
    with pytest.raises(ValueError, match="not supported for multilabel targets"):
        clf.fit(X, Y)
    assert not hasattr(clf, "network_")
    clf.set_params(class_weight=None).fit(X, Y)  # without it, multilabel trains
    assert clf.predict(X).shape == Y.shape


def test_per_step_targets_refuse_class_weight():
    per_step = np.where(X[:, :, 0] > 0, "up", "down")
    clf = ScratchRNNClassifier(**SMALL, return_sequences=True, class_weight="balanced")
    with pytest.raises(ValueError, match=r"per-step targets \(return_sequences=True\)"):
        clf.fit(X, per_step)
    clf.set_params(class_weight=None).fit(X, per_step)
    assert clf.predict(X).shape == per_step.shape
