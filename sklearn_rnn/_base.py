"""The estimator base shared by ScratchRNNClassifier and ScratchRNNRegressor."""

import copy
import warnings
from abc import ABCMeta, abstractmethod

import numpy as np
from sklearn.base import BaseEstimator
from sklearn.utils import check_random_state
from sklearn.utils.validation import _check_sample_weight

from ._callbacks import CallbackSupportMixin
from ._downsampling import DownsamplingMixin
from ._epochs import EpochLoopMixin
from ._inference import InferenceMixin
from ._input_scaling import InputScalingMixin
from ._params import (
    PARAMETER_CONSTRAINTS,
    architecture,
    check_embeddings,
    check_layer_sizes,
    resolved_conv_filters,
)
from ._state import BASE_ARRAYS, BASE_SCALARS, CommittedPickleMixin, Transaction
from ._text_values import check_not_text
from ._training import BatchLossMixin, normalized_sample_weight, power_of_two_scaled
from ._validation import SequenceInputMixin
from .nn._blas import SINGLE_THREAD_STEP_SIZE, single_blas_thread
from .nn.builder import build_network
from .nn.layers import Dropout, Embedding
from .nn.optimizers import OPTIMIZERS
from .persistence import PersistenceMixin

#: ``early_stopping="auto"`` holds out a validation split once it would hold
#: this many samples (``n_samples * validation_fraction``).
AUTO_EARLY_STOPPING_SAMPLES = 10


