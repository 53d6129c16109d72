"""The estimator base shared by ScratchRNNClassifier and ScratchRNNRegressor."""

import copy
import time
import warnings
from abc import ABCMeta, abstractmethod
from contextlib import contextmanager, nullcontext
from numbers import Integral, Real

import numpy as np
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import train_test_split
from sklearn.utils import check_random_state, gen_batches
from sklearn.utils._set_output import _get_output_config
from sklearn.utils._param_validation import Interval, Options, StrOptions
from sklearn.utils.validation import _check_sample_weight, check_is_fitted
from threadpoolctl import ThreadpoolController

from ._callbacks import CALLBACK_ATTRIBUTES, CallbackSupportMixin
from ._targets import per_step_target
from ._training import TrainingData, divergence_message, run_epoch
from ._validation import Sequences, validate_sequences
from .exceptions import TrainingDivergedError
from .nn.activations import ACTIVATIONS
from .nn.builder import build_network
from .nn.initializers import INITIALIZERS
from .nn.layers import POOLINGS
from .nn.layers.simple_rnn import SINGLE_THREAD_STEP_SIZE
from .nn.optimizers import OPTIMIZERS

#: The BLAS libraries, scanned once (a scan costs milliseconds per call).
_BLAS = ThreadpoolController()

#: Working-memory budget (bytes) of one prediction chunk; see README "Errors and limits".
PREDICT_CHUNK_BYTES = 64 * 2**20


@contextmanager
def restore_on_error(estimator):
    """Put ``estimator``'s state back exactly as it was if the block raises."""
    saved = {key: copy.deepcopy(value) for key, value in estimator.__dict__.items()
             if key not in CALLBACK_ATTRIBUTES}
    try:
        yield
    except BaseException:
        for key in [k for k in estimator.__dict__ if k not in CALLBACK_ATTRIBUTES]:
            del estimator.__dict__[key]
        estimator.__dict__.update(saved)
        raise


