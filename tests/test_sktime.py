"""sktime interoperability (issue 13): one test per friction item, sktime's own
``check_estimator``, and the numerics of the sktime estimators.

The UCR files are read from the data home (``SKLEARN_RNN_DATA``); tests that
need them are skipped when they are absent. Everything runs in well under a
minute on two cores.
"""

import warnings

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose, assert_array_equal

pytest.importorskip("sktime")

from sklearn.base import clone  # noqa: E402
from sklearn.linear_model import LinearRegression  # noqa: E402
from sktime.classification.compose import ClassifierPipeline  # noqa: E402
from sktime.datasets import load_airline  # noqa: E402
from sktime.datatypes import convert_to  # noqa: E402
from sktime.forecasting.compose import make_reduction  # noqa: E402
from sktime.transformations.panel.padder import PaddingTransformer  # noqa: E402
from sktime.utils.estimator_checks import check_estimator  # noqa: E402

from sklearn_rnn import ScratchRNNClassifier, ScratchRNNRegressor  # noqa: E402
from sklearn_rnn.datasets import fetch_ucr  # noqa: E402
from sklearn_rnn.sktime import RNNClassifier, RNNRegressor  # noqa: E402

FAST = dict(hidden_size=8, max_iter=5, learning_rate_init=0.01, random_state=0)
STRATEGIES = ["recursive", "direct", "multioutput", "dirrec"]


def ucr(name, split):
    """(X channels last, y) of a shared UCR data set, or skip."""
    try:
        # float64, as sktime's own loaders hand panels over
        return fetch_ucr(
            name,
            split=split,
            return_X_y=True,
            download_if_missing=False,
            dtype=np.float64,
        )
    except FileNotFoundError as exc:
        pytest.skip(str(exc))


@pytest.fixture(scope="module")
def basic_motions():
    """BasicMotions as sktime hands it: numpy3D (40, 6 channels, 100 steps)."""
    X, y = ucr("BasicMotions", "train")
    return np.ascontiguousarray(X.transpose(0, 2, 1)), y


@pytest.fixture(scope="module")
def vowels():
    """JapaneseVowels (unequal lengths, 12 channels) as lists of (T_i, 12) arrays."""
    X_train, y_train = ucr("JapaneseVowels", "train")
    X_test, y_test = ucr("JapaneseVowels", "test")
    return X_train, y_train, X_test, y_test


def df_list(series):
    return [pd.DataFrame(s) for s in series]


class RecordingRegressor(ScratchRNNRegressor):
    """Records how each fit read its input: (X's shape, features per step)."""

    seen = []

    def fit(self, X, y, sample_weight=None):
        super().fit(X, y, sample_weight)
        type(self).seen.append((np.shape(X), self.n_step_features_))
        return self


@pytest.fixture(scope="module")
def airline():
    """The airline passengers, 1949-1960 (bundled with sktime; the shared
    ``ucr/Airline.csv`` holds the same 144 months)."""
    return load_airline()


# ------------------------------------------------- silent misreads, now read right
def test_numpy3d_reads_channels_as_features(basic_motions):
    X, y = basic_motions  # (40, 6, 100)
    clf = RNNClassifier(ScratchRNNClassifier(**FAST)).fit(X, y)
    assert clf.estimator_.n_step_features_ == 6  # 100 steps of 6, not 6 of 100
    sk = ScratchRNNClassifier(data_format="channels_first", **FAST).fit(X, y)
    assert sk.n_step_features_ == 6
    assert_array_equal(sk.predict(X), clf.predict(X))


def recorded_forecast(estimator, strategy, y):
    """Forecasts of a reduction, and how its regressors read their windows."""
    RecordingRegressor.seen = []
    forecaster = make_reduction(estimator, window_length=12, strategy=strategy)
    forecaster.fit(y[:-36], fh=[1, 2, 3])
    return forecaster, forecaster.predict(), RecordingRegressor.seen


