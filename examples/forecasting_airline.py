"""Forecast the airline passengers with sktime's ``make_reduction``: RNN vs linear.
================================================================================

The monthly airline passengers, 1949-1960: each forecaster is fitted on all
but the last 36 months and forecasts those 36 (recursively, one month at a
time, from windows of the 12 previous months). The score is sktime's mean
absolute percentage error (MAPE) on the 36 months.

- ``LinearRegression`` on the 12 lags (the classic baseline);
- ``ScratchRNNRegressor`` on the same 2-D windows (the tabular route: a 2-D
  window is read as 12 time steps of one feature);
- ``RNNRegressor`` (``sklearn_rnn.sktime``), an sktime panel regressor, so
  ``make_reduction`` infers ``scitype="time-series-regressor"`` and hands it
  numpy3D windows ``(n, 1 channel, 12 lags)``, read as 12 time steps.

Each forecaster runs twice: on the raw passenger counts, and on the series
standardised outside (``StandardScaler`` through ``TabularToSeriesAdaptor``,
fitted on the training months, forecasts mapped back to passengers). The
estimators keep their defaults, which standardise the windows and the targets
inside the RNN (``scale_input``, ``scale_target``), so raw counts need no
outside scaling; the linear model is unaffected by either.

Run: ``SKLEARN_RNN_DATA=../shared/data python examples/forecasting_airline.py``
(the series is read from ``$SKLEARN_RNN_DATA/ucr/Airline.csv``; without that
file, from the copy bundled with sktime).

Not run when these pages are built (it needs sktime and takes about 15 s).
The measured MAPEs, with their date and machine: :ref:`bench_time_series`.
"""

import argparse
import os
import time
import warnings

import numpy as np
import pandas as pd
from sklearn.datasets import get_data_home
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import LinearRegression
from sklearn.preprocessing import StandardScaler
from sktime.forecasting.compose import make_reduction
from sktime.performance_metrics.forecasting import mean_absolute_percentage_error
from sktime.transformations.series.adapt import TabularToSeriesAdaptor

from sklearn_rnn import ScratchRNNRegressor
from sklearn_rnn.sktime import RNNRegressor

TEST_MONTHS = 36
WINDOW = 12


def load_airline_passengers():
    """The 144 monthly totals as a Series with a monthly PeriodIndex."""
    home = os.environ.get("SKLEARN_RNN_DATA") or get_data_home()  # fetch_ucr's
    path = os.path.join(home, "ucr", "Airline.csv")
    if not os.path.exists(path):
        from sktime.datasets import load_airline

        return load_airline()
    frame = pd.read_csv(path)
    index = pd.PeriodIndex(frame["Date"], freq="M")
    return pd.Series(frame["Passengers"].to_numpy(dtype=float), index=index)


def estimators(overrides):
    """The regressors each reduction wraps."""
    return {
        "LinearRegression (tabular)": LinearRegression(),
        "ScratchRNNRegressor (tabular)": ScratchRNNRegressor(**overrides),
        "RNNRegressor (time-series-regressor)": RNNRegressor(
            ScratchRNNRegressor(**overrides)
        ),
    }


def forecaster(estimator, standardised):
    """A recursive ``make_reduction`` of ``estimator``, on the standardised
    series or on the raw one."""
    reduction = make_reduction(estimator, window_length=WINDOW, strategy="recursive")
    if not standardised:
        return reduction
    return TabularToSeriesAdaptor(StandardScaler()) * reduction


def expected(warning):
    """Warnings not worth showing: max_iter reached before ``tol``, and sktime
    1.2's notice that its ``remember_data`` default changes in sktime 1.3."""
    return issubclass(warning.category, ConvergenceWarning) or (
        "remember_data" in str(warning.message)
    )


def epochs(forecaster):
    """Epochs the fitted RNN trained (None for the linear model)."""
    reduction = (
        forecaster.steps_[-1][1] if hasattr(forecaster, "steps_") else forecaster
    )
    estimator = reduction.estimator_
    estimator = getattr(estimator, "estimator_", estimator)  # RNNRegressor's inner
    return getattr(estimator, "n_iter_", None)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--max-iter",
        type=int,
        default=None,
        help="epochs of the RNNs (default: the estimator's default; for quick runs)",
    )
    args = parser.parse_args(argv)
    overrides = {"random_state": 0}
    if args.max_iter is not None:
        overrides["max_iter"] = args.max_iter
    y = load_airline_passengers()
    fh = np.arange(1, TEST_MONTHS + 1)
    results = {}
    first, last = y.index[0], y.index[-TEST_MONTHS - 1]
    print(f"train {first}..{last}, forecast {len(fh)} months")
    for standardised in (False, True):
        for name, estimator in estimators(overrides).items():
            name = f"{name}, {'standardised' if standardised else 'raw'}"
            results[name] = run(forecaster(estimator, standardised), name, y, fh)
    return results


def run(model, name, y, fh):
    """Fit on all but the last months, print and return the forecast's MAPE."""
    y_train, y_test = y[:-TEST_MONTHS], y[-TEST_MONTHS:]
    start = time.perf_counter()
    # recorded, not filtered: sktime 1.2 resets warning filters as it runs
    with warnings.catch_warnings(record=True) as caught:
        model = model.fit(y_train, fh=fh)
        fit_seconds = time.perf_counter() - start
        y_pred = model.predict()
    for warning in caught:
        if not expected(warning):
            print(f"  {warning.category.__name__}: {warning.message}")
    mape = mean_absolute_percentage_error(y_test, y_pred)
    trained = "" if epochs(model) is None else f", {epochs(model)} epochs"
    print(f"{name:52s} MAPE {mape:.3f}   fit {fit_seconds:5.2f} s{trained}")
    return mape


if __name__ == "__main__":
    main()
