"""The estimator base (``_base.py``, ``_epochs.py``): fit and partial_fit, warm
start, early stopping, architecture changes, optimizer settings, scikit-learn
tools."""

import warnings

import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal
from sklearn.base import clone
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import GridSearchCV, cross_val_score
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import FunctionTransformer

from sklearn_rnn import ScratchRNNClassifier, ScratchRNNRegressor
from sklearn_rnn._params import architecture

FAST = dict(hidden_size=8, max_iter=5, random_state=0)
SMALL = dict(hidden_size=8, random_state=0, batch_size=16)
TINY = dict(hidden_size=6, max_iter=4, random_state=0)


@pytest.fixture
def binary_data(sum_sign):
    return sum_sign(60, 6, 3)


@pytest.fixture(scope="module")
def data(sum_sign):
    return sum_sign(96, 8, 2)


# ---------------------------------------------------------- fit and partial_fit
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


def test_partial_fit_with_other_classes_is_an_error(data):
    X, y = data
    clf = ScratchRNNClassifier(**SMALL).partial_fit(X, y, classes=[0, 1])
    clf.partial_fit(X, y, classes=[1, 0])  # the same classes, in any order
    with pytest.raises(ValueError, match=r"classes=\[0, 1, 2\] is not the same"):
        clf.partial_fit(X, y, classes=[0, 1, 2])


@pytest.mark.parametrize(
    "param, value",
    [
        ("solver", "bogus"),
        ("batch_size", 0),
        ("learning_rate_init", -0.01),
        ("dropout", 1.5),
    ],
)
def test_partial_fit_validates_hyperparameters_set_after_fitting(data, param, value):
    X, y = data
    clf = ScratchRNNClassifier(max_iter=1, **SMALL).fit(X, y)
    with pytest.raises(ValueError, match=f"'{param}' parameter"):
        clf.set_params(**{param: value}).partial_fit(X, y)


@pytest.mark.parametrize("dense_layers", [(0,), (-1,), ("a",), (4, 2.5), (True,)])
def test_bad_dense_layers_name_the_parameter(data, dense_layers):
    X, y = data
    with pytest.raises(ValueError, match="dense_layers must hold positive integers"):
        ScratchRNNClassifier(dense_layers=dense_layers).fit(X, y)


# --------------------------------------------------------------- architectures
@pytest.mark.parametrize(
    "params",
    [
        dict(pooling="mean"),
        dict(pooling="max"),
        dict(num_layers=2),
        dict(bidirectional=True),
        dict(bidirectional=True, num_layers=2, pooling="max"),
        dict(dense_layers=(5, 4), dropout=0.2),
        dict(bptt_truncate=2),
    ],
)
def test_architectures_fit_predict_and_transform(params):
    rng = np.random.RandomState(6)
    X = rng.randn(30, 6, 2)
    y = rng.randint(0, 3, 30)
    clf = ScratchRNNClassifier(**{**TINY, **params}).fit(X, y)
    assert clf.predict_proba(X).shape == (30, 3)
    # the recurrent features, beside the convolutional branch's last 32
    # filters (conv_filters="auto" for dense input)
    recurrent = 6 * (2 if params.get("bidirectional") else 1)
    width = params.get("dense_layers", (recurrent + 32,))[-1]
    assert clf.transform(X).shape == (30, width)
    assert len(clf.get_feature_names_out()) == width


def test_dropout_is_training_only_and_seeded():
    rng = np.random.RandomState(7)
    X, y = rng.randn(30, 6, 2), rng.randint(0, 2, 30)
    clf = ScratchRNNClassifier(dropout=0.5, **TINY).fit(X, y)
    assert_array_equal(
        clf.predict_proba(X), clf.predict_proba(X)
    )  # no dropout at inference
    again = ScratchRNNClassifier(dropout=0.5, **TINY).fit(X, y)
    assert_array_equal(again.predict_proba(X), clf.predict_proba(X))


# ------------------------------------------------------------------ warm start
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


def test_warm_start_then_early_stopping(data):
    X, y = data
    clf = ScratchRNNClassifier(max_iter=2, warm_start=True, **SMALL).fit(X, y)
    clf.set_params(early_stopping=True, max_iter=3).fit(X, y)
    assert len(clf.validation_scores_) == 3
    assert clf.best_validation_score_ == max(clf.validation_scores_)