@pytest.mark.parametrize("strategy", STRATEGIES)
def test_reduction_reads_the_window_as_time_steps_on_both_routes(airline, strategy):
    inner = RecordingRegressor(hidden_size=4, max_iter=2, random_state=0)
    panel, panel_pred, panel_seen = recorded_forecast(
        RNNRegressor(inner), strategy, airline
    )
    assert "TimeSeriesRegression" in type(panel).__name__  # scitype inferred
    # numpy3D windows (n, 1 channel, >= 12 lags), read as one feature per step
    assert all(shape[1] == 1 and shape[2] >= 12 for shape, _ in panel_seen)
    assert {features for _, features in panel_seen} == {1}
    tabular, tabular_pred, tabular_seen = recorded_forecast(inner, strategy, airline)
    assert "TabularRegression" in type(tabular).__name__
    assert all(len(shape) == 2 for shape, _ in tabular_seen)  # (n, >= 12 lags)
    assert {features for _, features in tabular_seen} == {1}
    # the same steps, so the same networks and forecasts
    assert_array_equal(panel_pred.to_numpy(), tabular_pred.to_numpy())


def test_sklearn_regressor_given_numpy3d_windows_warns_or_reads_channels_first(
    airline,
):
    est = ScratchRNNRegressor(hidden_size=4, max_iter=2, random_state=0)
    forecaster = make_reduction(est, window_length=12, scitype="time-series-regressor")
    with pytest.warns(UserWarning, match="1 time step of 12 features"):
        forecaster.fit(airline[:-36], fh=[1])
    est.set_params(data_format="channels_first")
    forecaster = make_reduction(est, window_length=12, scitype="time-series-regressor")
    with warnings.catch_warnings():
        warnings.filterwarnings("error", message="X is read as")
        forecaster.fit(airline[:-36], fh=[1])
    assert forecaster.estimator_.n_step_features_ == 1


def test_pipeline_with_padding_keeps_channels_and_takes_longer_test_series(
    basic_motions, vowels
):
    X, y = basic_motions
    pipe = PaddingTransformer() * RNNClassifier(ScratchRNNClassifier(**FAST))
    assert isinstance(pipe, ClassifierPipeline)  # not SklearnClassifierPipeline
    pipe.fit(X, y)
    assert pipe.classifier_.estimator_.n_step_features_ == 6  # not 600 steps of 1
    # unequal lengths need no padding: longer test series than any in training
    X_train, y_train, X_test, _ = vowels
    assert max(map(len, X_test)) > max(map(len, X_train))
    clf = RNNClassifier(ScratchRNNClassifier(**FAST)).fit(df_list(X_train), y_train)
    assert clf.estimator_.n_step_features_ == 12
    assert clf.predict(df_list(X_test)).shape == (len(X_test),)


def test_end_padding_warns_and_masking_it_equals_no_padding(vowels):
    X_train, y_train, X_test, _ = vowels
    short = [s for s in X_test if len(s) <= max(map(len, X_train))][:60]
    est = ScratchRNNClassifier(**FAST)
    with pytest.warns(UserWarning, match="PaddingTransformer.*mask_value=0.0"):
        (PaddingTransformer() * RNNClassifier(est)).fit(df_list(X_train), y_train)
    masked = PaddingTransformer() * RNNClassifier(clone(est).set_params(mask_value=0))
    masked.fit(df_list(X_train), y_train)
    unpadded = RNNClassifier(est).fit(df_list(X_train), y_train)
    assert_allclose(
        masked.predict_proba(df_list(short)),
        unpadded.predict_proba(df_list(short)),
        rtol=1e-12,
        atol=1e-12,
    )


