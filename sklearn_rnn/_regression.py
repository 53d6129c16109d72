"""The fit and predict machinery of :class:`~sklearn_rnn.ScratchRNNRegressor`
(its public class, docstring and ``__init__`` are in ``_regressor.py``)."""

from numbers import Integral

import numpy as np
from sklearn.base import RegressorMixin, _fit_context
from sklearn.metrics import r2_score
from sklearn.utils.validation import check_array, check_is_fitted

from ._base import BaseScratchRNN
from ._callbacks import with_callbacks
from ._concurrency import reads_committed_state, trains_alone
from ._input_scaling import step_moments
from ._state import BASE_ARRAYS, BASE_SCALARS
from ._targets import check_target_length, per_step_target
from ._text_values import check_not_text
from .nn.losses import SquaredError


class RecurrentRegressorBase(RegressorMixin, BaseScratchRNN):
    """Targets, their standardisation and R² of the recurrent regressor.

    Trains on the half squared error of standardised targets
    (``scale_target``) and maps predictions back to the units of ``y``;
    defines ``fit``, ``partial_fit``, ``predict`` and ``score``; the public
    class adds the hyperparameters.
    """

    _metric = staticmethod(r2_score)
    _score_dtype = np.float64
    _fitted_scalars = {
        **BASE_SCALARS,
        "n_outputs_": (Integral,),
        "_single_output": (bool,),
    }
    _fitted_arrays = {**BASE_ARRAYS, "y_mean_": ("f", True), "y_scale_": ("f", True)}

    @trains_alone
    @with_callbacks
    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y, sample_weight=None):
        """Train on sequences ``X`` and targets ``y`` for up to ``max_iter`` epochs.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_timesteps, n_features) or list
            Sequences: a 3-D array, a 2-D array of univariate sequences, a
            ragged list of arrays, or token ids with ``embedding_dim`` (see
            the User Guide, "Input layouts and padding").
        y : array-like of shape (n_samples,) or (n_samples, n_outputs)
            Targets; per time step with ``return_sequences``.
        sample_weight : array-like of shape (n_samples,), default=None
            Weight of each sequence; None weighs every sequence 1.

        Returns
        -------
        self : object
            The fitted estimator.
        """
        return self._fit(X, y, sample_weight, incremental=False)

    @trains_alone
    @with_callbacks
    @_fit_context(prefer_skip_nested_validation=True)
    def partial_fit(self, X, y, sample_weight=None):
        """Run exactly one epoch over ``X, y``, from the current weights.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_timesteps, n_features) or list
            Sequences: a 3-D array, a 2-D array of univariate sequences, a
            ragged list of arrays, or token ids with ``embedding_dim`` (see
            the User Guide, "Input layouts and padding").
        y : array-like of shape (n_samples,) or (n_samples, n_outputs)
            Targets, as for :meth:`fit`.
        sample_weight : array-like of shape (n_samples,), default=None
            Weight of each sequence, as for :meth:`fit`.

        Returns
        -------
        self : object
            The estimator, one epoch further.
        """
        return self._fit(X, y, sample_weight, incremental=True)

    def _encode_targets(self, y, sequences, reset, classes=None, sample_weight=None):
        check_not_text(y, "y")
        if self.return_sequences:
            with np.errstate(over="ignore", invalid="ignore"):
                y, _ = per_step_target(y, sequences, dtype=self.dtype_)
            step_ndim = 2
        else:
            with np.errstate(
                over="ignore", invalid="ignore"
            ):  # too large for dtype_: check_array's ValueError
                y = check_array(y, ensure_2d=False, dtype=self.dtype_, input_name="y")
            check_target_length(y, sequences)
            step_ndim = 1
        if y.ndim not in (step_ndim, step_ndim + 1):
            raise ValueError(
                f"y has {y.ndim} dimensions; expected {step_ndim} or {step_ndim + 1}."
            )
        single = y.ndim == step_ndim
        target = y[..., None] if single else y
        if reset:
            self._single_output = single
            self.n_outputs_ = target.shape[-1]
            self._fit_target_scaling(target, sequences, sample_weight)
        elif target.shape[-1] != self.n_outputs_:
            raise ValueError(
                f"y has {target.shape[-1]} outputs, but {type(self).__name__} was "
                f"fitted with {self.n_outputs_}."
            )
        with np.errstate(over="ignore", invalid="ignore"):
            target = ((target - self.y_mean_) / self.y_scale_).astype(self.dtype_)
        if not np.isfinite(target).all():
            raise ValueError(
                f"y cannot be standardised in {self.dtype_}: its values (up to "
                f"{np.abs(y).max():g}) minus their mean overflow. Rescale y."
            )
        return target, self.n_outputs_, SquaredError()

    def _fit_target_scaling(self, target, sequences, sample_weight):
        """Weighted mean and standard deviation of each output over the valid targets.

        The network learns standardised targets (unit scale, whatever the
        units of ``y``), and ``predict`` maps its outputs back.  A constant
        output keeps scale 1.  ``partial_fit`` keeps the first call's figures.
        The figures are computed as the input's are (:func:`step_moments`:
        per step with ``return_sequences``, padding left out), without
        overflow for targets of any finite size.
        """
        n_outputs = target.shape[-1]
        if not self.scale_target:
            self.y_mean_, self.y_scale_ = np.zeros(n_outputs), np.ones(n_outputs)
            return
        if self.return_sequences:  # one weight per step, 0 on padding
            mean, std, _ = step_moments(target, sequences.mask, sample_weight)
        else:
            mean, std, _ = step_moments(target[:, None], None, sample_weight)
        self.y_mean_ = mean
        self.y_scale_ = np.where(std > 0, std, 1.0)

    def _target_encoding(self):
        if self.n_outputs_ < 1:
            raise ValueError(f"n_outputs_ must be at least 1; got {self.n_outputs_}")
        return self.n_outputs_, SquaredError()

    def _constant_candidate(self, sequences, target, sample_weight):
        """The score of predicting the training mean: the scaled target's 0
        (R² is the same in either scale)."""
        return self._weighted_metric(
            target, np.zeros_like(target), sample_weight, sequences
        )

    def _constant_weights(self, weights):
        """An output layer of zeros predicts the scaled target's 0: the mean
        (the output layer's kernel and bias are the last parameters)."""
        n_params = len(self.network_.params)
        for weight in weights[n_params - 2 : n_params]:
            weight.fill(0.0)
        return weights

    def _validation_score(self, sequences, target, sample_weight):
        return self._weighted_metric(
            target, self._predictions(sequences, scaled=True), sample_weight, sequences
        )

    @reads_committed_state
    def predict(self, X):
        """Predict the targets of each sequence (or each step).

        Parameters
        ----------
        X : array-like of shape (n_samples, n_timesteps, n_features) or list
            Sequences: a 3-D array, a 2-D array of univariate sequences, a
            ragged list of arrays, or token ids with ``embedding_dim`` (see
            the User Guide, "Input layouts and padding").

        Returns
        -------
        y : ndarray of shape (n_samples,) or (n_samples, n_outputs)
            Or per time step, (n_samples, n_timesteps[, n_outputs]).
        """
        output = self._network_output(X).astype(np.float64)
        with np.errstate(over="ignore", invalid="ignore"):
            output *= self.y_scale_
            output += self.y_mean_
        if not np.isfinite(output).all():
            raise ValueError(
                "The predictions overflow float64 when mapped back to the units of "
                f"y (y_scale_ up to {self.y_scale_.max():g}): the targets were too "
                "large. Rescale y before fitting."
            )
        return output[..., 0] if self._single_output else output

    @reads_committed_state
    def score(self, X, y, sample_weight=None):
        """Return the R² of the predictions (over the valid steps, if per step).

        Parameters
        ----------
        X : array-like of shape (n_samples, n_timesteps, n_features) or list
            Sequences: a 3-D array, a 2-D array of univariate sequences, a
            ragged list of arrays, or token ids with ``embedding_dim`` (see
            the User Guide, "Input layouts and padding").
        y : array-like of shape (n_samples,) or (n_samples, n_outputs)
            True targets (per step with ``return_sequences``).
        sample_weight : array-like of shape (n_samples,), default=None
            Weight of each sequence; None weighs every sequence 1.

        Returns
        -------
        score : float
            The coefficient of determination of :meth:`predict` on ``X``.
        """
        check_is_fitted(self, "network_")
        if not self._architecture["return_sequences"]:
            return super().score(X, y, sample_weight)
        return self._per_step_score(X, y, sample_weight)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.target_tags.multi_output = True
        return tags
