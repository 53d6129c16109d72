"""sktime estimators that wrap the scikit-learn ones (needs the ``[sktime]`` extra).

:class:`RNNClassifier` and :class:`RNNRegressor` are sktime panel estimators
(``BaseClassifier``, ``BaseRegressor``): sktime hands them any panel layout
(numpy3D, pd-multiindex, nested_univ, df-list, ...), unequal lengths
included, and they pass it, unpadded and channels-first, to a clone of a
:class:`~sklearn_rnn.ScratchRNNClassifier` / :class:`~sklearn_rnn.ScratchRNNRegressor`
with ``data_format="channels_first"``. ``import sklearn_rnn`` does not import
this subpackage nor sktime.

Examples
--------
>>> from sklearn_rnn.sktime import RNNClassifier, RNNRegressor
>>> RNNClassifier().get_tag("capability:unequal_length")
True
>>> import sklearn_rnn.sktime
>>> {"RNNClassifier", "RNNRegressor"} <= set(dir(sklearn_rnn.sktime))
True
"""

__all__ = ["RNNClassifier", "RNNRegressor"]


def __getattr__(name):
    """Import the estimators on first use, so that without sktime this package
    still imports (its doctests are then skipped, see ``conftest.py``) and
    only using them raises."""
    if name not in __all__:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    try:
        from ._classifier import RNNClassifier
        from ._regressor import RNNRegressor
    except ModuleNotFoundError as exc:
        if not (exc.name or "").startswith("sktime"):
            raise
        raise ImportError(
            f"sklearn_rnn.sktime.{name} needs sktime: pip install "
            "'sklearn_rnn[sktime]'."
        ) from exc
    globals().update(RNNClassifier=RNNClassifier, RNNRegressor=RNNRegressor)
    return globals()[name]


def __dir__():
    """The module's names, the lazily imported estimators included."""
    return sorted({*globals(), *__all__})