# ----------------------------------------------- formats that failed, now taken
@pytest.mark.parametrize("mtype", ["pd-multiindex", "nested_univ", "df-list"])
def test_every_panel_format_gives_the_numpy3d_predictions(basic_motions, mtype):
    X, y = basic_motions
    expected = RNNClassifier(ScratchRNNClassifier(**FAST)).fit(X, y).predict_proba(X)
    X_other = convert_to(X, mtype)
    clf = RNNClassifier(ScratchRNNClassifier(**FAST)).fit(X_other, y)
    assert_allclose(clf.predict_proba(X_other), expected, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("mtype", ["pd-multiindex", "nested_univ"])
def test_sklearn_estimator_refuses_sktime_pandas_panels_clearly(basic_motions, mtype):
    X, y = basic_motions
    with pytest.raises(ValueError, match=f"'{mtype}'.*sklearn_rnn.sktime"):
        ScratchRNNClassifier(**FAST).fit(convert_to(X[:8], mtype), y[:8])


def test_unequal_length_nested_and_multiindex_panels(vowels):
    X_train, y_train, X_test, _ = vowels
    clf = RNNClassifier(ScratchRNNClassifier(**FAST))
    expected = clf.fit(df_list(X_train), y_train).predict(df_list(X_test[:30]))
    for mtype in ["nested_univ", "pd-multiindex"]:
        got = clone(clf).fit(convert_to(df_list(X_train), mtype), y_train)
        assert_array_equal(
            got.predict(convert_to(df_list(X_test[:30]), mtype)), expected
        )


def test_classifier_pipeline_takes_the_sktime_classifier(basic_motions):
    X, y = basic_motions
    from sktime.transformations.series.exponent import ExponentTransformer

    pipe = ClassifierPipeline(
        RNNClassifier(ScratchRNNClassifier(**FAST)), [ExponentTransformer(power=1)]
    )
    assert pipe.fit(X, y).predict(X).shape == (len(X),)
    assert pipe.get_tag("capability:unequal_length")


# ------------------------------------------------ sktime's check_estimator, numerics
@pytest.mark.parametrize("Est", [RNNClassifier, RNNRegressor])
def test_sktime_check_estimator_passes(Est):
    results = check_estimator(Est, raise_exceptions=False, verbose=False)
    failed = {name: result for name, result in results.items() if result != "PASSED"}
    assert len(results) > 100 and not failed


def test_predictions_equal_the_wrapped_estimator_on_channels_last_data(basic_motions):
    X, y = basic_motions
    X_last = np.ascontiguousarray(X.transpose(0, 2, 1))  # (40, 100, 6)
    clf = RNNClassifier(ScratchRNNClassifier(**FAST)).fit(X, y)
    own = ScratchRNNClassifier(**FAST).fit(X_last, y)
    assert_array_equal(clf.predict_proba(X), own.predict_proba(X_last))
    target = np.arange(len(X), dtype=float)
    reg = RNNRegressor(ScratchRNNRegressor(**FAST)).fit(X, target)
    own = ScratchRNNRegressor(**FAST).fit(X_last, target)
    assert_array_equal(reg.predict(X), own.predict(X_last))


def test_default_estimator_and_wrong_estimator():
    X = np.random.RandomState(0).randn(6, 2, 4)
    assert RNNClassifier()._make_estimator().get_params()["data_format"] == (
        "channels_first"
    )
    with pytest.raises(TypeError, match="estimator must be a ScratchRNNRegressor"):
        RNNRegressor(LinearRegression()).fit(X, np.arange(6.0))


def test_import_sklearn_rnn_does_not_import_sktime():
    import subprocess
    import sys

    code = "import sys, sklearn_rnn; print('sktime' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert out.stdout.strip() == "False"


def test_forecasting_grid_search_tunes_the_wrapped_estimator(airline):
    from sktime.forecasting.model_selection import ForecastingGridSearchCV
    from sktime.split import ExpandingWindowSplitter

    est = ScratchRNNRegressor(hidden_size=2, max_iter=2, random_state=0)
    search = ForecastingGridSearchCV(
        make_reduction(RNNRegressor(est), window_length=12),
        cv=ExpandingWindowSplitter(initial_window=96, step_length=12, fh=[1, 2]),
        param_grid={"estimator__estimator__hidden_size": [2, 3]},
    )
    search.fit(airline[:-12] / 100)
    assert search.best_params_["estimator__estimator__hidden_size"] in (2, 3)
    assert search.predict(fh=[1, 2]).shape == (2,)
