"""Tests of sklearn_rnn.persistence (pickle-free model files) and of pickling."""

import io
import json
import os
import pickle

import joblib
import numpy as np
import pytest
from numpy.testing import assert_array_equal
from sklearn.base import clone
from sklearn.exceptions import NotFittedError
from sklearn.linear_model import LogisticRegression

from sklearn_rnn import ScratchRNNClassifier, ScratchRNNRegressor
from sklearn_rnn.persistence import FORMAT_VERSION, load_model, save_model

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")

INVALID = "is not a valid sklearn_rnn model file"
RNG = np.random.RandomState(0)
X3 = RNG.randn(40, 6, 3)  # (N, T, D) float sequences
X2 = RNG.randn(40, 7)  # (N, T) univariate sequences
IDS = RNG.randint(0, 12, size=(40, 9))  # token ids, 0 is padding
BINARY = RNG.randint(0, 2, size=40)
WORDS = RNG.choice(["cat", "dog", "fish"], size=40)
MULTILABEL = RNG.randint(0, 2, size=(40, 3))
PER_STEP = RNG.choice(["lo", "hi"], size=(40, 6))
SMALL = dict(hidden_size=5, max_iter=4, random_state=0)

CASES = {
    "binary": (ScratchRNNClassifier(**SMALL), X3, BINARY),
    "multiclass-str": (ScratchRNNClassifier(**SMALL), X3, WORDS),
    "multilabel": (ScratchRNNClassifier(**SMALL), X3, MULTILABEL),
    "bool-labels-2d": (ScratchRNNClassifier(**SMALL), X2, BINARY.astype(bool)),
    "early-stopping": (ScratchRNNClassifier(early_stopping=True, **SMALL), X3, WORDS),
    "return-sequences": (
        ScratchRNNClassifier(return_sequences=True, **SMALL),
        X3,
        PER_STEP,
    ),
    "embedding": (ScratchRNNClassifier(embedding_dim=4, **SMALL), IDS, BINARY),
    "embedding-vocab": (
        ScratchRNNClassifier(embedding_dim=3, vocab_size=20, pooling="mean", **SMALL),
        IDS,
        WORDS,
    ),
    "deep": (
        ScratchRNNClassifier(
            bidirectional=True,
            num_layers=2,
            dense_layers=(4, 3),
            dropout=0.3,
            pooling="max",
            **SMALL,
        ),
        X3,
        WORDS,
    ),
    "regressor": (ScratchRNNRegressor(**SMALL), X2, X2.sum(axis=1)),
    "regressor-multi-output": (
        ScratchRNNRegressor(solver="rprop", dtype="float64", **SMALL),
        X3,
        X3.sum(axis=1),
    ),
    "regressor-sequences": (
        ScratchRNNRegressor(
            return_sequences=True, bidirectional=True, early_stopping=True, **SMALL
        ),
        X3,
        X3.cumsum(axis=1),
    ),
}
SOLVERS = ["sgd", "momentum", "adagrad", "rmsprop", "adam", "rprop"]


@pytest.fixture(scope="module", params=list(CASES))
def fitted(request):
    estimator, X, y = CASES[request.param]
    return clone(estimator).fit(X, y), X, y


def outputs(estimator, X):
    """Everything an estimator computes from X."""
    names = ["predict", "transform"]
    if isinstance(estimator, ScratchRNNClassifier):
        names.append("predict_proba")
    return {name: getattr(estimator, name)(X) for name in names}


def assert_same_outputs(a, b, X):
    for name, expected in outputs(a, X).items():
        got = outputs(b, X)[name]
        assert_array_equal(got, expected, err_msg=name)
        assert got.dtype.kind == expected.dtype.kind or expected.dtype == object


def saved(estimator, tmp_path, name="model.npz"):
    path = tmp_path / name
    save_model(estimator, path)
    return path