class BaseScratchRNN(CallbackSupportMixin, TransformerMixin, BaseEstimator, metaclass=ABCMeta):
    """Fit/predict machinery of the recurrent estimators (see the subclasses)."""

    _parameter_constraints = {
        "hidden_size": [Interval(Integral, 1, None, closed="left")],
        "num_layers": [Interval(Integral, 1, None, closed="left")],
        "bidirectional": ["boolean"],
        "activation": [StrOptions(set(ACTIVATIONS))],
        "pooling": [StrOptions(set(POOLINGS))],
        "return_sequences": ["boolean"],
        "dense_layers": [tuple, list],
        "dense_activation": [StrOptions(set(ACTIVATIONS))],
        "dropout": [Interval(Real, 0, 1, closed="left")],
        "bptt_truncate": [Interval(Integral, 1, None, closed="left"), None],
        "embedding_dim": [Interval(Integral, 1, None, closed="left"), None],
        "vocab_size": [Interval(Integral, 2, None, closed="left"), None],
        "mask_value": [Real, None],
        "init": [StrOptions(set(INITIALIZERS))],
        "recurrent_init": [StrOptions(set(INITIALIZERS))],
        "solver": [StrOptions(set(OPTIMIZERS))],
        "learning_rate_init": [Interval(Real, 0, None, closed="neither")],
        "learning_rate_decay": [Interval(Real, 0, 1, closed="right")],
        "momentum": [Interval(Real, 0, 1, closed="left")],
        "beta_1": [Interval(Real, 0, 1, closed="left")],
        "beta_2": [Interval(Real, 0, 1, closed="left")],
        "epsilon": [Interval(Real, 0, None, closed="neither")],
        "alpha": [Interval(Real, 0, None, closed="left")],
        "clip_norm": [Interval(Real, 0, None, closed="neither"), None],
        "batch_size": [StrOptions({"auto"}), Interval(Integral, 1, None, closed="left")],
        "max_iter": [Interval(Integral, 1, None, closed="left")],
        "shuffle": ["boolean"],
        "tol": [Interval(Real, 0, None, closed="left")],
        "n_iter_no_change": [Interval(Integral, 1, None, closed="left")],
        "early_stopping": ["boolean"],
        "validation_fraction": [Interval(Real, 0, 1, closed="neither")],
        "random_state": ["random_state"],
        "verbose": ["verbose"],
        "warm_start": ["boolean"],
        "dtype": [Options(type, {np.float32, np.float64}), StrOptions({"float32", "float64"})],
    }

    def __init__(self, hidden_size=32, *, num_layers=1, bidirectional=False,
                 activation="tanh", pooling="last", return_sequences=False,
                 dense_layers=(), dense_activation="relu", dropout=0.0,
                 bptt_truncate=None, embedding_dim=None, vocab_size=None,
                 mask_value=None, init="xavier", recurrent_init="orthogonal",
                 solver="adam", learning_rate_init=0.001, learning_rate_decay=1.0,
                 momentum=0.9, beta_1=0.9,
                 beta_2=0.999, epsilon=1e-8, alpha=0.0, clip_norm=5.0,
                 batch_size="auto", max_iter=200, shuffle=True, tol=1e-4,
                 n_iter_no_change=10, early_stopping=False, validation_fraction=0.1,
                 random_state=None, verbose=False, warm_start=False, dtype="float32"):
        self.hidden_size = hidden_size
        self.num_layers = num_layers
        self.bidirectional = bidirectional
        self.activation = activation
        self.pooling = pooling
        self.return_sequences = return_sequences
        self.dense_layers = dense_layers
        self.dense_activation = dense_activation
        self.dropout = dropout
        self.bptt_truncate = bptt_truncate
        self.embedding_dim = embedding_dim
        self.vocab_size = vocab_size
        self.mask_value = mask_value
        self.init = init
        self.recurrent_init = recurrent_init
        self.solver = solver
        self.learning_rate_init = learning_rate_init
        self.learning_rate_decay = learning_rate_decay
        self.momentum = momentum
        self.beta_1 = beta_1
        self.beta_2 = beta_2
        self.epsilon = epsilon
        self.alpha = alpha
        self.clip_norm = clip_norm
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

    # ------------------------------------------------------------------ hooks
    @abstractmethod
    def _encode_targets(self, y, sequences, reset, classes=None):
        """Validate ``y``; return ``(target, n_outputs, loss)`` for the engine."""

    @abstractmethod
    def _validation_score(self, sequences, target, sample_weight):
        """Score of the current network on held-out encoded data."""

    #: ``metric(y_true, y_pred, sample_weight=None)`` of ``score`` and early
    #: stopping; the dtype ``score`` reads per-step targets in (None: labels).
    _metric = None
    _score_dtype = None

    def _weighted_metric(self, truth, predicted, sample_weight, sequences):
        """The metric over samples, or over valid time steps with return_sequences."""
        if not self.return_sequences:
            return self._metric(truth, predicted, sample_weight=sample_weight)
        values, mask = sequences
        valid = np.ones(values.shape[:2], bool) if mask is None else mask
        weights = None if sample_weight is None else np.broadcast_to(
            np.asarray(sample_weight, dtype=float)[:, None], valid.shape)[valid]
        return self._metric(truth[valid], predicted[valid], sample_weight=weights)

    def _per_step_score(self, X, y, sample_weight):
        """``score`` with return_sequences: the metric over the valid steps."""
        check_is_fitted(self)
        sequences = self._validate_input(X, reset=False)
        y, _ = per_step_target(y, sequences, dtype=self._score_dtype)
        return self._weighted_metric(y, self.predict(X), sample_weight, sequences)

    # ------------------------------------------------------------------ input
    @property
    def _float_dtype(self):
        return np.dtype(self.dtype).type

    def _validate_input(self, X, reset):
        sequences = validate_sequences(
            self, X, reset=reset, token_ids=self.embedding_dim is not None,
            dtype=self._float_dtype, mask_value=self.mask_value,
        )
        if self.embedding_dim is not None:
            if reset:
                self.vocab_size_ = self.vocab_size or max(int(sequences.values.max()) + 1, 2)
            values = sequences.values
            if values.size and values.max() >= self.vocab_size_:
                # Ids never seen at fit time read the out-of-vocabulary row 1.
                values = np.where(values >= self.vocab_size_, 1, values)
            sequences = Sequences(values, sequences.mask)
        return sequences

    def _blas_limits(self, n_rows):
        # Small matrices thrash when BLAS splits them over threads: one thread
        # for the whole fit of small batches (the engine already holds its
        # per-step products of this size to one thread); large ones keep the
        # caller's setting.
        small = min(n_rows, self._batch_size(n_rows)) * self.hidden_size < SINGLE_THREAD_STEP_SIZE
        return _BLAS.limit(limits=1, user_api="blas") if small else nullcontext()

    def _batch_size(self, n_samples):
        if self.solver == "rprop":   # Rprop is a full-batch method
            return n_samples
        if self.batch_size == "auto":
            return min(200, n_samples)
        return min(self.batch_size, n_samples)

    # --------------------------------------------------------------- training
    def _initialize(self, n_outputs, loss, rng):
        self.network_ = build_network(
            self.n_step_features_, n_outputs, loss,
            hidden_size=self.hidden_size, num_layers=self.num_layers,
            bidirectional=self.bidirectional, activation=self.activation,
            init=self.init, recurrent_init=self.recurrent_init, pooling=self.pooling,
            return_sequences=self.return_sequences, dense_layers=tuple(self.dense_layers),
            dense_activation=self.dense_activation, dropout=self.dropout,
            bptt_truncate=self.bptt_truncate,
            vocab_size=getattr(self, "vocab_size_", None), embedding_dim=self.embedding_dim,
            alpha=self.alpha, rng=rng, dtype=self._float_dtype,
        )
        self._optimizer = self._make_optimizer(self.network_.params)
        self.n_iter_ = 0
        self.t_ = 0
        self.loss_curve_ = []
        self.best_loss_ = np.inf
        self._no_improvement_count = 0
        self.validation_scores_ = [] if self.early_stopping else None
        self.best_validation_score_ = -np.inf if self.early_stopping else None

    def _optimizer_options(self):
        return {
            "sgd": {},
            "momentum": {"momentum": self.momentum},
            "adagrad": {"epsilon": self.epsilon},
            "rmsprop": {"epsilon": self.epsilon},
            "adam": {"beta_1": self.beta_1, "beta_2": self.beta_2, "epsilon": self.epsilon},
            "rprop": {},
        }[self.solver]

    def _make_optimizer(self, params):
        return OPTIMIZERS[self.solver](params, learning_rate=self.learning_rate_init,
                                       **self._optimizer_options())

    def _sync_optimizer(self):
        """Apply hyperparameters changed with set_params since the last call:
        a new solver starts afresh, the same solver keeps its state (the
        learning rate is set at every epoch by ``_train``'s schedule)."""
        if not isinstance(self._optimizer, OPTIMIZERS[self.solver]):
            self._optimizer = self._make_optimizer(self.network_.params)
            return
        for name, value in self._optimizer_options().items():
            setattr(self._optimizer, name, value)

    def _fit(self, X, y, sample_weight=None, *, incremental, classes=None):
        if y is None:
            raise ValueError(
                f"{type(self).__name__} requires y to be passed, but the target y is None."
            )
        first_call = not hasattr(self, "network_") or not (incremental or self.warm_start)
        with restore_on_error(self):
            sequences = self._validate_input(X, reset=first_call)
            target, n_outputs, loss = self._encode_targets(y, sequences, first_call, classes)
            sample_weight = _check_sample_weight(
                sample_weight, sequences.values, dtype=np.float64, ensure_non_negative=True
            )
            if sample_weight.sum() <= 0:
                raise ValueError("sample_weight must have a positive sum; every weight is 0.")
            if first_call:
                self._random_state = check_random_state(self.random_state)
                self._initialize(n_outputs, loss, self._random_state)
            else:
                self._sync_optimizer()
            max_epochs = 1 if incremental else self.max_iter
            callbacks = self._init_callback_context(max_subtasks=max_epochs)
            callbacks.call_on_fit_task_begin(estimator=self, X=X, y=y,
                                             metadata={"sample_weight": sample_weight})
            # Overflow is detected (non-finite loss, gradient or weights) and
            # reported as TrainingDivergedError, not as NumPy warnings.
            with self._blas_limits(len(sample_weight)), np.errstate(over="ignore", invalid="ignore"):
                self._train(sequences, target, sample_weight, max_epochs=max_epochs,
                            early_stopping=self.early_stopping and not incremental,
                            callbacks=callbacks)
            callbacks.call_on_fit_task_end(estimator=self, X=X, y=y,
                                           reconstruction_attributes=self._fitted_attributes)
        return self

    def _fitted_attributes(self):
        """A copy of the state a ready-to-predict estimator needs (for callbacks)."""
        return {key: copy.deepcopy(value) for key, value in self.__dict__.items()
                if key.endswith("_") and not key.startswith("__")
                or key in ("_label_binarizer", "_fitted_on_2d", "_single_output")}

    def _split_validation(self, sequences, target, sample_weight):
        stratify = self._stratify_labels(target)
        values, mask = sequences
        arrays = [values, target, sample_weight] + ([] if mask is None else [mask])
        split = train_test_split(*arrays, test_size=self.validation_fraction,
                                 random_state=self._random_state, stratify=stratify)
        train, val = split[0::2], split[1::2]
        as_sequences = (lambda part: Sequences(part[0], None if mask is None else part[3]))
        return (as_sequences(train), train[1], train[2]), (as_sequences(val), val[1], val[2])

    def _stratify_labels(self, target):
        return None

    def _train(self, sequences, target, sample_weight, *, max_epochs, early_stopping, callbacks):
        if early_stopping:
            (sequences, target, sample_weight), validation = self._split_validation(
                sequences, target, sample_weight)
            best_params = [p.copy() for p in self.network_.params]
        data = TrainingData(sequences, target, sample_weight, per_step=self.return_sequences)
        batch_size = self._batch_size(data.n_samples)
        converged = False
        for _ in range(max_epochs):
            start = time.perf_counter()
            epoch = callbacks.subcontext(task_name="epoch")
            # Exponential decay over the epochs run so far (partial_fit included).
            self._optimizer.learning_rate = (
                self.learning_rate_init * self.learning_rate_decay ** self.n_iter_)
            epoch.call_on_fit_task_begin(estimator=self)
            try:
                loss = run_epoch(self.network_, self._optimizer, data, batch_size,
                                 self._random_state, self.shuffle, self.clip_norm)
                if not all(np.isfinite(p).all() for p in self.network_.params):
                    raise TrainingDivergedError(divergence_message("weights"))
                score = self._validation_score(*validation) if early_stopping else None
            except TrainingDivergedError as exc:
                if not early_stopping:
                    raise
                # Early stopping holds finite best weights: keep them, stop here.
                warnings.warn("Training diverged; stopped and restored the weights of the "
                              f"best epoch. {exc}", ConvergenceWarning)
                converged = True
                break
            self.n_iter_ += 1
            self.t_ += data.n_samples
            self.loss_curve_.append(loss)
            message = f"Epoch {self.n_iter_}: loss={loss:.6f}"
            if early_stopping:
                self.validation_scores_.append(score)
                message += f", validation score={score:.6f}"
                if score > self.best_validation_score_:
                    best_params = [p.copy() for p in self.network_.params]
                converged = self._update_no_improvement(-score, "best_validation_score_", -1)
            else:
                converged = self._update_no_improvement(loss, "best_loss_", 1)
            if self.verbose:
                print(f"{message}, {time.perf_counter() - start:.2f} s")
            stop = epoch.call_on_fit_task_end(estimator=self,
                                              reconstruction_attributes=self._fitted_attributes)
            if stop:            # a callback asked to stop: that is not a failure
                converged = True
            if converged and max_epochs > 1 or stop:
                break
        if early_stopping:
            for param, best in zip(self.network_.params, best_params):
                np.copyto(param, best)
        if max_epochs > 1 and not converged:
            warnings.warn(
                f"{type(self).__name__}: maximum iterations ({max_epochs}) reached "
                "and the optimization hasn't converged yet.", ConvergenceWarning)

    def _update_no_improvement(self, value, best_attr, sign):
        """Track the stopping criterion; True once it has stalled long enough.

        ``value`` is minimised; ``best_attr`` holds ``sign * best``.
        """
        best = sign * getattr(self, best_attr)
        if value > best - self.tol:
            self._no_improvement_count += 1
        else:
            self._no_improvement_count = 0
        if value < best:
            setattr(self, best_attr, sign * value)
        return self._no_improvement_count > self.n_iter_no_change

    # ------------------------------------------------------------- inference
    def _predict_chunks(self, sequences, output):
        """Run ``output(network, x, mask)`` over chunks of ``sequences``.

        Chunks bound the working memory (see ``PREDICT_CHUNK_BYTES``); the
        results are concatenated batch-major.
        """
        values, mask = sequences
        n, t = values.shape[:2]
        width = max(values.shape[2] if values.ndim == 3 else self.embedding_dim,
                    self.hidden_size * (2 if self.bidirectional else 1))
        layers = len(self.network_.layers)
        rows = max(1, PREDICT_CHUNK_BYTES // (t * width * layers * np.dtype(self._float_dtype).itemsize))
        parts = []
        with self._blas_limits(min(n, rows)):
            for chunk in gen_batches(n, rows):
                x = np.ascontiguousarray(np.swapaxes(values[chunk], 0, 1))
                m = None if mask is None else np.ascontiguousarray(mask[chunk].T)
                out = output(self.network_, x, m)
                parts.append(np.swapaxes(out, 0, 1) if out.ndim == 3 else out)
        return np.concatenate(parts) if parts else np.empty((0,))

    def _predictions(self, sequences):
        """Output-layer predictions, checked finite: (N, K), or (N, T, K) per step."""
        with np.errstate(over="ignore", invalid="ignore"):
            output = self._predict_chunks(sequences, lambda net, x, m: net.predict(x, m))
        if not np.isfinite(output).all():
            raise TrainingDivergedError(
                "The network's output overflowed to infinity or NaN on this input. Its "
                "values may be far larger than the training data's (scale the input), "
                "or the weights may be unstable (use a bounded activation such as "
                "'tanh', clip_norm or a lower learning_rate_init)."
            )
        return output

    def _network_output(self, X):
        check_is_fitted(self)
        return self._predictions(self._validate_input(X, reset=False))

    def transform(self, X):
        """The pooled hidden representation of each sequence.

        Returns the input of the output layer: the pooled recurrent state
        (after any hidden dense layers), shape (n_samples, n_features_out),
        or per time step (n_samples, n_timesteps, n_features_out) with
        ``return_sequences=True``.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_timesteps[, n_features]) or list

        Returns
        -------
        ndarray
        """
        check_is_fitted(self)
        if self.return_sequences and _get_output_config("transform", self)["dense"] != "default":
            raise ValueError(
                "With return_sequences=True, transform returns a 3-D array (n_samples, "
                "n_timesteps, n_features), which cannot be a DataFrame; use "
                "set_output(transform='default')."
            )
        sequences = self._validate_input(X, reset=False)
        hidden = self.network_.layers[:-1]

        def features(net, x, m):
            for layer in hidden:
                x = layer.forward(x, m)
                m = layer.output_mask(m)
            return x

        return self._predict_chunks(sequences, features)

    def get_feature_names_out(self, input_features=None):
        """Names of the :meth:`transform` output: ``<classname>0``, ``<classname>1``, ...

        Parameters
        ----------
        input_features : ignored

        Returns
        -------
        ndarray of str
        """
        check_is_fitted(self)
        n_out = self.network_.layers[-1].W.shape[0]
        prefix = type(self).__name__.lower()
        return np.asarray([f"{prefix}{i}" for i in range(n_out)], dtype=object)

    # ------------------------------------------------------------ persistence
    def save(self, path):
        """Write this fitted estimator to ``path`` as a pickle-free ``.npz`` file.

        Shorthand for :func:`sklearn_rnn.persistence.save_model`; read the
        file back with :meth:`load`.

        Parameters
        ----------
        path : str or path-like

        Examples
        --------
        >>> import os, tempfile
        >>> import numpy as np
        >>> from sklearn_rnn import ScratchRNNRegressor
        >>> X = np.random.RandomState(0).rand(20, 6)
        >>> reg = ScratchRNNRegressor(hidden_size=4, max_iter=3, random_state=0)
        >>> reg = reg.fit(X, X.sum(axis=1))
        >>> path = os.path.join(tempfile.mkdtemp(), "reg.npz")
        >>> reg.save(path)
        >>> bool(np.array_equal(ScratchRNNRegressor.load(path).predict(X), reg.predict(X)))
        True
        """
        from .persistence import save_model   # persistence imports the estimators

        save_model(self, path)

    @classmethod
    def load(cls, path):
        """Read an estimator written by :meth:`save` (never unpickles anything).

        Shorthand for :func:`sklearn_rnn.persistence.load_model` that also
        checks the class of the stored estimator.

        Parameters
        ----------
        path : str or path-like

        Returns
        -------
        estimator : instance of this class, fitted

        Raises
        ------
        ValueError
            If the file is not a valid sklearn_rnn model file, or holds an
            estimator of another class.
        """
        from .persistence import load_model

        estimator = load_model(path)
        if not isinstance(estimator, cls):
            raise ValueError(
                f"{path!s} holds a {type(estimator).__name__}, not a {cls.__name__}."
            )
        return estimator

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.three_d_array = True
        tags.input_tags.two_d_array = True
        tags.input_tags.sparse = False
        tags.transformer_tags.preserves_dtype = [np.dtype(self.dtype).name]
        return tags
