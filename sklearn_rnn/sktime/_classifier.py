"""RNNClassifier: ScratchRNNClassifier as an sktime time-series classifier."""

from sktime.classification.base import BaseClassifier

from .._classifier import ScratchRNNClassifier
from ._adapter import ADAPTER_TAGS, ScratchRNNAdapterMixin, channels_first


class RNNClassifier(ScratchRNNAdapterMixin, BaseClassifier):
    """Time-series classifier of sktime wrapping a ScratchRNNClassifier.

    sktime converts any panel it is given (numpy3D, pd-multiindex,
    nested_univ, df-list, ...) to numpy3D or, for unequal lengths, to a list
    of DataFrames, never padded; a clone of ``estimator`` with
    ``data_format="channels_first"`` reads it, each series as its own number
    of time steps of ``n_channels`` features. So it can follow a transformer
    in a ``ClassifierPipeline`` (``transformer * RNNClassifier()``) and need
    no ``PaddingTransformer``: a padded series would be read with its padding
    unless the wrapped estimator masks it (``mask_value`` set to the fill
    value), and ``fit`` warns when its input looks end-padded with zeros.

    Parameters
    ----------
    estimator : ScratchRNNClassifier or None, default=None
        The estimator to clone and fit; None is ``ScratchRNNClassifier()``.
        Its hyperparameters are tuned as ``estimator__hidden_size`` etc.; its
        ``data_format`` is set to "channels_first" on the clone, as sktime
        gives series channels first.

    Attributes
    ----------
    estimator_ : ScratchRNNClassifier
        The fitted clone.
    classes_ : ndarray
        Class labels (sktime's ``BaseClassifier`` sets them).

    See Also
    --------
    sklearn_rnn.ScratchRNNClassifier : The estimator it wraps.
    sklearn_rnn.sktime.RNNRegressor : The same for panel regression.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_rnn import ScratchRNNClassifier
    >>> from sklearn_rnn.sktime import RNNClassifier
    >>> rng = np.random.RandomState(0)
    >>> X = rng.randn(40, 2, 15)                # numpy3D: 2 channels, 15 steps
    >>> y = (X[:, 0].sum(axis=1) > 0).astype(int)
    >>> clf = RNNClassifier(ScratchRNNClassifier(hidden_size=8, max_iter=30,
    ...                                          learning_rate_init=0.01,
    ...                                          random_state=0))
    >>> clf = clf.fit(X, y)
    >>> clf.estimator_.n_step_features_        # channels are features per step
    2
    >>> clf.predict_proba(X[:2]).shape
    (2, 2)
    """

    _tags = ADAPTER_TAGS | {"capability:predict_proba": True}
    _estimator_class = ScratchRNNClassifier

    def __init__(self, estimator=None):
        self.estimator = estimator
        super().__init__()
        self._set_randomness_tag()

    def _predict_proba(self, X):
        return self.estimator_.predict_proba(channels_first(X))