class BaseScratchRNN(
    CommittedPickleMixin,
    PersistenceMixin,
    InputScalingMixin,
    DownsamplingMixin,
    SequenceInputMixin,
    BatchLossMixin,
    EpochLoopMixin,
    InferenceMixin,
    CallbackSupportMixin,
    BaseEstimator,
    metaclass=ABCMeta,
):
    """Fit machinery of the recurrent estimators.

    ``fit`` trains a new network (or continues one with ``warm_start``),
    ``partial_fit`` runs one epoch from the current one; both go through
    :meth:`_fit`, which is all-or-nothing: a call that raises leaves the
    estimator as it was (see :class:`sklearn_rnn._state.Transaction`).
    Input validation comes from :class:`~sklearn_rnn._validation.SequenceInputMixin`,
    prediction and ``transform`` from :class:`~sklearn_rnn._inference.InferenceMixin`.

    Subclass contract
    -----------------
    A subclass (``_classifier.py``, ``_regressor.py``) defines ``fit``,
    ``partial_fit``, ``predict`` and ``score``, and these hooks:

    ``_encode_targets(y, sequences, reset, classes=None, sample_weight=None)``
        Validate ``y`` and return ``(target, n_outputs, loss)`` for the
        engine; with ``reset``, also set the target encoding's fitted
        attributes.
    ``_validation_score(sequences, target, sample_weight)``
        Score of the current network on encoded held-out data (higher is
        better), for early stopping.
    ``_target_encoding()``
        ``(n_outputs, loss)`` of a fitted estimator (used when loading).
    ``_weight_samples(sample_weight, target, fresh, incremental)``
        The training weights from the validated ``sample_weight`` and the
        encoded target (the classifier's ``class_weight``); the base returns
        ``sample_weight``.
    ``_metric``, ``_score_dtype``
        ``metric(y_true, y_pred, sample_weight=None)`` of ``score``, and the
        dtype per-step targets are read in (None: labels).
    ``_fitted_scalars``, ``_fitted_arrays``
        The fitted state (see :mod:`sklearn_rnn._state`), extended with the
        subclass's own attributes.

    The public classes (``ScratchRNNClassifier``, ``ScratchRNNRegressor``)
    spell out their ``__init__``, defaults included, and pass every shared
    hyperparameter to this one, as scikit-learn's ``MLPClassifier`` does with
    ``BaseMultilayerPerceptron``: this ``__init__`` has no defaults.
    """

    _parameter_constraints = PARAMETER_CONSTRAINTS
    _fitted_scalars = BASE_SCALARS
    _fitted_arrays = BASE_ARRAYS
    _metric = None
    _score_dtype = None

    def __init__(
        self,
        hidden_size,
        *,
        cell,
        num_layers,
        bidirectional,
        activation,
        pooling,
        return_sequences,
        dense_layers,
        dense_activation,
        conv_filters,
        conv_kernel_sizes,
        flat_units,
        downsample,
        dropout,
        bptt_truncate,
        embedding_dim,
        vocab_size,
        embeddings,
        freeze_embeddings,
        mask_value,
        scale_input,
        init,
        recurrent_init,
        solver,
        learning_rate,
        learning_rate_init,
        learning_rate_decay,
        momentum,
        beta_1,
        beta_2,
        epsilon,
        alpha,
        clip_norm,
        recurrent_max_norm,
        batch_size,
        max_iter,
        shuffle,
        tol,
        n_iter_no_change,
        early_stopping,
        validation_fraction,
        random_state,
        verbose,
        warm_start,
        dtype,
        data_format,
    ):
        self.cell = cell
        self.hidden_size = hidden_size
        self.num_layers = num_layers
        self.bidirectional = bidirectional
        self.activation = activation
        self.pooling = pooling
        self.return_sequences = return_sequences
        self.dense_layers = dense_layers
        self.dense_activation = dense_activation
        self.conv_filters = conv_filters
        self.conv_kernel_sizes = conv_kernel_sizes
        self.flat_units = flat_units
        self.downsample = downsample
        self.dropout = dropout
        self.bptt_truncate = bptt_truncate
        self.embedding_dim = embedding_dim
        self.vocab_size = vocab_size
        self.embeddings = embeddings
        self.freeze_embeddings = freeze_embeddings
        self.mask_value = mask_value
        self.scale_input = scale_input
        self.init = init
        self.recurrent_init = recurrent_init
        self.solver = solver
        self.learning_rate = learning_rate
        self.learning_rate_init = learning_rate_init
        self.learning_rate_decay = learning_rate_decay
        self.momentum = momentum
        self.beta_1 = beta_1
        self.beta_2 = beta_2
        self.epsilon = epsilon
        self.alpha = alpha
        self.clip_norm = clip_norm
        self.recurrent_max_norm = recurrent_max_norm
        self.batch_size = batch_size
        self.max_iter = max_iter
        self.shuffle = shuffle
        self.tol = tol
        self.n_iter_no_change = n_iter_no_change
        self.early_stopping = early_stopping
        self.validation_fraction = validation_fraction
        self.random_state = random_state
        self.verbose = verbose
        self.warm_start = warm_start
        self.dtype = dtype
        self.data_format = data_format

    # ------------------------------------------------------------------ hooks
    @abstractmethod
    def _encode_targets(self, y, sequences, reset, classes=None, sample_weight=None):
        """Validate ``y``; return ``(target, n_outputs, loss)`` for the engine."""

    @abstractmethod
    def _validation_score(self, sequences, target, sample_weight):
        """Score of the current network on held-out encoded data."""

    @abstractmethod
    def _target_encoding(self):
        """``(n_outputs, loss)`` of the fitted target encoding."""

    def _constant_candidate(self, sequences, target, sample_weight):
        """The validation score of a constant model that early stopping
        starts from, or None (see the regressor)."""
        return None

    def _constant_weights(self, weights):
        """``weights`` (params then buffers, copies) made that constant model."""
        return weights

    def _weight_samples(self, sample_weight, target, fresh, incremental):
        """The training weights of the samples (see the subclass contract)."""
        return sample_weight

    # --------------------------------------------------------------- fitting
    def _fit(self, X, y, sample_weight=None, *, incremental, classes=None):
        """Train ``max_iter`` epochs (one if ``incremental``); all or nothing."""
        if y is None:
            raise ValueError(
                f"{type(self).__name__} requires y to be passed, but the target y "
                "is None."
            )
        if incremental:  # scikit-learn skips this on fitted estimators' partial_fit
            self._validate_params()
        check_layer_sizes(self.get_params(deep=False))
        check_embeddings(self.embeddings, self.embedding_dim, self.vocab_size)
        with Transaction(self) as transaction:
            fresh = self._starts_afresh(incremental)
            sequences = self._validate_input(X, reset=fresh)
            if sample_weight is not None:
                check_not_text(sample_weight, "sample_weight")
            sample_weight = _check_sample_weight(
                sample_weight,
                sequences.values,
                dtype=np.float64,
                ensure_non_negative=True,
            )
            if sample_weight.sum() <= 0:
                raise ValueError(
                    "sample_weight must have a positive sum; every weight is 0."
                )
            sample_weight = power_of_two_scaled(sample_weight)
            target, n_outputs, loss = self._encode_targets(
                y, sequences, fresh, classes, sample_weight
            )
            sample_weight = normalized_sample_weight(
                self._weight_samples(sample_weight, target, fresh, incremental)
            )
            if fresh:
                self._fit_input_scaling(sequences, sample_weight)
                self._fit_downsampling(sequences)
            sequences = self._scale_input(sequences, X)
            early_stopping = not incremental and self._early_stopping(
                len(sample_weight)
            )
            if fresh:
                self._random_state = check_random_state(self.random_state)
                self._build(n_outputs, loss, self._random_state)
                self._reset_history(early_stopping)
                checkpoint = None
            else:
                self._continue_training(early_stopping)
                checkpoint = transaction.protect(self.network_, self._optimizer)
            max_epochs = 1 if incremental else self.max_iter
            callbacks = self._init_callback_context(max_subtasks=max_epochs)
            callbacks.call_on_fit_task_begin(
                estimator=self, X=X, y=y, metadata={"sample_weight": sample_weight}
            )
            # Overflow is detected (non-finite loss, gradient or weights) and
            # reported as TrainingDivergedError, not as NumPy warnings.
            small = self._batch_size(len(sample_weight)) * self.hidden_size
            with (
                single_blas_thread(small <= SINGLE_THREAD_STEP_SIZE),
                np.errstate(over="ignore", invalid="ignore"),
            ):
                self._train(
                    sequences,
                    target,
                    sample_weight,
                    max_epochs=max_epochs,
                    early_stopping=early_stopping,
                    callbacks=callbacks,
                    checkpoint=checkpoint,
                )
            callbacks.call_on_fit_task_end(
                estimator=self,
                X=X,
                y=y,
                reconstruction_attributes=self._fitted_attributes,
            )
        return self

    def _starts_afresh(self, incremental):
        """Whether this call builds a new network (else it continues the fitted one)."""
        if not hasattr(self, "network_") or not (incremental or self.warm_start):
            return True
        built, wanted = self._architecture, architecture(self.get_params(deep=False))
        changed = sorted(name for name in wanted if wanted[name] != built[name])
        if not changed:
            return False
        names = ", ".join(changed)
        built_values = ", ".join(f"{name}={built[name]!r}" for name in changed)
        if incremental:
            raise ValueError(
                f"partial_fit cannot continue the fitted network: {names} changed "
                f"since it was built (it has {built_values}). Set them back, or call "
                "fit to train a new network."
            )
        warnings.warn(
            f"warm_start: {names} changed since the last fit, so a new network is "
            "trained from scratch.",
            UserWarning,
            stacklevel=3,
        )
        return True

    def _weight_shapes(self):
        """The arguments of ``build_network`` that size its weights (model files
        count them with ``count_parameters`` before building)."""
        return dict(
            cell=self.cell,
            hidden_size=self.hidden_size,
            num_layers=self.num_layers,
            bidirectional=self.bidirectional,
            dense_layers=tuple(self.dense_layers),
            vocab_size=self.vocab_size_,
            embedding_dim=self.embedding_dim,
            conv_filters=self._conv_filters(),
            conv_kernel_sizes=tuple(self.conv_kernel_sizes),
            flat_units=self.flat_units,
            flat_steps=self.flat_steps_,
            downsample=self.downsample_,
        )

    def _conv_filters(self):
        """The convolutional branch's filter counts (``"auto"`` resolved)."""
        return resolved_conv_filters(self.get_params(deep=False))

    def _build(self, n_outputs, loss, rng):
        """A new network and optimizer for the current hyperparameters."""
        self.network_ = build_network(
            self.n_step_features_,
            n_outputs,
            loss,
            **self._weight_shapes(),
            activation=self.activation,
            init=self.init,
            recurrent_init=self.recurrent_init,
            pooling=self.pooling,
            return_sequences=self.return_sequences,
            dense_activation=self.dense_activation,
            dropout=self.dropout,
            bptt_truncate=self.bptt_truncate,
            embeddings=self.embeddings,
            freeze_embeddings=self.freeze_embeddings,
            alpha=self.alpha,
            rng=rng,
            dtype=np.dtype(self.dtype_).type,
        )
        self._optimizer = self._make_optimizer()
        self._architecture = architecture(self.get_params(deep=False))

    def _early_stopping(self, n_samples):
        """Whether a fit on ``n_samples`` holds out a validation split:
        ``early_stopping``, "auto" being True once the split would hold
        :data:`AUTO_EARLY_STOPPING_SAMPLES` samples (fewer make a noisy
        judge, and tie the fit to which samples happen to be held out)."""
        if self.early_stopping == "auto":
            return n_samples * self.validation_fraction >= AUTO_EARLY_STOPPING_SAMPLES
        return self.early_stopping

    def _reset_history(self, early_stopping):
        self.n_iter_ = 0
        self.t_ = 0
        self.loss_curve_ = []
        self.batch_loss_curve_ = []
        self.batches_per_epoch_ = []
        self.best_loss_ = np.inf
        self._no_improvement_count = 0
        self._learning_rate_scale = 1.0
        self.validation_scores_ = [] if early_stopping else None
        self.best_validation_score_ = -np.inf if early_stopping else None

    def _optimizer_options(self, solver=None):
        """The settings of ``solver``'s optimizer (default: the ``solver``
        hyperparameter's) that are hyperparameters of ours, by the same names
        (``learning_rate_init``, ``learning_rate_decay``, ``momentum``,
        ``beta_1``, ``beta_2``, ``epsilon``); the others keep their defaults."""
        params = self.get_params(deep=False)
        names = OPTIMIZERS[solver or self.solver].hyperparameter_names()
        return {name: params[name] for name in names if name in params}

    def _make_optimizer(self, solver=None):
        """A new optimizer of the network's weights; ``solver`` defaults to the
        hyperparameter (a model file names the one the weights were trained with)."""
        return OPTIMIZERS[solver or self.solver](
            self.network_.params, **self._optimizer_options(solver)
        )

    def _continue_training(self, early_stopping):
        """Apply the hyperparameters that set_params may change between fits.

        A new solver starts afresh, the same solver keeps its state; its
        settings and learning-rate schedule, the dropout rate, truncation
        window, L2 penalty and ``freeze_embeddings`` apply from now on.
        """
        if not isinstance(self._optimizer, OPTIMIZERS[self.solver]):
            self._optimizer = self._make_optimizer()
        else:
            self._optimizer.set_hyperparameters(**self._optimizer_options())
        self.network_.alpha = self.alpha
        for layer in self.network_.walk():
            if isinstance(layer, Dropout):
                layer.rate = self.dropout
            if isinstance(layer, Embedding):
                layer.trainable = not self.freeze_embeddings
            if hasattr(layer, "bptt_truncate"):  # recurrent, or both directions
                layer.bptt_truncate = self.bptt_truncate
        if early_stopping and self.validation_scores_ is None:
            self.validation_scores_ = []
            self.best_validation_score_ = -np.inf

    def _fitted_attributes(self):
        """A copy of the fitted attributes (for callbacks that rebuild the model)."""
        return {
            key: copy.deepcopy(value)
            for key, value in vars(self).items()
            if key.endswith("_")
            and not key.startswith("__")
            or key in self._fitted_scalars
            or key
            in ("_label_binarizer", "_random_state", "_optimizer", "_architecture")
        }

    def _batch_size(self, n_samples):
        if self.solver == "rprop":  # Rprop is a full-batch method
            return n_samples
        if self.batch_size == "auto":
            return min(200, n_samples)
        return min(self.batch_size, n_samples)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.three_d_array = True
        tags.input_tags.two_d_array = True
        tags.input_tags.sparse = False
        tags.transformer_tags.preserves_dtype = (
            ["float32", "float64"]
            if self.dtype == "auto"
            else [np.dtype(self.dtype).name]
        )
        return tags