# ------------------------------------------------------------- round trips
def test_round_trip_gives_identical_predictions(fitted, tmp_path):
    estimator, X, _ = fitted
    loaded = load_model(saved(estimator, tmp_path))
    assert type(loaded) is type(estimator)
    assert_same_outputs(estimator, loaded, X)


def test_round_trip_restores_every_attribute(fitted, tmp_path):
    estimator, _, _ = fitted
    loaded = load_model(saved(estimator, tmp_path))
    assert sorted(vars(loaded)) == sorted(vars(estimator))
    assert loaded.get_params() == estimator.get_params()
    for attr in (
        "n_iter_",
        "t_",
        "loss_curve_",
        "best_loss_",
        "validation_scores_",
        "best_validation_score_",
        "_no_improvement_count",
        "n_features_in_",
        "n_step_features_",
        "_fitted_on_2d",
    ):
        assert getattr(loaded, attr) == getattr(estimator, attr), attr
    for attr in ("classes_", "n_outputs_", "_single_output", "vocab_size_"):
        if hasattr(estimator, attr):
            assert_array_equal(getattr(loaded, attr), getattr(estimator, attr))
    if hasattr(estimator, "classes_"):
        binarizer, original = loaded._label_binarizer, estimator._label_binarizer
        assert (binarizer.y_type_, binarizer.sparse_input_) == (
            original.y_type_,
            original.sparse_input_,
        )
        assert_array_equal(binarizer.classes_, original.classes_)
        assert loaded.classes_ is binarizer.classes_
    for got, expected in zip(
        loaded.network_.params, estimator.network_.params, strict=True
    ):
        assert_array_equal(got, expected)
        assert got.dtype == expected.dtype


def test_file_holds_no_pickled_object(fitted, tmp_path):
    with np.load(saved(fitted[0], tmp_path), allow_pickle=False) as archive:
        dtypes = {name: archive[name].dtype for name in archive.files}
    assert object not in dtypes.values()
    assert set(dtypes) >= {"format", "format_version", "estimator", "params", "state"}


@pytest.mark.parametrize("solver", SOLVERS)
def test_partial_fit_continues_identically_after_loading(solver, tmp_path):
    classes = np.unique(WORDS)
    estimator = ScratchRNNClassifier(
        solver=solver, dropout=0.2, dense_layers=(4,), batch_size=8, **SMALL
    )
    for _ in range(2):
        estimator.partial_fit(X3, WORDS, classes=classes)
    loaded = load_model(saved(estimator, tmp_path))
    for _ in range(2):  # shuffling and dropout draw from the restored random state
        estimator.partial_fit(X3, WORDS)
        loaded.partial_fit(X3, WORDS)
    assert loaded.loss_curve_ == estimator.loss_curve_
    steps_per_epoch = 1 if solver == "rprop" else len(X3) // 8  # rprop: full batch
    assert (
        loaded._optimizer.iterations
        == estimator._optimizer.iterations
        == 4 * steps_per_epoch
    )
    for got, expected in zip(
        loaded.network_.params, estimator.network_.params, strict=True
    ):
        assert_array_equal(got, expected)


def test_warm_start_fit_continues_identically_after_loading(tmp_path):
    estimator = ScratchRNNRegressor(warm_start=True, **SMALL).fit(X2, X2.sum(axis=1))
    loaded = load_model(saved(estimator, tmp_path))
    estimator.fit(X2, X2.sum(axis=1))
    loaded.fit(X2, X2.sum(axis=1))
    assert loaded.n_iter_ == estimator.n_iter_ == 8
    assert_array_equal(loaded.predict(X2), estimator.predict(X2))


def test_feature_names_and_labels_from_pandas_round_trip(tmp_path):
    pd = pytest.importorskip("pandas")
    X = pd.DataFrame(X2, columns=[f"t{i}" for i in range(X2.shape[1])])
    y = pd.Series(WORDS, dtype=object)
    estimator = ScratchRNNClassifier(**SMALL).fit(X, y)
    loaded = load_model(saved(estimator, tmp_path))
    assert_array_equal(loaded.feature_names_in_, estimator.feature_names_in_)
    assert loaded.feature_names_in_.dtype == object
    assert loaded.classes_.dtype == estimator.classes_.dtype == "<U4"
    assert_array_equal(loaded.predict(X), estimator.predict(X))


