"""Standardisation of dense inputs inside the estimators (``scale_input``).

A recurrent network learns fastest when every input feature has zero mean
and unit variance: the input kernel's initial scale (Xavier) assumes it, and
unscaled features (accelerometers in m/s², a gyroscope in rad/s, prices)
saturate tanh and gates or starve them.  ``StandardScaler`` cannot stand in
a Pipeline before a sequence estimator (it rejects 3-D input), so, as the
regressor standardises its targets, the estimators standardise each input
feature over every valid (non-padding) time step of the training sequences
and apply the same statistics whenever they read input again.
"""

import numpy as np
from sklearn.utils import gen_batches

from ._validation import Sequences

#: Elements of (N, T, D) data per pass (32 MiB in float64), to bound temporaries.
_ELEMENTS_PER_PASS = 2**22


def _row_blocks(values):
    rows = max(1, _ELEMENTS_PER_PASS // max(1, values[0].size if len(values) else 1))
    return list(gen_batches(len(values), rows))


def step_moments(values, valid=None, sample_weight=None):
    """Mean and standard deviation of each feature over the valid time steps.

    Each valid step of sequence ``n`` counts with weight ``sample_weight[n]``
    (so integer weights equal repeated sequences).  Passes over row blocks,
    accumulated in float64: no temporary is larger than a block, whatever
    the size of ``values``.  The sums are of the values divided by a power
    of two at least their largest magnitude, so no square or sum overflows
    (values of 1e160 squared are infinite) and, the division being exact,
    the figures are those of the plain formula wherever it does not
    overflow.

    Parameters
    ----------
    values : ndarray of shape (N, T, D)
    valid : ndarray of bool, shape (N, T), or None (every step is valid)
    sample_weight : ndarray of shape (N,), or None (all ones)

    Returns
    -------
    mean, std : ndarray of shape (D,), float64
        Finite for finite ``values``.
    weight : float
        Total weight of the valid steps the figures come from.

    Examples
    --------
    >>> values = np.array([[[1.0], [3.0]], [[5.0], [99.0]]])
    >>> step_moments(values, np.array([[True, True], [True, False]]))
    (array([3.]), array([1.63299316]), 3.0)
    >>> step_moments(values * 1e300, np.array([[True, True], [True, False]]))
    (array([3.e+300]), array([1.63299316e+300]), 3.0)
    """
    n_samples, n_steps, n_features = values.shape
    if valid is None:
        valid = np.ones((n_samples, n_steps), dtype=bool)
    if sample_weight is None:
        sample_weight = np.ones(n_samples)
    blocks = _row_blocks(values)

    def weighted_sum(function):
        total = np.zeros(n_features)
        for block in blocks:
            # (N_b, T) step weights against (N_b, T, D) values: one contraction.
            steps = valid[block] * sample_weight[block, None]
            total += np.einsum("nt,ntd->d", steps, function(values[block]))
        return total

    weight = float(np.dot(valid.sum(axis=1), sample_weight))
    if weight <= 0:
        return np.zeros(n_features), np.zeros(n_features), 0.0
    largest = np.zeros(n_features)
    for block in blocks:
        magnitudes = np.abs(values[block], dtype=np.float64)
        np.fmax(
            largest,
            magnitudes.max(axis=(0, 1), where=valid[block, :, None], initial=0.0),
            out=largest,
        )
    _, exponent = np.frexp(largest)  # largest < 2**exponent: |values| / 2**e < 1

    def scaled(rows):
        return np.ldexp(rows.astype(np.float64), -exponent)

    mean = weighted_sum(scaled) / weight
    variance = weighted_sum(lambda rows: (scaled(rows) - mean) ** 2) / weight
    return (
        np.ldexp(mean, exponent),
        np.ldexp(np.sqrt(variance), exponent),
        weight,
    )


class InputScalingMixin:
    """The fitted standardisation of dense input (``scale_input``).

    A new fit calls :meth:`_fit_input_scaling` once the sample weights are
    known; every fit and ``partial_fit`` trains on :meth:`_scale_input`'s
    copy of its data, and prediction scales each chunk it reads
    (:meth:`_scaled_chunk`), so that predicting needs no scaled copy of the
    whole input.  With
    ``scale_input`` (and no ``embedding_dim``: token ids are not scaled),
    ``input_mean_`` and ``input_scale_`` are the weighted mean and standard
    deviation of each feature (a constant feature keeps scale 1); otherwise
    both are None.  ``partial_fit`` keeps the first call's figures.  Padding
    steps are scaled too, harmlessly: the mask was taken from the raw
    values, and the network carries its state through masked steps.
    """

    def _fit_input_scaling(self, sequences, sample_weight):
        self.input_mean_ = self.input_scale_ = None
        if not self.scale_input or self.embedding_dim is not None:
            return
        mean, std, _ = step_moments(sequences.values, sequences.mask, sample_weight)
        self.input_mean_ = mean
        self.input_scale_ = np.where(std > 0, std, 1.0)

    def _scale_input(self, sequences, X):
        """``sequences`` with standardised values (training data).

        Raises a ValueError if a standardised value overflows the model's
        dtype (values near its largest, of both signs).
        """
        if self.input_mean_ is None:
            return sequences
        values = self._scaled(sequences.values, X, check_finite=True)
        return Sequences(values, sequences.mask)

    def _scaled_chunk(self, values):
        """A standardised copy of one prediction chunk (or ``values`` itself)."""
        if self.input_mean_ is None:
            return values
        return self._scaled(values, values)

    def _check_input_scaling(self):
        """Raise a ValueError unless the scaling attributes fit the estimator
        (for model files: both None, or finite with one positive scale per
        feature)."""
        mean, scale = self.input_mean_, self.input_scale_
        if mean is None and scale is None:
            return
        expected = (self.n_step_features_,)
        if (
            mean is None
            or scale is None
            or self.embedding_dim is not None
            or np.shape(mean) != expected
            or np.shape(scale) != expected
            or not np.isfinite(mean).all()
            or not (np.isfinite(scale).all() and (scale > 0).all())
        ):
            raise ValueError(
                "input_mean_ and input_scale_ must be both None, or finite arrays "
                f"of {self.n_step_features_} values with positive scales"
            )

    def _scaled(self, values, X, check_finite=False):
        """``(values - input_mean_) / input_scale_``, in place when ``values``
        is a copy the validation made (never in the caller's array)."""
        out = values if values.flags.owndata and values is not X else None
        if out is None:
            out = np.empty_like(values)
        mean = self.input_mean_.astype(values.dtype)
        scale = self.input_scale_.astype(values.dtype)
        for block in _row_blocks(values):
            with np.errstate(over="ignore", invalid="ignore"):
                np.subtract(values[block], mean, out=out[block])
                out[block] /= scale
            if check_finite and not np.isfinite(out[block]).all():
                raise ValueError(
                    f"X cannot be standardised in {values.dtype}: its values (up to "
                    f"{np.abs(values[block]).max():g}) minus their mean overflow. "
                    "Rescale X, or fit with dtype='float64'."
                )
        return out
