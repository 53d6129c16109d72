"""The fit and predict machinery of :class:`~sklearn_rnn.ScratchRNNClassifier`
(its public class, docstring and ``__init__`` are in ``_classifier.py``)."""

import numpy as np
from sklearn.base import ClassifierMixin, _fit_context
from sklearn.metrics import accuracy_score
from sklearn.preprocessing import LabelBinarizer
from sklearn.utils.multiclass import check_classification_targets, type_of_target
from sklearn.utils.validation import check_array, check_is_fitted, column_or_1d

from ._base import BaseScratchRNN
from ._callbacks import with_callbacks
from ._class_weight import ClassWeightMixin
from ._concurrency import reads_committed_state, trains_alone
from ._state import BASE_ARRAYS, BASE_SCALARS
from ._targets import check_label_types, check_target_length, per_step_target
from .nn.losses import SigmoidBinaryCrossEntropy, SoftmaxCrossEntropy


class RecurrentClassifierBase(ClassifierMixin, ClassWeightMixin, BaseScratchRNN):
    """Labels, probabilities and accuracy of the recurrent classifier.

    Encodes the labels (binary and multilabel outputs: sigmoid units and
    binary cross-entropy; multiclass: a softmax and cross-entropy), and
    defines ``fit``, ``partial_fit``, ``predict``, ``predict_proba``,
    ``predict_log_proba`` and ``score``; the public class adds the
    hyperparameters.
    """

    _metric = staticmethod(accuracy_score)
    _fitted_scalars = {**BASE_SCALARS, "_y_type": (str,)}
    _fitted_arrays = {
        **BASE_ARRAYS,
        "classes_": ("biufU", True),
        "class_weight_": ("f", False),
    }

    @trains_alone
    @with_callbacks
    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y, sample_weight=None):
        """Train on sequences ``X`` and labels ``y`` for up to ``max_iter`` epochs.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_timesteps, n_features) or list
            Sequences: a 3-D array, a 2-D array of univariate sequences, a
            ragged list of arrays, or token ids with ``embedding_dim`` (see
            the User Guide, "Input layouts and padding").
        y : array-like of shape (n_samples,) or (n_samples, n_labels)
            Labels, or a label indicator matrix for multilabel problems; per
            time step (n_samples, n_timesteps) with ``return_sequences``.
        sample_weight : array-like of shape (n_samples,), default=None
            Weight of each sequence, multiplied by the weight of its class
            (``class_weight``); None weighs every sequence 1.

        Returns
        -------
        self : object
            The fitted estimator.
        """
        return self._fit(X, y, sample_weight, incremental=False)

    @trains_alone
    @with_callbacks
    @_fit_context(prefer_skip_nested_validation=True)
    def partial_fit(self, X, y, classes=None, sample_weight=None):
        """Run exactly one epoch over ``X, y``, from the current weights.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_timesteps, n_features) or list
            Sequences: a 3-D array, a 2-D array of univariate sequences, a
            ragged list of arrays, or token ids with ``embedding_dim`` (see
            the User Guide, "Input layouts and padding").
        y : array-like of shape (n_samples,) or (n_samples, n_labels)
            Labels, as for :meth:`fit`.
        classes : array-like of shape (n_classes,), default=None
            Every class of the problem; required on the first call (but for
            multilabel ``y``), and equal to the first call's on later ones.
        sample_weight : array-like of shape (n_samples,), default=None
            Weight of each sequence, as for :meth:`fit`.

        Returns
        -------
        self : object
            The estimator, one epoch further.
        """
        if classes is not None:
            check_label_types(classes, name="classes")
        if (
            not hasattr(self, "classes_")
            and classes is None
            and type_of_target(np.asarray(y) if not isinstance(y, list) else y)
            != "multilabel-indicator"
        ):
            raise ValueError("classes must be passed on the first call to partial_fit.")
        if (
            hasattr(self, "classes_")
            and classes is not None
            and not np.array_equal(np.unique(np.asarray(classes)), self.classes_)
        ):
            raise ValueError(
                f"classes={np.asarray(classes).tolist()!r} is not the same as on the "
                f"first call to partial_fit, {self.classes_.tolist()!r}; call fit to "
                "start over "
                "with other classes."
            )
        return self._fit(X, y, sample_weight, incremental=True, classes=classes)

    # ------------------------------------------------------------- targets
    def _encode_targets(self, y, sequences, reset, classes=None, sample_weight=None):
        if self.return_sequences:
            y, valid = per_step_target(y, sequences, dtype=None)
            labels = y[valid]
        else:
            y = check_array(y, ensure_2d=False, dtype=None, input_name="y")
            if y.ndim == 2 and y.shape[1] == 1:
                y = column_or_1d(y, warn=True)
            check_target_length(y, sequences)
            labels = y
        check_label_types(labels)
        check_classification_targets(labels)
        if reset:
            binarizer = LabelBinarizer()
            binarizer.fit(labels if classes is None else classes)
            if len(binarizer.classes_) < 2:
                raise ValueError(
                    f"{type(self).__name__} needs samples of at least 2 classes; "
                    f"got 1 class ({binarizer.classes_[0]!r})."
                )
            self._label_binarizer = binarizer
            self.classes_ = binarizer.classes_
            self._y_type = binarizer.y_type_
        binarizer = self._label_binarizer
        unseen = (
            np.setdiff1d(np.unique(labels), self.classes_) if labels.ndim == 1 else []
        )
        if len(unseen):
            raise ValueError(
                f"y contains labels not seen on the first call / in classes: "
                f"{unseen.tolist()}; expected labels in {self.classes_.tolist()}."
            )
        if binarizer.y_type_ == "multiclass":
            target = np.searchsorted(
                self.classes_,
                y
                if not self.return_sequences
                else np.where(valid, y, self.classes_[0]),
            )
            return target, len(self.classes_), SoftmaxCrossEntropy()
        if self.return_sequences:
            y = np.where(valid, y, self.classes_[0])
            target = binarizer.transform(y.ravel()).reshape(y.shape + (1,))
        else:
            target = binarizer.transform(y)
        return target.astype(self.dtype_), target.shape[-1], SigmoidBinaryCrossEntropy()

    def _target_encoding(self):
        """Rebuild the label encoding from ``classes_`` and ``_y_type`` (loading)."""
        n_classes = len(self.classes_)
        expected = {
            "binary": n_classes == 2,
            "multiclass": n_classes >= 3,
            "multilabel-indicator": n_classes >= 1,
        }
        if not expected.get(self._y_type, False):
            raise ValueError(
                f"{n_classes} classes do not fit the target type {self._y_type!r}"
            )
        if len(np.unique(self.classes_)) != n_classes or not np.all(
            self.classes_[:-1] < self.classes_[1:]
        ):
            raise ValueError("classes_ must be sorted and unique")
        weights = self.class_weight_
        if weights is not None and (
            weights.shape != (n_classes,)
            or not (np.isfinite(weights).all() and (weights >= 0).all())
        ):
            raise ValueError("class_weight_ must hold a weight >= 0 for each class")
        binarizer = LabelBinarizer()
        binarizer.classes_, binarizer.y_type_, binarizer.sparse_input_ = (
            self.classes_,
            self._y_type,
            False,
        )
        self._label_binarizer = binarizer
        if self._y_type == "binary":
            return 1, SigmoidBinaryCrossEntropy()
        if self._y_type == "multiclass":
            return n_classes, SoftmaxCrossEntropy()
        return n_classes, SigmoidBinaryCrossEntropy()

    def _stratify_labels(self, target):
        if (
            self.return_sequences
            or self._label_binarizer.y_type_ == "multilabel-indicator"
        ):
            return None
        return target if target.ndim == 1 else target[:, 0]

    def _validation_score(self, sequences, target, sample_weight):
        predicted = self._proba_to_indices(self._predictions(sequences, scaled=True))
        truth = self._proba_to_indices(target) if target.dtype.kind == "f" else target
        return self._weighted_metric(truth, predicted, sample_weight, sequences)

    # ----------------------------------------------------------- prediction
    def _proba_to_indices(self, output):
        """Class indices (or a 0/1 indicator for multilabel) from outputs."""
        kind = self._label_binarizer.y_type_
        if kind == "multiclass":
            return output.argmax(axis=-1)
        if kind == "binary":
            return (output[..., 0] > 0.5).astype(int)
        return (output > 0.5).astype(int)

    @reads_committed_state
    def predict(self, X):
        """Predict the label of each sequence (or each step with ``return_sequences``).

        Parameters
        ----------
        X : array-like of shape (n_samples, n_timesteps, n_features) or list
            Sequences: a 3-D array, a 2-D array of univariate sequences, a
            ragged list of arrays, or token ids with ``embedding_dim`` (see
            the User Guide, "Input layouts and padding").

        Returns
        -------
        y : ndarray of shape (n_samples,), (n_samples, n_labels) or \
                (n_samples, n_timesteps)
            The predicted labels (a 0/1 indicator for multilabel problems).
        """
        indices = self._proba_to_indices(self._network_output(X))
        if self._label_binarizer.y_type_ == "multilabel-indicator":
            return indices
        return self.classes_[indices]

    @reads_committed_state
    def predict_proba(self, X):
        """Predict the probability of each class.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_timesteps, n_features) or list
            Sequences: a 3-D array, a 2-D array of univariate sequences, a
            ragged list of arrays, or token ids with ``embedding_dim`` (see
            the User Guide, "Input layouts and padding").

        Returns
        -------
        proba : ndarray of shape (n_samples, n_classes)
            Or (n_samples, n_timesteps, n_classes) with ``return_sequences``;
            for multilabel problems, the probability of each label.
        """
        output = self._network_output(X)
        if self._label_binarizer.y_type_ == "binary":
            output = np.concatenate([1.0 - output, output], axis=-1)
        return output.astype(np.float64, copy=False)

    @reads_committed_state
    def predict_log_proba(self, X):
        """Predict the logarithm of each class's probability.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_timesteps, n_features) or list
            Sequences: a 3-D array, a 2-D array of univariate sequences, a
            ragged list of arrays, or token ids with ``embedding_dim`` (see
            the User Guide, "Input layouts and padding").

        Returns
        -------
        log_proba : ndarray
            The logarithm of :meth:`predict_proba`, shaped like it.
        """
        with np.errstate(divide="ignore"):
            return np.log(self.predict_proba(X))

    @reads_committed_state
    def score(self, X, y, sample_weight=None):
        """Return the mean accuracy (over valid steps with ``return_sequences``).

        Parameters
        ----------
        X : array-like of shape (n_samples, n_timesteps, n_features) or list
            Sequences: a 3-D array, a 2-D array of univariate sequences, a
            ragged list of arrays, or token ids with ``embedding_dim`` (see
            the User Guide, "Input layouts and padding").
        y : array-like of shape (n_samples,) or (n_samples, n_labels)
            True labels (per step with ``return_sequences``).
        sample_weight : array-like of shape (n_samples,), default=None
            Weight of each sequence; None weighs every sequence 1.

        Returns
        -------
        score : float
            The accuracy of :meth:`predict` on ``X``.
        """
        check_is_fitted(self, "network_")
        if not self._architecture["return_sequences"]:
            return super().score(X, y, sample_weight)
        return self._per_step_score(X, y, sample_weight)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.classifier_tags.multi_label = True
        return tags