def test_random_state_instance_is_stored_as_none(tmp_path):
    estimator = ScratchRNNRegressor(
        hidden_size=4, max_iter=2, random_state=np.random.RandomState(3)
    )
    estimator.fit(X2, X2.sum(axis=1))
    loaded = load_model(saved(estimator, tmp_path))
    assert loaded.random_state is None
    assert_array_equal(loaded.predict(X2), estimator.predict(X2))


# ------------------------------------------------------------------ saving
def test_save_refuses_other_estimators(tmp_path):
    class Subclass(ScratchRNNRegressor):
        pass

    for estimator in (
        LogisticRegression().fit(X2, BINARY),
        Subclass(**SMALL).fit(X2, X2.sum(axis=1)),
    ):
        with pytest.raises(
            TypeError, match="ScratchRNNClassifier and ScratchRNNRegressor"
        ):
            save_model(estimator, tmp_path / "model.npz")
    with pytest.raises(NotFittedError):
        save_model(ScratchRNNClassifier(), tmp_path / "model.npz")
    assert os.listdir(tmp_path) == []


def test_save_refuses_hyperparameters_changed_after_fit(tmp_path):
    estimator = ScratchRNNRegressor(**SMALL).fit(X2, X2.sum(axis=1))
    estimator.set_params(hidden_size=7)
    with pytest.raises(ValueError, match="cannot be saved.*set_params"):
        save_model(estimator, tmp_path / "model.npz")
    assert os.listdir(tmp_path) == []


