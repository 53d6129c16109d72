"""Transformers of sequences: scaling, and flattening for tabular estimators.

``StandardScaler`` rejects 3-D arrays, and flattening a batch of sequences
to 2-D would treat each (time step, feature) pair as its own column.
:class:`SequenceScaler` standardises each *feature* over every valid time
step of every training sequence, so a Pipeline can scale sequences before a
recurrent estimator.  :class:`SequenceFlattener` does flatten them, for an
estimator that reads each step at its position (an MLP).
"""

from numbers import Real

import numpy as np
from sklearn.base import BaseEstimator, OneToOneFeatureMixin, TransformerMixin
from sklearn.utils.validation import check_is_fitted

from ._constraints import Number
from ._flattening import SequenceFlattener
from ._input_scaling import step_moments
from ._ragged import float_sequences

__all__ = ["SequenceFlattener", "SequenceScaler"]


class SequenceScaler(OneToOneFeatureMixin, TransformerMixin, BaseEstimator):
    """Standardise each feature over all valid time steps of the sequences.

    ``x[n, t, d] -> (x[n, t, d] - mean_[d]) / scale_[d]``, where the mean and
    standard deviation of feature ``d`` are taken over every time step of
    every training sequence that is not padding.  Padding is left as it is,
    so the recurrent estimator's masking still finds it.

    Parameters
    ----------
    mask_value : float or None, default=None
        Steps whose features all equal this value are padding: they count in
        no statistic and are returned unchanged (use the estimator's
        ``mask_value``).  Ragged lists need none: they have no padding.
    with_mean, with_std : bool, default=True
        Centre, and scale to unit variance, as ``StandardScaler`` does.

    Attributes
    ----------
    mean_, scale_ : ndarray of shape (n_features,)
        Per-feature mean and standard deviation (1 where it is 0).
    n_features_in_ : int
        Features per time step.
    n_steps_seen_ : int
        Valid time steps the statistics come from.

    See Also
    --------
    sklearn.preprocessing.StandardScaler : The same for 2-D tabular data.
    sklearn_rnn.ScratchRNNClassifier : Its ``scale_input`` scales alike.

    Examples
    --------
    >>> import numpy as np
    >>> X = np.array([[[1.0, 10.0], [3.0, 30.0]], [[5.0, 50.0], [-1.0, -1.0]]])
    >>> scaler = SequenceScaler(mask_value=-1.0).fit(X)   # 3 valid steps
    >>> scaler.mean_, scaler.n_steps_seen_
    (array([ 3., 30.]), 3)
    >>> scaler.transform(X)[1]                             # padding kept
    array([[ 1.22474487,  1.22474487],
           [-1.        , -1.        ]])
    >>> [s.shape for s in scaler.transform([X[0], X[1, :1]])]   # ragged
    [(2, 2), (1, 2)]
    """

    _parameter_constraints = {
        "mask_value": [Number(Real, None, None, closed="neither"), None],
        "with_mean": ["boolean"],
        "with_std": ["boolean"],
    }

    def __init__(self, *, mask_value=None, with_mean=True, with_std=True):
        self.mask_value = mask_value
        self.with_mean = with_mean
        self.with_std = with_std

    def _steps(self, X, n_features=None):
        """``(values (N, T, D), valid (N, T), how to give the result back)``;
        ``n_features``: the features per step expected (None: any)."""
        values, valid, form = float_sequences(X, "SequenceScaler", n_features)
        lengths = valid.sum(axis=1)  # a list's own lengths
        valid &= self._valid(values)
        if form == "list":
            return values, valid, lambda out: [row[:n] for row, n in zip(out, lengths)]
        if form == "2d":
            return values, valid, lambda out: out[:, :, 0]
        return values, valid, lambda out: out

    def _valid(self, values):
        if self.mask_value is None:
            return np.ones(values.shape[:2], dtype=bool)
        return np.any(values != self.mask_value, axis=2)

    def fit(self, X, y=None):
        """Compute the per-feature mean and standard deviation.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_timesteps[, n_features]) or list
            Sequences: a 3-D array, a 2-D array of univariate sequences, or
            a list of 1-D or 2-D arrays of their own lengths (ragged).
        y : None
            Ignored.

        Returns
        -------
        self : SequenceScaler
            The fitted scaler.

        Raises
        ------
        ValueError
            If ``X`` is not sequences, holds NaN or infinity on a valid
            step, or has no valid step.
        """
        self._validate_params()
        values, valid, _ = self._steps(X)
        steps = values[valid]
        if not np.isfinite(steps).all():
            raise ValueError("X contains NaN or infinity.")
        if len(steps) == 0:
            raise ValueError("X has no valid time step to compute statistics from.")
        self.n_features_in_ = values.shape[2]
        self.n_steps_seen_ = len(steps)
        # step_moments: no overflow for values of any finite size (1e160**2)
        mean, std, _ = step_moments(steps[:, None])
        self.mean_ = mean if self.with_mean else np.zeros(values.shape[2])
        std = std if self.with_std else np.ones(values.shape[2])
        self.scale_ = np.where(std > 0, std, 1.0)
        return self

    def transform(self, X):
        """Standardise the valid steps of ``X``; padding is returned unchanged.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_timesteps[, n_features]) or list
            Sequences: a 3-D array, a 2-D array of univariate sequences, or
            a list of 1-D or 2-D arrays of their own lengths (ragged).

        Returns
        -------
        ndarray or list of ndarray
            The scaled sequences, as float64, shaped like ``X`` (a list for a
            ragged list).
        """
        return self._apply(X, lambda steps: (steps - self.mean_) / self.scale_)

    def inverse_transform(self, X):
        """Undo :meth:`transform`.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_timesteps[, n_features]) or list
            Scaled sequences, as :meth:`transform` returns them.

        Returns
        -------
        ndarray or list of ndarray
            The sequences in their original units, as float64, shaped like
            ``X``.
        """
        return self._apply(X, lambda steps: steps * self.scale_ + self.mean_)

    def _apply(self, X, function):
        check_is_fitted(self)
        values, valid, give_back = self._steps(X, self.n_features_in_)
        steps = values[valid]
        if not np.isfinite(steps).all():
            raise ValueError("X contains NaN or infinity.")
        out = values.copy()
        out[valid] = function(steps)
        return give_back(out)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.three_d_array = True
        tags.requires_fit = True
        return tags
