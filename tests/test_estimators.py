"""Estimator behaviour: fit, partial_fit, warm start, early stopping, outputs, tools."""

import warnings

import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal
from sklearn.base import clone
from sklearn.exceptions import ConvergenceWarning, NotFittedError
from sklearn.model_selection import GridSearchCV, cross_val_score
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import FunctionTransformer

from sklearn_rnn import ScratchRNNClassifier, ScratchRNNRegressor

FAST = dict(hidden_size=8, max_iter=5, random_state=0)


@pytest.fixture
def binary_data():
    rng = np.random.RandomState(0)
    X = rng.randn(60, 6, 3)
    return X, (X[:, :, 0].sum(axis=1) > 0).astype(int)


def test_partial_fit_runs_exactly_one_epoch_per_call(binary_data):
    X, y = binary_data
    clf = ScratchRNNClassifier(**FAST)
    with pytest.raises(ValueError, match="classes must be passed"):
        clf.partial_fit(X, y)
    clf.partial_fit(X, y, classes=[0, 1])
    clf.partial_fit(X, y)
    assert clf.n_iter_ == 2
    assert len(clf.loss_curve_) == 2
    assert clf.t_ == 2 * len(X)
    with pytest.raises(ValueError, match=r"labels not seen .*\[7\]"):
        clf.partial_fit(X, np.full(len(X), 7))


def test_partial_fit_equals_fit_epoch_by_epoch(binary_data):
    X, y = binary_data
    fitted = ScratchRNNClassifier(**{**FAST, "max_iter": 3, "tol": 0.0})
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        fitted.fit(X, y)
    stepped = ScratchRNNClassifier(**FAST)
    for _ in range(3):
        stepped.partial_fit(X, y, classes=[0, 1])
    for a, b in zip(fitted.network_.params, stepped.network_.params):
        assert_array_equal(a, b)
    assert fitted.loss_curve_ == stepped.loss_curve_


def test_warm_start_continues_from_previous_weights(binary_data):
    X, y = binary_data
    clf = ScratchRNNClassifier(**{**FAST, "warm_start": True})
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        clf.fit(X, y)
        first_curve = list(clf.loss_curve_)
        clf.fit(X, y)
    assert clf.n_iter_ == 10
    assert clf.loss_curve_[:5] == first_curve
    assert clf.loss_curve_[5] < first_curve[0]


def test_max_iter_warns_convergence(binary_data):
    X, y = binary_data
    with pytest.warns(ConvergenceWarning, match=r"maximum iterations \(5\)"):
        ScratchRNNClassifier(**FAST).fit(X, y)


def test_early_stopping_restores_best_validation_weights(binary_data, monkeypatch):
    X, y = binary_data
    seen = []
    original = ScratchRNNClassifier._validation_score

    def recording(self, *validation):
        score = original(self, *validation)
        seen.append((score, [p.copy() for p in self.network_.params]))
        return score

    monkeypatch.setattr(ScratchRNNClassifier, "_validation_score", recording)
    clf = ScratchRNNClassifier(
        hidden_size=8,
        early_stopping=True,
        n_iter_no_change=3,
        learning_rate_init=0.05,
        max_iter=60,
        random_state=0,
    ).fit(X, y)
    assert len(clf.validation_scores_) == clf.n_iter_ == len(seen)
    assert clf.best_validation_score_ == max(clf.validation_scores_)
    best = int(np.argmax(clf.validation_scores_))
    assert best < clf.n_iter_ - 1  # it did stop after the best epoch
    for param, best_param in zip(clf.network_.params, seen[best][1]):
        assert_array_equal(param, best_param)


def test_predict_proba_and_log_proba(binary_data):
    X, y = binary_data
    clf = ScratchRNNClassifier(**FAST).fit(X, y)
    proba = clf.predict_proba(X)
    assert proba.shape == (60, 2)
    assert_allclose(proba.sum(axis=1), 1.0)
    assert_allclose(clf.predict_log_proba(X), np.log(proba))
    assert_array_equal(clf.predict(X), clf.classes_[proba.argmax(axis=1)])