def test_save_replaces_the_file_atomically(tmp_path, monkeypatch):
    first = ScratchRNNRegressor(**SMALL).fit(X2, X2.sum(axis=1))
    second = clone(first).set_params(hidden_size=3).fit(X2, X2.sum(axis=1))
    path = saved(first, tmp_path)
    save_model(second, path)  # overwrite
    assert load_model(path).hidden_size == 3
    assert os.listdir(tmp_path) == ["model.npz"]  # no temporary file left

    def fail(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(np, "savez", fail)
    with pytest.raises(OSError, match="disk full"):
        save_model(first, path)
    assert load_model(path).hidden_size == 3  # the old file is intact
    assert os.listdir(tmp_path) == ["model.npz"]


def test_path_is_used_as_given(tmp_path):
    estimator = ScratchRNNRegressor(**SMALL).fit(X2, X2.sum(axis=1))
    save_model(estimator, str(tmp_path / "model.rnn"))
    assert os.listdir(tmp_path) == ["model.rnn"]


# --------------------------------------------------------- invalid files
@pytest.fixture(scope="module")
def valid_arrays(tmp_path_factory):
    estimator = ScratchRNNClassifier(embedding_dim=3, **SMALL).fit(IDS, WORDS)
    path = saved(estimator, tmp_path_factory.mktemp("valid"))
    with np.load(path, allow_pickle=False) as archive:
        return {name: archive[name] for name in archive.files}


def write_npz(path, arrays):
    np.savez(path, **arrays)
    return path


def with_json(arrays, key, edit):
    document = json.loads(str(arrays[key]))
    edit(document)
    return {**arrays, key: np.array(json.dumps(document))}


EMBEDDINGS = "weight:0.Embedding.embeddings"
KERNEL = "weight:1.GRU.recurrent_kernel"
MOMENT = "weight:first_moment:1.GRU.kernel"

TAMPERED = {
    "unknown class": lambda a: {**a, "estimator": np.array("LogisticRegression")},
    "module path as class": lambda a: {**a, "estimator": np.array("os.system")},
    "wrong format version": lambda a: {
        **a,
        "format_version": np.array(FORMAT_VERSION + 1),
    },
    "old format version": lambda a: {**a, "format_version": np.array(1)},
    "format version as text": lambda a: {**a, "format_version": np.array("1")},
    "not our format": lambda a: {**a, "format": np.array("something.else")},
    "missing weights": lambda a: {k: v for k, v in a.items() if k != KERNEL},
    "missing state": lambda a: {k: v for k, v in a.items() if k != "state"},
    "missing optimizer slot": lambda a: {k: v for k, v in a.items() if k != MOMENT},
    "unknown entry": lambda a: {**a, "weight:9.Dense.kernel": np.zeros(3, np.float32)},
    "wrong shape": lambda a: {**a, KERNEL: a[KERNEL][:-1]},
    "wrong dtype": lambda a: {**a, EMBEDDINGS: a[EMBEDDINGS].astype(np.float64)},
    "NaN weight": lambda a: {**a, KERNEL: a[KERNEL] * np.nan},
    "infinite optimizer state": lambda a: {**a, MOMENT: a[MOMENT] + np.inf},
    "pickled object array": lambda a: {
        **a,
        "array:classes_": a["array:classes_"].astype(object),
    },
    "classes not 1-D": lambda a: {**a, "array:classes_": a["array:classes_"][None]},
    "classes unsorted": lambda a: {**a, "array:classes_": a["array:classes_"][::-1]},
    "3 classes as binary": lambda a: with_json(
        a, "state", lambda s: s["scalars"].update(_y_type="binary")
    ),
    "params not JSON": lambda a: {**a, "params": np.array("{hidden_size: 5")},
    "invalid hyperparameter": lambda a: with_json(
        a, "params", lambda p: p.update(hidden_size=-1)
    ),
    "unknown hyperparameter": lambda a: with_json(
        a, "params", lambda p: p.update(__class__="os.system")
    ),
    "bad dense_layers": lambda a: with_json(
        a, "params", lambda p: p.update(dense_layers=[0])
    ),
    "hyperparameters not a mapping": lambda a: {**a, "params": np.array("[1, 2]")},
    "attribute of wrong type": lambda a: with_json(
        a, "state", lambda s: s["scalars"].update(n_iter_="4")
    ),
    "bool attribute as int": lambda a: with_json(
        a, "state", lambda s: s["scalars"].update(_fitted_on_2d=1)
    ),
    "missing attribute": lambda a: with_json(
        a, "state", lambda s: s["scalars"].pop("vocab_size_")
    ),
    "vocab_size_ of no table": lambda a: with_json(
        a, "state", lambda s: s["scalars"].update(vocab_size_=None)
    ),
    "unknown target type": lambda a: with_json(
        a, "state", lambda s: s["scalars"].update(_y_type="continuous")
    ),
    "other optimizer": lambda a: with_json(
        a, "state", lambda s: s["optimizer"].update(slots=["velocity"])
    ),
    "negative optimizer iterations": lambda a: with_json(
        a, "state", lambda s: s["optimizer"].update(iterations=-1)
    ),
    "bad random state": lambda a: {**a, "array:rng_keys": a["array:rng_keys"][:10]},
}


@pytest.mark.parametrize("tamper", list(TAMPERED))
def test_tampered_file_is_rejected_with_a_value_error(tamper, valid_arrays, tmp_path):
    path = write_npz(tmp_path / "model.npz", TAMPERED[tamper](valid_arrays))
    with pytest.raises(ValueError, match=INVALID):
        load_model(path)


def test_untampered_rewrite_still_loads(valid_arrays, tmp_path):
    """The tampering tests' helpers alone do not make a file invalid."""
    expected = load_model(write_npz(tmp_path / "model.npz", valid_arrays)).predict(IDS)
    rewritten = with_json(valid_arrays, "state", lambda state: None)
    assert_array_equal(
        load_model(write_npz(tmp_path / "again.npz", rewritten)).predict(IDS), expected
    )


def test_error_names_the_problem(valid_arrays, tmp_path):
    path = write_npz(tmp_path / "model.npz", TAMPERED["wrong shape"](valid_arrays))
    with pytest.raises(ValueError, match=r"recurrent_kernel has shape \(4, 15\)"):
        load_model(path)
    path = write_npz(tmp_path / "model.npz", TAMPERED["missing weights"](valid_arrays))
    with pytest.raises(
        ValueError, match="missing entry 'weight:1.GRU.recurrent_kernel'"
    ):
        load_model(path)
    path = write_npz(tmp_path / "model.npz", TAMPERED["NaN weight"](valid_arrays))
    with pytest.raises(ValueError, match="recurrent_kernel holds non-finite values"):
        load_model(path)
    path = write_npz(
        tmp_path / "model.npz", TAMPERED["3 classes as binary"](valid_arrays)
    )
    with pytest.raises(
        ValueError, match="3 classes do not fit the target type 'binary'"
    ):
        load_model(path)
    path = write_npz(tmp_path / "model.npz", TAMPERED["unknown class"](valid_arrays))
    with pytest.raises(
        ValueError, match="unknown estimator class 'LogisticRegression'"
    ):
        load_model(path)


@pytest.mark.parametrize("size", [0, 10, 0.5, -10])
def test_truncated_file_is_rejected_with_a_value_error(size, valid_arrays, tmp_path):
    buffer = io.BytesIO()
    np.savez(buffer, **valid_arrays)
    data = buffer.getvalue()
    cut = int(size * len(data)) if isinstance(size, float) else size
    (tmp_path / "model.npz").write_bytes(data[:cut])
    with pytest.raises(ValueError, match=INVALID):
        load_model(tmp_path / "model.npz")


@pytest.mark.parametrize(
    "content",
    [
        pickle.dumps(ScratchRNNClassifier()),  # a pickle: never unpickled
        b"plain text",
    ],
)
def test_other_files_are_rejected_with_a_value_error(content, tmp_path):
    (tmp_path / "model.npz").write_bytes(content)
    with pytest.raises(ValueError, match=INVALID):
        load_model(tmp_path / "model.npz")


def test_npy_file_is_rejected_with_a_value_error(tmp_path):
    np.save(tmp_path / "model.npy", np.zeros(3))
    with pytest.raises(ValueError, match=f"{INVALID}: it is a single .npy array"):
        load_model(tmp_path / "model.npy")


def test_missing_file_raises_file_not_found(tmp_path):
    with pytest.raises(FileNotFoundError):
        load_model(tmp_path / "absent.npz")


# ---------------------------------------------------- pickle, joblib, clone
def test_pickle_and_joblib_round_trips_give_identical_predictions(fitted, tmp_path):
    estimator, X, _ = fitted
    assert_same_outputs(estimator, pickle.loads(pickle.dumps(estimator)), X)
    joblib.dump(estimator, tmp_path / "model.joblib")
    assert_same_outputs(estimator, joblib.load(tmp_path / "model.joblib"), X)


def test_clone_refits_identically(fitted):
    estimator, X, y = fitted
    assert_same_outputs(estimator, clone(estimator).fit(X, y), X)


def test_pickle_leaves_out_the_caches_of_the_last_pass():
    import pickle

    rng = np.random.RandomState(0)
    ids = rng.randint(1, 1000, (300, 200))
    y = rng.randint(0, 2, 300)
    clf = ScratchRNNClassifier(
        embedding_dim=8, hidden_size=8, max_iter=1, random_state=0
    )
    clf.fit(ids, y)
    blob = pickle.dumps(clf)
    weights = sum(p.nbytes for p in clf.network_.params)
    assert len(blob) < 4 * weights + 200_000  # params, grads, optimizer state
    twin = pickle.loads(blob)
    np.testing.assert_array_equal(twin.predict_proba(ids), clf.predict_proba(ids))
    twin.partial_fit(ids, y)
    clf.partial_fit(ids, y)
    for a, b in zip(twin.network_.params, clf.network_.params):
        np.testing.assert_array_equal(a, b)
