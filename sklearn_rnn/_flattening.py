"""Sequences as the rows of a table, for a tabular estimator."""

from numbers import Integral

import numpy as np
from sklearn.base import (
    BaseEstimator,
    ClassNamePrefixFeaturesOutMixin,
    TransformerMixin,
)
from sklearn.utils._param_validation import Interval
from sklearn.utils.validation import check_is_fitted

from ._ragged import float_sequences


class SequenceFlattener(
    ClassNamePrefixFeaturesOutMixin, TransformerMixin, BaseEstimator
):
    """Each sequence as one row: its steps side by side, zero-padded or cut.

    Row ``n`` of the result holds the features of step 0 of sequence ``n``,
    then those of step 1, and so on for ``n_timesteps_`` steps: a shorter
    sequence is followed by zeros, the steps of a longer one past
    ``n_timesteps_`` are dropped.  That is how a tabular estimator such as
    ``MLPClassifier`` reads a series, each step at its position; the
    time-series benchmarks' MLP baseline and the recipe's MLP member
    (``examples/time_series_recipe.py``) read the series so.

    Parameters
    ----------
    n_timesteps : int >= 1 or None, default=None
        Steps per row; None: the longest training sequence's.

    Attributes
    ----------
    n_timesteps_ : int
        Steps per row.
    n_features_in_ : int
        Features per time step.

    See Also
    --------
    SequenceScaler : Standardise the features of sequences.
    sklearn_rnn.nn.layers.Flatten : The same map inside a network (the
        estimators' ``flat_units`` branch).

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_rnn.preprocessing import SequenceFlattener
    >>> flattener = SequenceFlattener().fit([[1.0, 2.0, 3.0], [4.0]])
    >>> flattener.n_timesteps_
    3
    >>> flattener.transform([[5.0], [6.0, 7.0, 8.0, 9.0]])
    array([[5., 0., 0.],
           [6., 7., 8.]])
    >>> X = np.arange(8.0).reshape(2, 2, 2)  # 2 sequences, 2 steps, 2 features
    >>> SequenceFlattener().fit_transform(X)
    array([[0., 1., 2., 3.],
           [4., 5., 6., 7.]])
    """

    _parameter_constraints = {
        "n_timesteps": [Interval(Integral, 1, None, closed="left"), None],
    }

    def __init__(self, n_timesteps=None):
        self.n_timesteps = n_timesteps

    def fit(self, X, y=None):
        """Record the steps per row and the features per step.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_timesteps[, n_features]) or list
            Sequences: a 3-D array, a 2-D array of univariate sequences, or
            a list of 1-D or 2-D arrays of their own lengths (ragged).
        y : None
            Ignored.

        Returns
        -------
        self : SequenceFlattener
            The fitted transformer.
        """
        self._validate_params()
        values, valid, _ = float_sequences(X, "SequenceFlattener")
        self.n_features_in_ = values.shape[2]
        self.n_timesteps_ = self.n_timesteps or int(valid.sum(axis=1).max())
        self._n_features_out = self.n_timesteps_ * self.n_features_in_
        return self

    def transform(self, X):
        """Flatten each sequence into a row of ``n_timesteps_ * n_features_in_``.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_timesteps[, n_features]) or list
            Sequences, of any lengths.

        Returns
        -------
        rows : ndarray of float64 of shape (n_samples, n_columns)
            ``n_columns`` is ``n_timesteps_ * n_features_in_``; step ``t``'s
            feature ``d`` is in column ``t * n_features_in_ + d``.
        """
        check_is_fitted(self)
        values, _, _ = float_sequences(X, "SequenceFlattener", self.n_features_in_)
        n_samples, n_steps, n_features = values.shape
        # a list is already zero-padded after each sequence's end
        rows = np.zeros((n_samples, self.n_timesteps_, n_features))
        kept = min(n_steps, self.n_timesteps_)
        rows[:, :kept] = values[:, :kept]
        return rows.reshape(n_samples, -1)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.three_d_array = True
        tags.input_tags.allow_nan = True  # passed through, as any value
        tags.requires_fit = True
        return tags