def test_multiclass_string_labels_and_multilabel():
    rng = np.random.RandomState(0)
    X = rng.randn(90, 4, 2)
    labels = np.array(["a", "b", "c"])[rng.randint(0, 3, 90)]
    clf = ScratchRNNClassifier(**FAST).fit(X, labels)
    assert_array_equal(clf.classes_, ["a", "b", "c"])
    assert clf.predict_proba(X).shape == (90, 3)
    assert set(clf.predict(X)) <= {"a", "b", "c"}
    Y = rng.randint(0, 2, size=(90, 4))
    multi = ScratchRNNClassifier(**FAST).fit(X, Y)
    assert multi.predict(X).shape == (90, 4)
    assert multi.predict_proba(X).shape == (90, 4)


def test_regressor_single_and_multi_output():
    rng = np.random.RandomState(0)
    X = rng.randn(40, 5)
    reg = ScratchRNNRegressor(**FAST).fit(X, X.sum(axis=1))
    assert reg.predict(X).shape == (40,)
    reg = ScratchRNNRegressor(**FAST).fit(X, np.c_[X.sum(axis=1), X.max(axis=1)])
    assert reg.predict(X).shape == (40, 2)
    assert reg.n_outputs_ == 2


def test_input_rules_2d_columns_and_3d_lengths():
    rng = np.random.RandomState(0)
    X2 = rng.randn(30, 5)
    reg = ScratchRNNRegressor(**FAST).fit(X2, X2[:, 0])
    assert reg.n_features_in_ == 5 and reg.n_step_features_ == 1
    with pytest.raises(
        ValueError, match="X has 6 features, but ScratchRNNRegressor is expecting 5"
    ):
        reg.predict(rng.randn(3, 6))
    assert reg.predict(rng.randn(3, 9, 1)).shape == (3,)  # 3-D: any length

    X3 = rng.randn(30, 5, 2)
    reg = ScratchRNNRegressor(**FAST).fit(X3, X3[:, 0, 0])
    assert reg.n_features_in_ == 2
    assert reg.predict(rng.randn(4, 12, 2)).shape == (4,)
    with pytest.raises(
        ValueError,
        match="3 features per time step, but ScratchRNNRegressor "
        "was fitted with 2 features per time step",
    ):
        reg.predict(rng.randn(4, 5, 3))


def test_same_random_state_is_bit_identical_and_different_differs(binary_data):
    X, y = binary_data
    a = ScratchRNNClassifier(**FAST).fit(X, y)
    b = ScratchRNNClassifier(**FAST).fit(X, y)
    c = ScratchRNNClassifier(**{**FAST, "random_state": 1}).fit(X, y)
    for pa, pb in zip(a.network_.params, b.network_.params):
        assert_array_equal(pa, pb)
    assert_array_equal(a.predict_proba(X), b.predict_proba(X))
    assert not np.array_equal(a.network_.params[0], c.network_.params[0])


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_dtype_parameter_sets_the_precision(binary_data, dtype):
    X, y = binary_data
    clf = ScratchRNNClassifier(**{**FAST, "dtype": dtype}).fit(X, y)
    assert all(p.dtype == np.dtype(dtype) for p in clf.network_.params)
    assert clf.transform(X).dtype == np.dtype(dtype)


def test_transform_and_feature_names(binary_data):
    X, y = binary_data
    clf = ScratchRNNClassifier(**{**FAST, "dense_layers": (5,)}).fit(X, y)
    assert clf.transform(X).shape == (60, 5)
    assert_array_equal(
        clf.get_feature_names_out(), [f"scratchrnnclassifier{i}" for i in range(5)]
    )
    with pytest.raises(NotFittedError):
        ScratchRNNClassifier().transform(X)


