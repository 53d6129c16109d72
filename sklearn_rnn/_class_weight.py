"""``class_weight`` of ScratchRNNClassifier: per-class weights as sample weights.

The weights are scikit-learn's
(:func:`sklearn.utils.class_weight.compute_class_weight`): a dict maps labels to
weights (absent labels weigh 1), ``"balanced"`` gives each class
``n_samples / (n_classes * count)`` of the labels it is computed from.
They multiply ``sample_weight``, as in scikit-learn's linear models and trees.

Examples
--------
>>> import numpy as np
>>> classes = np.array(["a", "b"])
>>> class_weights({"b": 3.0}, classes, np.array(["a", "b", "b"]))
array([1., 3.])
>>> class_weights("balanced", classes, np.array(["a", "b", "b"]))
array([1.5 , 0.75])
"""

from numbers import Real

import numpy as np
from sklearn.utils.class_weight import compute_class_weight


def check_class_weight_dict(class_weight, classes):
    """Raise a ValueError naming the keys of ``class_weight`` that are not classes,
    or whose weight is not a finite non-negative number."""
    known = set(classes.tolist())
    unknown = [label for label in class_weight if label not in known]
    if unknown:
        raise ValueError(
            f"class_weight has labels that are not classes of y: {unknown!r}; the "
            f"classes are {classes.tolist()!r}."
        )
    for label, weight in class_weight.items():
        if (
            isinstance(weight, (bool, np.bool_))
            or not isinstance(weight, Real)
            or not np.isfinite(weight)
            or weight < 0
        ):
            raise ValueError(
                f"class_weight[{label!r}] must be a finite number >= 0; got {weight!r}."
            )


def class_weights(class_weight, classes, labels):
    """The weight of each class of ``classes`` (sorted), from ``labels``.

    Parameters
    ----------
    class_weight : dict or "balanced"
    classes : ndarray of shape (n_classes,)
    labels : ndarray of shape (n_samples,)
        Labels, all in ``classes``; "balanced" counts them, and needs every
        class among them.

    Returns
    -------
    ndarray of shape (n_classes,), float64
    """
    if isinstance(class_weight, dict):
        check_class_weight_dict(class_weight, classes)
        return compute_class_weight(class_weight, classes=classes, y=labels)
    missing = np.setdiff1d(classes, labels)
    if len(missing):
        raise ValueError(
            f"class_weight='balanced' counts the labels of the call that computes "
            f"it (fit, or the first partial_fit), but y has no sample of the classes "
            f"{missing.tolist()!r}. Pass class_weight as a dict, e.g. from "
            "sklearn.utils.class_weight.compute_class_weight('balanced', "
            "classes=classes, y=y_sample) on a sample holding every class."
        )
    return compute_class_weight("balanced", classes=classes, y=labels)


class ClassWeightMixin:
    """``_weight_samples``: ``sample_weight`` times the weight of each sample's class.

    ``class_weight_`` keeps the weights used: ``fit`` computes them from its
    ``y``; ``partial_fit`` with ``"balanced"`` computes them once, at its first
    call (from that batch, over ``classes``), and reuses them afterwards; a
    dict (or None) applies as it is at each call.
    """

    def _weight_samples(self, sample_weight, target, fresh, incremental):
        if self.class_weight is None:
            self.class_weight_ = None
            return sample_weight
        if self.return_sequences or self._y_type == "multilabel-indicator":
            what = (
                "per-step targets (return_sequences=True)"
                if self.return_sequences
                else "multilabel targets"
            )
            raise ValueError(
                f"class_weight weighs sequences by their one label; it is not "
                f"supported for {what}. Set class_weight=None and pass sample_weight "
                "(for multilabel y, sklearn.utils.class_weight.compute_sample_weight"
                "('balanced', y) multiplies the weights of each label column)."
            )
        indices = target if target.ndim == 1 else target[:, 0].astype(np.intp)
        reuse = (
            incremental
            and not fresh
            and self.class_weight == "balanced"
            and getattr(self, "class_weight_", None) is not None
        )
        if not reuse:
            self.class_weight_ = class_weights(
                self.class_weight, self.classes_, self.classes_[indices]
            )
        weighted = sample_weight * self.class_weight_[indices]
        if sample_weight.sum() > 0 and weighted.sum() <= 0:
            raise ValueError(
                f"class_weight={self.class_weight!r} gives every sample of y a weight "
                "of 0; at least one class present in y needs a positive weight."
            )
        return weighted