@pytest.mark.parametrize(
    "change",
    [
        {"hidden_size": 5},
        {"num_layers": 2},
        {"bidirectional": True},
        {"pooling": "mean"},
        {"dense_layers": (3,)},
        {"dtype": "float32"},
        {"activation": "relu"},
        {"dropout": 0.2},
    ],
)
def test_warm_start_with_a_new_architecture_trains_a_new_network(data, change):
    X, y = data
    clf = ScratchRNNClassifier(max_iter=1, warm_start=True, **SMALL).fit(X, y)
    clf.set_params(**change)
    with pytest.warns(UserWarning, match=f"{next(iter(change))} changed.*from scratch"):
        clf.fit(X, y)
    assert clf.n_iter_ == 1
    assert clf._architecture == clf_architecture(clf)
    with pytest.raises(
        ValueError, match=f"partial_fit cannot continue.*{next(iter(change))}"
    ):
        clf.set_params(**ScratchRNNClassifier(**SMALL).get_params()).partial_fit(X, y)


def clf_architecture(clf):
    return architecture(clf.get_params())


# ------------------------------------------------------- epochs and stopping
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


def test_verbose_prints_one_line_per_epoch(binary_data, capsys):
    X, y = binary_data
    ScratchRNNClassifier(**{**FAST, "verbose": True, "max_iter": 3}).fit(X, y)
    lines = capsys.readouterr().out.strip().splitlines()
    assert len(lines) == 3
    assert lines[0].startswith("Epoch 1: loss=") and lines[0].endswith(" s")


# ---------------------------------------------------------------- optimizers
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


def test_set_params_between_partial_fits_reaches_the_optimizer(binary_data):
    X, y = binary_data
    clf = ScratchRNNClassifier(**FAST).partial_fit(X, y, classes=[0, 1])
    steps = clf._optimizer.iterations
    clf.set_params(learning_rate_init=0.5).partial_fit(X, y)
    assert clf._optimizer.learning_rate == 0.5
    assert clf._optimizer.iterations == 2 * steps  # Adam state kept
    clf.set_params(solver="sgd").partial_fit(X, y)
    assert type(clf._optimizer).__name__ == "SGD"


def test_set_params_between_partial_fits_reaches_every_layer(binary_data):
    """Dropout rate, truncation window (both directions) and L2 penalty."""
    X, y = binary_data
    clf = ScratchRNNClassifier(
        bidirectional=True, num_layers=2, dropout=0.1, **FAST
    ).partial_fit(X, y, classes=[0, 1])
    clf.set_params(bptt_truncate=3, dropout=0.4, alpha=0.01).partial_fit(X, y)
    layers = list(clf.network_.walk())
    directions = [
        rnn
        for layer in layers
        if hasattr(layer, "forward_layer")
        for rnn in (layer.forward_layer, layer.backward_layer)
    ]
    assert len(directions) == 4
    assert [rnn.bptt_truncate for rnn in directions] == [3, 3, 3, 3]
    assert {layer.rate for layer in layers if hasattr(layer, "rate")} == {0.4}
    assert clf.network_.alpha == 0.01


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


# ------------------------------------------------ reproducibility and precision
def test_same_random_state_is_bit_identical_and_different_differs(binary_data):
    X, y = binary_data
    a = ScratchRNNClassifier(**FAST).fit(X, y)
    b = ScratchRNNClassifier(**FAST).fit(X, y)
    c = ScratchRNNClassifier(**{**FAST, "random_state": 1}).fit(X, y)
    for pa, pb in zip(a.network_.params, b.network_.params):
        assert_array_equal(pa, pb)
    assert_array_equal(a.predict_proba(X), b.predict_proba(X))
    assert not np.array_equal(a.network_.params[0], c.network_.params[0])


def test_grid_search_is_reproducible_across_processes(sum_sign):
    X, y = sum_sign(40, 6, 2, scale=5)
    grid = {"hidden_size": [4, 8], "learning_rate_init": [0.01, 0.05]}
    est = ScratchRNNClassifier(max_iter=5, random_state=0)
    results = [
        GridSearchCV(est, grid, cv=3, n_jobs=n_jobs).fit(X, y).cv_results_
        for n_jobs in (1, 2)
    ]
    assert_array_equal(results[0]["mean_test_score"], results[1]["mean_test_score"])
    assert_array_equal(results[0]["split0_test_score"], results[1]["split0_test_score"])


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_dtype_parameter_sets_the_precision(binary_data, dtype):
    X, y = binary_data
    clf = ScratchRNNClassifier(**{**FAST, "dtype": dtype}).fit(X, y)
    assert all(p.dtype == np.dtype(dtype) for p in clf.network_.params)
    assert clf.transform(X).dtype == np.dtype(dtype)


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


# ------------------------------------------------------- scikit-learn tools
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
