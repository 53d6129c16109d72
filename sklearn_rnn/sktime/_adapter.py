"""What the sktime classifier and regressor share: the wrapped estimator, the
tags, and handing sktime's panels to it unpadded and channels-first."""

import warnings

import numpy as np
from sklearn.base import clone

#: Tags of both sktime estimators. sktime converts any panel to the first
#: inner mtype unless it already is one of them: "df-list" (a list of
#: (n_timepoints_i, n_channels) DataFrames) holds unequal lengths unpadded,
#: "numpy3D" (n_instances, n_channels, n_timepoints) is taken as it is.
ADAPTER_TAGS = {
    "authors": ["sklearn_rnn developers"],
    "maintainers": ["sklearn_rnn developers"],
    "python_dependencies": None,
    "X_inner_mtype": ["df-list", "numpy3D"],
    "y_inner_mtype": "numpy1D",
    "capability:multivariate": True,
    "capability:unequal_length": True,
    "capability:missing_values": False,
    "capability:categorical_in_X": False,
}


def channels_first(X):
    """sktime's inner panel as the wrapped estimator reads it (channels first).

    Examples
    --------
    >>> import pandas as pd
    >>> X = [pd.DataFrame(np.zeros((4, 2))), pd.DataFrame(np.zeros((3, 2)))]
    >>> [item.shape for item in channels_first(X)]
    [(2, 4), (2, 3)]
    """
    if isinstance(X, np.ndarray):  # numpy3D: (n_instances, n_channels, n_timepoints)
        return X
    return [frame.to_numpy().T for frame in X]  # df-list: transposed views


def warn_if_end_padded(series, estimator):
    """Warn when equal-length series look end-padded with zeros and are not masked.

    ``series`` is the output of :func:`channels_first`. sktime's
    ``PaddingTransformer`` pads the shorter series with zeros at the end; a
    recurrent network that reads the last state then reads padding.
    """
    lengths = {s.shape[-1] for s in series}
    if estimator.mask_value is not None or len(lengths) != 1 or 0 in lengths:
        return
    last_steps = np.stack([s[:, -1] for s in series])  # (n_instances, n_channels)
    zero_end = ~np.any(last_steps != 0, axis=1)
    if zero_end.any() and not zero_end.all():
        warnings.warn(
            f"{int(zero_end.sum())} of {len(series)} series end in all-zero time "
            "steps, as sktime's PaddingTransformer pads them; the network reads "
            "padding as data. These estimators take unequal-length series as they "
            "are: drop the padding, or mask it with mask_value=0.0 on the wrapped "
            "estimator.",
            UserWarning,
            stacklevel=4,
        )


class ScratchRNNAdapterMixin:
    """``_fit`` / ``_predict`` of an sktime estimator wrapping one of ours.

    A subclass sets ``_estimator_class``, the default wrapped estimator.
    """

    _estimator_class = None

    def _set_randomness_tag(self):
        """Tag "property:randomness": "derandomized" if seeded, else "stochastic".

        sktime checks that fitting twice gives the same predictions only for
        estimators that do not declare themselves stochastic; ours are
        reproducible exactly when the wrapped estimator has a ``random_state``.
        """
        seed = getattr(self.estimator, "random_state", None)
        self.set_tags(
            **{"property:randomness": "stochastic" if seed is None else "derandomized"}
        )

    def _make_estimator(self):
        estimator = (
            self._estimator_class() if self.estimator is None else self.estimator
        )
        if not isinstance(estimator, self._estimator_class):
            raise TypeError(
                f"estimator must be a {self._estimator_class.__name__} (or None for "
                f"the default one); got {type(estimator).__name__}."
            )
        return clone(estimator).set_params(data_format="channels_first")

    @classmethod
    def get_test_params(cls, parameter_set="default"):
        """Tiny, fast settings for sktime's ``check_estimator``.

        Parameters
        ----------
        parameter_set : str, default="default"
            Unused; sktime's interface.

        Returns
        -------
        params : list of dict
            Each ``{"estimator": ...}``: a tiny Elman network, and a tiny GRU
            with mean pooling.
        """
        return [
            {
                "estimator": cls._estimator_class(
                    hidden_size=4, max_iter=3, random_state=0
                )
            },
            {
                "estimator": cls._estimator_class(
                    cell="gru",
                    hidden_size=3,
                    pooling="mean",
                    max_iter=2,
                    random_state=1,
                )
            },
        ]

    def _fit(self, X, y):
        estimator = self._make_estimator()
        series = channels_first(X)
        warn_if_end_padded(series, estimator)
        self.estimator_ = estimator.fit(series, y)
        return self

    def _predict(self, X):
        return self.estimator_.predict(channels_first(X))