def test_pipeline_grid_search_cross_val_and_clone(binary_data):
    X, y = binary_data
    X2 = X[:, :, 0]
    pipe = Pipeline(
        [
            ("scale", FunctionTransformer(lambda z: z * 2.0)),
            ("rnn", ScratchRNNClassifier(**FAST)),
        ]
    )
    search = GridSearchCV(
        pipe, {"rnn__hidden_size": [4, 8], "rnn__activation": ["tanh", "relu"]}, cv=3
    ).fit(X2, y)
    assert len(search.cv_results_["params"]) == 4
    assert search.best_estimator_.named_steps["rnn"].n_iter_ > 0
    scores = cross_val_score(ScratchRNNClassifier(**FAST), X, y, cv=3)
    assert scores.shape == (3,) and np.all((scores >= 0) & (scores <= 1))
    twin = clone(search.best_estimator_)
    assert (
        twin.get_params()["rnn__hidden_size"] == search.best_params_["rnn__hidden_size"]
    )
    assert not hasattr(twin.named_steps["rnn"], "network_")


def test_verbose_prints_one_line_per_epoch(binary_data, capsys):
    X, y = binary_data
    ScratchRNNClassifier(**{**FAST, "verbose": True, "max_iter": 3}).fit(X, y)
    lines = capsys.readouterr().out.strip().splitlines()
    assert len(lines) == 3
    assert lines[0].startswith("Epoch 1: loss=") and lines[0].endswith(" s")


@pytest.mark.parametrize(
    "solver", ["sgd", "momentum", "adagrad", "rmsprop", "adam", "rprop"]
)
def test_every_solver_decreases_the_loss(binary_data, solver):
    X, y = binary_data
    lr = {"sgd": 0.5, "momentum": 0.1, "rprop": 0.01}.get(solver, 0.01)
    clf = ScratchRNNClassifier(
        hidden_size=8,
        solver=solver,
        learning_rate_init=lr,
        max_iter=30,
        tol=0.0,
        random_state=0,
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        clf.fit(X, y)
    assert clf.loss_curve_[-1] < 0.7 * clf.loss_curve_[0]


def test_float32_sample_order_and_weight_invariance_to_float32_precision():
    """The three scikit-learn checks that demand 1e-7 agreement (sample order,
    subset and sample-weight invariance) run in float64
    (tests/test_estimator_checks.py); in float32, the default, the same
    properties hold to float32 precision."""
    rng = np.random.RandomState(42)
    X, y = rng.rand(15, 30), rng.randint(0, 3, 15)
    sw = rng.randint(0, 5, 15)
    idx = rng.permutation(15)
    for Est, target in [
        (ScratchRNNClassifier, y),
        (ScratchRNNRegressor, y.astype(float)),
    ]:
        weighted = Est(random_state=0).fit(X, target, sample_weight=sw)
        repeated = Est(random_state=0).fit(X.repeat(sw, axis=0), target.repeat(sw))
        method = "predict_proba" if Est is ScratchRNNClassifier else "predict"
        out = getattr(weighted, method)(X)
        assert_allclose(out, getattr(repeated, method)(X), rtol=1e-4, atol=1e-5)
        assert_allclose(
            getattr(weighted, method)(X[idx]), out[idx], rtol=1e-5, atol=1e-6
        )
        assert_allclose(getattr(weighted, method)(X[:4]), out[:4], rtol=1e-5, atol=1e-6)


def test_set_params_between_partial_fits_reaches_the_optimizer(binary_data):
    X, y = binary_data
    clf = ScratchRNNClassifier(**FAST).partial_fit(X, y, classes=[0, 1])
    steps = clf._optimizer.iterations
    clf.set_params(learning_rate_init=0.5).partial_fit(X, y)
    assert clf._optimizer.learning_rate == 0.5
    assert clf._optimizer.iterations == 2 * steps  # Adam state kept
    clf.set_params(solver="sgd").partial_fit(X, y)
    assert type(clf._optimizer).__name__ == "SGD"


def test_learning_rate_decays_per_epoch_across_partial_fits(binary_data):
    X, y = binary_data
    clf = ScratchRNNClassifier(
        **{
            **FAST,
            "learning_rate_init": 0.01,
            "learning_rate_decay": 0.5,
            "solver": "sgd",
        }
    )
    rates = []
    for _ in range(3):
        clf.partial_fit(X, y, classes=[0, 1])
        rates.append(clf._optimizer.learning_rate)
    assert rates == [0.01, 0.005, 0.0025]
