"""RNNRegressor: ScratchRNNRegressor as an sktime panel regressor."""

from sktime.regression.base import BaseRegressor

from .._regressor import ScratchRNNRegressor
from ._adapter import ADAPTER_TAGS, ScratchRNNAdapterMixin


class RNNRegressor(ScratchRNNAdapterMixin, BaseRegressor):
    """Panel regressor of sktime wrapping a ScratchRNNRegressor.

    It takes every panel layout sktime converts, unequal lengths included, as
    :class:`~sklearn_rnn.sktime.RNNClassifier` does. In forecasting,
    ``make_reduction(RNNRegressor(), window_length=12)`` (the scitype
    "time-series-regressor" is inferred) reads each window of 12 lags as 12
    time steps of one feature per channel (the series, plus any exogenous
    columns).

    Parameters
    ----------
    estimator : ScratchRNNRegressor or None, default=None
        The estimator to clone and fit; None is ``ScratchRNNRegressor()``.
        Its ``data_format`` is set to "channels_first" on the clone.

    Attributes
    ----------
    estimator_ : ScratchRNNRegressor
        The fitted clone.

    See Also
    --------
    sklearn_rnn.ScratchRNNRegressor : The estimator it wraps.
    sklearn_rnn.sktime.RNNClassifier : The same for classification.

    Examples
    --------
    Forecasting by reduction: windows of 12 months, read as 12 time steps.

    >>> from sklearn_rnn import ScratchRNNRegressor
    >>> from sklearn_rnn.sktime import RNNRegressor
    >>> from sktime.datasets import load_airline
    >>> from sktime.forecasting.compose import make_reduction
    >>> y = load_airline() / 100
    >>> regressor = RNNRegressor(ScratchRNNRegressor(max_iter=20, random_state=0))
    >>> forecaster = make_reduction(regressor, window_length=12)
    >>> forecaster = forecaster.fit(y[:-12], fh=[1, 2, 3])
    >>> forecaster.predict().shape
    (3,)
    >>> forecaster.estimator_.estimator_.n_step_features_  # one lag per step
    1
    """

    # one network for all outputs, as the tabular route (make_reduction's
    # "multioutput" strategy) fits it
    _tags = ADAPTER_TAGS | {
        "capability:multioutput": True,
        "y_inner_mtype": ["numpy2D", "numpy1D"],
    }
    _estimator_class = ScratchRNNRegressor

    def __init__(self, estimator=None):
        self.estimator = estimator
        super().__init__()
        self._set_randomness_tag()
