"""``data_format`` (which axis is time) and sktime's pandas panels refused
(``_validation.py``)."""

import warnings

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_array_equal
from test_validation import FAST, ragged_sequences

from sklearn_rnn import ScratchRNNClassifier, ScratchRNNRegressor


@pytest.fixture(scope="module")
def data(sum_sign):
    return sum_sign(96, 8, 2)


@pytest.mark.parametrize("Est", [ScratchRNNClassifier, ScratchRNNRegressor])
def test_channels_first_equals_channels_last_on_transposed_data(data, Est):
    X, y = data  # (96, 8, 2): 8 steps of 2 features
    X_cf = np.ascontiguousarray(X.transpose(0, 2, 1))
    last = Est(**FAST).fit(X, y)
    first = Est(data_format="channels_first", **FAST).fit(X_cf, y)
    assert first.n_step_features_ == 2 and first.n_features_in_ == 2
    assert_array_equal(first.predict(X_cf), last.predict(X))
    longer = np.random.RandomState(1).randn(5, 11, 2)  # other lengths at predict
    assert_array_equal(first.predict(longer.transpose(0, 2, 1)), last.predict(longer))


def test_channels_first_ragged_items_are_features_by_time():
    rng = np.random.RandomState(4)
    seqs = ragged_sequences(30, 3, rng)  # each (T_i, 3)
    y = np.array([s[:, 0].sum() > 0 for s in seqs]).astype(int)
    last = ScratchRNNClassifier(**FAST).fit(seqs, y)
    first = ScratchRNNClassifier(data_format="channels_first", **FAST)
    first.fit([s.T for s in seqs], y)
    assert first.n_step_features_ == 3
    assert_array_equal(
        first.predict_proba([s.T for s in seqs]), last.predict_proba(seqs)
    )
    # equal-length lists too: items (3, T) whose first axis has the same length
    same = [rng.randn(3, 5) for _ in range(4)]
    assert first.predict(same).shape == (4,)


def test_data_format_leaves_2d_input_univariate(data):
    X = data[0][:, :, 0]  # (96, 8)
    y = data[1]
    first = ScratchRNNRegressor(data_format="channels_first", **FAST).fit(X, y)
    last = ScratchRNNRegressor(**FAST).fit(X, y)
    assert first.n_step_features_ == 1 and first.n_features_in_ == 8
    assert_array_equal(first.predict(X), last.predict(X))


def test_data_format_is_validated():
    with pytest.raises(ValueError, match="data_format"):
        ScratchRNNClassifier(data_format="channels_middle").fit(
            np.zeros((4, 3, 2)), [0, 1, 0, 1]
        )


def test_one_step_of_many_features_warns_about_the_layout():
    X = np.random.RandomState(0).randn(10, 1, 12)  # sktime's (n, 1, window)
    with pytest.warns(UserWarning, match="1 time step of 12 features.*channels_first"):
        ScratchRNNRegressor(**FAST).fit(X, np.arange(10.0))
    with warnings.catch_warnings():
        warnings.filterwarnings("error", message="X is read as")
        est = ScratchRNNRegressor(data_format="channels_first", **FAST)
        assert est.fit(X, np.arange(10.0)).n_step_features_ == 1


def test_fitted_estimator_reads_x_in_its_fitted_layout(data):
    X, y = data
    X_cf = np.ascontiguousarray(X.transpose(0, 2, 1))  # (96, 2, 8)
    est = ScratchRNNClassifier(data_format="channels_first", **FAST).fit(X_cf, y)
    expected = est.predict(X_cf)
    est.set_params(data_format="channels_last")
    assert_array_equal(est.predict(X_cf), expected)  # predict: the fitted layout
    # partial_fit would misread: it refuses, naming data_format
    with pytest.raises(ValueError, match="data_format changed"):
        est.partial_fit(X_cf, y)
    # a warm start trains a new network, reading the new layout
    est.set_params(warm_start=True)
    with pytest.warns(UserWarning, match="data_format changed"):
        est.fit(X, y)
    assert est.n_step_features_ == 2 and est._architecture["data_format"] == (
        "channels_last"
    )


def test_data_format_survives_save_and_load(data, tmp_path):
    X, y = data
    X_cf = np.ascontiguousarray(X.transpose(0, 2, 1))
    est = ScratchRNNClassifier(data_format="channels_first", **FAST).fit(X_cf, y)
    est.save(tmp_path / "model.npz")
    loaded = ScratchRNNClassifier.load(tmp_path / "model.npz")
    assert loaded.data_format == "channels_first"
    assert_array_equal(loaded.predict(X_cf), est.predict(X_cf))
    loaded.partial_fit(X_cf, y)  # continues, reading channels first


@pytest.mark.parametrize(
    "frame, layout",
    [
        (
            pd.DataFrame(
                {"a": np.arange(6.0)},
                index=pd.MultiIndex.from_product([range(2), range(3)]),
            ),
            "pd-multiindex",
        ),
        (
            pd.DataFrame({"a": [pd.Series(np.arange(3.0)), pd.Series(np.ones(3))]}),
            "nested_univ",
        ),
    ],
)
def test_sktime_pandas_panels_are_a_clear_error(frame, layout):
    msg = f"'{layout}'.*sklearn_rnn.sktime.*data_format='channels_first'"
    with pytest.raises(ValueError, match=msg):
        ScratchRNNClassifier(**FAST).fit(frame, [0, 1] * (len(frame) // 2))
