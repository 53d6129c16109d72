"""ScratchRNNClassifier."""

import numpy as np
from sklearn.base import ClassifierMixin, _fit_context
from sklearn.metrics import accuracy_score
from sklearn.preprocessing import LabelBinarizer
from sklearn.utils.multiclass import check_classification_targets, type_of_target
from sklearn.utils.validation import check_array, column_or_1d

from ._base import BaseScratchRNN
from ._callbacks import with_callbacks
from ._targets import check_target_length, per_step_target
from .nn.losses import SigmoidBinaryCrossEntropy, SoftmaxCrossEntropy


class ScratchRNNClassifier(ClassifierMixin, BaseScratchRNN):
    """Recurrent neural network classifier: Elman RNN trained by BPTT, in NumPy.

    Reads each input sequence with one or more SimpleRNN layers, summarises it
    (last state, mean or max over time), and classifies it with dense layers;
    or, with ``return_sequences=True``, classifies every time step.
    Binary and multilabel outputs use sigmoid units and binary
    cross-entropy, multiclass outputs a softmax and cross-entropy.

    Parameters
    ----------
    hidden_size : int, default=32
        Number of recurrent units H of each SimpleRNN layer.
    num_layers : int, default=1
        Number of stacked recurrent layers.
    bidirectional : bool, default=False
        Read each sequence in both directions and concatenate the states.
    activation : {"tanh", "sigmoid", "relu", "identity"}, default="tanh"
        Recurrent activation f in ``h_t = f(x_t Wx + h_{t-1} Wh + b)``.
    pooling : {"last", "mean", "max"}, default="last"
        How the states are summarised for a many-to-one prediction: the final
        state, or the mean or maximum over the valid (non-padding) steps.
    return_sequences : bool, default=False
        Many-to-many: one label per time step; ``y`` has shape
        (n_samples, n_timesteps) (or is a ragged list matching ragged ``X``).
    dense_layers : tuple of int, default=()
        Sizes of hidden dense layers between the recurrent stack and the output.
    dense_activation : {"relu", "tanh", "sigmoid", "identity"}, default="relu"
    dropout : float in [0, 1), default=0.0
        Dropout rate on the connections between layers (training only).
    bptt_truncate : int or None, default=None
        Truncated BPTT window: gradients do not cross window boundaries.
    embedding_dim : int or None, default=None
        If set, ``X`` holds integer token ids (2-D or ragged), read through
        an embedding table of this width; id 0 is padding and is masked.
    vocab_size : int or None, default=None
        Rows of the embedding table; None uses the largest id seen at fit + 1.
        Larger ids met later read the out-of-vocabulary row 1.
    mask_value : float or None, default=None
        Time steps whose features all equal this value are padding (masked),
        as Keras' ``Masking`` layer does.
    init : {"xavier", "he", "normal", "orthogonal"}, default="xavier"
        Initializer of the input and dense kernels ("normal" is N(0, 0.01**2)).
    recurrent_init : {"orthogonal", "xavier", "he", "normal"}, default="orthogonal"
        Initializer of the recurrent kernels.
    solver : {"adam", "sgd", "momentum", "adagrad", "rmsprop", "rprop"}, default="adam"
        Optimizer; "rprop" always uses the full batch.
    learning_rate_init : float, default=0.001
        Step size of the first epoch.
    learning_rate_decay : float in (0, 1], default=1.0
        Epoch ``k`` (counted from 0 over all fits with warm start and
        ``partial_fit``) uses ``learning_rate_init * learning_rate_decay**k``;
        1.0 keeps it constant (PyTorch's ``ExponentialLR``).
    momentum : float, default=0.9
        For solver="momentum".
    beta_1, beta_2 : float, default=0.9, 0.999
        For solver="adam".
    epsilon : float, default=1e-8
        Numerical stability term of adam, adagrad and rmsprop.
    alpha : float, default=0.0
        L2 penalty ``0.5 * alpha * ||W||**2`` on the recurrent and dense weight
        matrices (not on biases nor on the embedding table).
    clip_norm : float or None, default=5.0
        Clip the global norm of the gradient at this value.
    batch_size : int or "auto", default="auto"
        Mini-batch size; "auto" is ``min(200, n_samples)``.
    max_iter : int, default=200
        Maximum number of epochs.
    shuffle : bool, default=True
        Shuffle the samples every epoch.
    tol : float, default=1e-4
        Minimum improvement of the loss (or validation score) that counts.
    n_iter_no_change : int, default=10
        Epochs without ``tol`` improvement before stopping.
    early_stopping : bool, default=False
        Hold out ``validation_fraction`` of the data (stratified), stop when
        its accuracy stalls, and restore the best weights.
    validation_fraction : float, default=0.1
    random_state : int, RandomState instance or None, default=None
        Seeds initialisation, shuffling, dropout and the validation split.
    verbose : bool or int, default=False
        Print one line per epoch.
    warm_start : bool, default=False
        Continue from the previous fit's weights and optimizer state.
    dtype : {"float32", "float64"}, default="float32"
        Precision of the weights and computations.

    Attributes
    ----------
    classes_ : ndarray of shape (n_classes,)
    network_ : sklearn_rnn.nn.network.Network
        The trained layers.
    loss_curve_ : list of float
        Mean training loss of each epoch.
    validation_scores_ : list of float or None
        Validation accuracy of each epoch with early stopping.
    best_validation_score_ : float or None
    best_loss_ : float
    n_iter_ : int
        Epochs run, cumulative over ``partial_fit`` and warm starts.
    t_ : int
        Training samples seen.
    n_features_in_ : int
        Columns of a 2-D ``X`` (time steps) or features per step of a 3-D ``X``.
    n_step_features_ : int
        Features per time step.
    feature_names_in_ : ndarray of str
        Defined when ``X`` is a DataFrame with string column names.

    Examples
    --------
    Tell whether a sequence rises or falls:

    >>> import numpy as np
    >>> from sklearn_rnn import ScratchRNNClassifier
    >>> rng = np.random.RandomState(0)
    >>> X = np.cumsum(rng.choice([-1.0, 1.0], size=(200, 10)), axis=1)
    >>> y = X[:, -1] > 0
    >>> clf = ScratchRNNClassifier(hidden_size=8, learning_rate_init=0.01,
    ...                            max_iter=100, random_state=0).fit(X, y)
    >>> clf.score(X, y) > 0.95
    True
    """

    _metric = staticmethod(accuracy_score)

    @with_callbacks
    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y, sample_weight=None):
        """Train on sequences ``X`` and labels ``y`` for up to ``max_iter`` epochs.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_timesteps, n_features), \
                (n_samples, n_timesteps), or list of arrays
            Sequences (see the README's input rules).
        y : array-like of shape (n_samples,) or (n_samples, n_labels)
            Labels, or a label indicator matrix for multilabel problems; per
            time step (n_samples, n_timesteps) with ``return_sequences``.
        sample_weight : array-like of shape (n_samples,), default=None

        Returns
        -------
        self
        """
        return self._fit(X, y, sample_weight, incremental=False)

    @with_callbacks
    @_fit_context(prefer_skip_nested_validation=True)
    def partial_fit(self, X, y, classes=None, sample_weight=None):
        """Run exactly one epoch over ``X, y``, from the current weights.

        Parameters
        ----------
        X, y, sample_weight : see :meth:`fit`.
        classes : array-like of shape (n_classes,), default=None
            Every class of the problem; required on the first call.

        Returns
        -------
        self
        """
        if not hasattr(self, "classes_") and classes is None and type_of_target(
                np.asarray(y) if not isinstance(y, list) else y) != "multilabel-indicator":
            raise ValueError("classes must be passed on the first call to partial_fit.")
        return self._fit(X, y, sample_weight, incremental=True, classes=classes)

    # ------------------------------------------------------------- targets
    def _encode_targets(self, y, sequences, reset, classes=None):
        if self.return_sequences:
            y, valid = per_step_target(y, sequences, dtype=None)
            labels = y[valid]
        else:
            y = check_array(y, ensure_2d=False, dtype=None, input_name="y")
            if y.ndim == 2 and y.shape[1] == 1:
                y = column_or_1d(y, warn=True)
            check_target_length(y, sequences)
            labels = y
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
        binarizer = self._label_binarizer
        unseen = np.setdiff1d(np.unique(labels), self.classes_) if labels.ndim == 1 else []
        if len(unseen):
            raise ValueError(
                f"y contains labels not seen on the first call / in classes: "
                f"{unseen.tolist()}; expected labels in {self.classes_.tolist()}."
            )
        if binarizer.y_type_ == "multiclass":
            target = np.searchsorted(self.classes_, y if not self.return_sequences else
                                     np.where(valid, y, self.classes_[0]))
            return target, len(self.classes_), SoftmaxCrossEntropy()
        if self.return_sequences:
            y = np.where(valid, y, self.classes_[0])
            target = binarizer.transform(y.ravel()).reshape(y.shape + (1,))
        else:
            target = binarizer.transform(y)
        return target.astype(self._float_dtype), target.shape[-1], SigmoidBinaryCrossEntropy()

    def _stratify_labels(self, target):
        if self.return_sequences or self._label_binarizer.y_type_ == "multilabel-indicator":
            return None
        return target if target.ndim == 1 else target[:, 0]

    def _validation_score(self, sequences, target, sample_weight):
        predicted = self._proba_to_indices(self._predictions(sequences))
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

    def predict(self, X):
        """Predicted labels of each sequence (or each step with ``return_sequences``).

        Parameters
        ----------
        X : array-like or list of arrays, see :meth:`fit`

        Returns
        -------
        ndarray of shape (n_samples,), (n_samples, n_labels) or (n_samples, n_timesteps)
        """
        indices = self._proba_to_indices(self._network_output(X))
        if self._label_binarizer.y_type_ == "multilabel-indicator":
            return indices
        return self.classes_[indices]

    def predict_proba(self, X):
        """Class probabilities.

        Parameters
        ----------
        X : array-like or list of arrays, see :meth:`fit`

        Returns
        -------
        ndarray of shape (n_samples, n_classes)
            Or (n_samples, n_timesteps, n_classes) with ``return_sequences``;
            for multilabel problems, the probability of each label.
        """
        output = self._network_output(X)
        if self._label_binarizer.y_type_ == "binary":
            output = np.concatenate([1.0 - output, output], axis=-1)
        return output.astype(np.float64, copy=False)

    def predict_log_proba(self, X):
        """Logarithm of :meth:`predict_proba`.

        Parameters
        ----------
        X : array-like or list of arrays, see :meth:`fit`

        Returns
        -------
        ndarray, shaped like :meth:`predict_proba`
        """
        with np.errstate(divide="ignore"):
            return np.log(self.predict_proba(X))

    def score(self, X, y, sample_weight=None):
        """Mean accuracy (over valid time steps with ``return_sequences``).

        Parameters
        ----------
        X : array-like or list of arrays
        y : array-like
        sample_weight : array-like of shape (n_samples,), default=None

        Returns
        -------
        float
        """
        if not self.return_sequences:
            return super().score(X, y, sample_weight)
        return self._per_step_score(X, y, sample_weight)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.classifier_tags.multi_label = True
        return tags
