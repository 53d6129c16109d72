"""Tests of sklearn_rnn.persistence (pickle-free model files) and of pickling
(invalid and tampered files: ``test_persistence_invalid.py``)."""

import os
import pickle

import joblib
import numpy as np
import pytest
from _persistence_data import (
    BINARY,
    IDS,
    MULTILABEL,
    PER_STEP,
    SMALL,
    WORDS,
    X2,
    X3,
    saved,
)
from numpy.testing import assert_array_equal
from sklearn.base import clone
from sklearn.exceptions import NotFittedError
from sklearn.linear_model import LogisticRegression

from sklearn_rnn import ScratchRNNClassifier, ScratchRNNRegressor
from sklearn_rnn.persistence import load_model, save_model

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")

#: An initial table for IDS (ids 0-11).
RNG_TABLE = np.random.RandomState(1).randn(12, 3)

CASES = {
    "binary": (ScratchRNNClassifier(**SMALL), X3, BINARY),
    "multiclass-str": (ScratchRNNClassifier(**SMALL), X3, WORDS),
    "multilabel": (ScratchRNNClassifier(**SMALL), X3, MULTILABEL),
    "bool-labels-2d": (ScratchRNNClassifier(**SMALL), X2, BINARY.astype(bool)),
    "early-stopping": (ScratchRNNClassifier(early_stopping=True, **SMALL), X3, WORDS),
    "class-weight-dict": (
        ScratchRNNClassifier(class_weight={0: 3, 1: 0.5}, **SMALL),
        X3,
        BINARY,
    ),
    "class-weight-balanced": (
        ScratchRNNClassifier(class_weight="balanced", early_stopping=True, **SMALL),
        X3,
        WORDS,
    ),
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
    "embedding-pretrained-frozen": (
        ScratchRNNClassifier(
            embedding_dim=3,
            embeddings=RNG_TABLE.astype(np.float32),
            freeze_embeddings=True,
            **SMALL,
        ),
        IDS,
        BINARY,
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
    params, loaded_params = estimator.get_params(), loaded.get_params()
    table, loaded_table = params.pop("embeddings"), loaded_params.pop("embeddings")
    if table is None:
        assert loaded_table is None
    else:
        assert_array_equal(loaded_table, table)
        assert loaded_table.dtype == table.dtype
    assert loaded_params == params
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
    for attr in (
        "classes_",
        "class_weight_",
        "n_outputs_",
        "_single_output",
        "vocab_size_",
    ):
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


def test_class_weights_round_trip_with_their_label_types(tmp_path):
    estimator = ScratchRNNClassifier(
        class_weight={np.str_("dog"): 2, "fish": 0.5}, **SMALL
    ).fit(X3, WORDS)
    loaded = load_model(saved(estimator, tmp_path))
    assert loaded.class_weight == {"dog": 2, "fish": 0.5}
    assert_array_equal(loaded.class_weight_, [1.0, 2.0, 0.5])
    estimator.set_params(class_weight={0: 3, 1: 0.5}).fit(X3, BINARY)
    loaded = load_model(saved(estimator, tmp_path))
    assert [type(label) for label in loaded.class_weight] == [int, int]


def test_partial_fit_reuses_balanced_weights_after_loading(tmp_path):
    estimator = ScratchRNNClassifier(class_weight="balanced", **SMALL)
    estimator.partial_fit(X3, WORDS, classes=np.unique(WORDS))
    loaded = load_model(saved(estimator, tmp_path))
    for model in (estimator, loaded):
        model.partial_fit(X3[:10], WORDS[:10])
    assert_array_equal(loaded.class_weight_, estimator.class_weight_)
    assert_array_equal(loaded.predict_proba(X3), estimator.predict_proba(X3))


def test_a_frozen_table_stays_frozen_after_loading(tmp_path):
    estimator = clone(CASES["embedding-pretrained-frozen"][0]).fit(IDS, BINARY)
    loaded = load_model(saved(estimator, tmp_path))
    loaded.partial_fit(IDS, BINARY)
    assert_array_equal(loaded.network_.params[0], RNG_TABLE.astype(np.float32))
    assert loaded.n_iter_ == estimator.n_iter_ + 1


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
    save_model(estimator, os.fsencode(tmp_path / "model.npz"))  # bytes, as np.save
    loaded = load_model(os.fsencode(tmp_path / "model.npz"))
    assert_array_equal(loaded.predict(X2), estimator.predict(X2))


@pytest.fixture
def umask_022():
    previous = os.umask(0o022)
    yield
    os.umask(previous)


@pytest.mark.usefixtures("umask_022")
def test_a_new_file_gets_the_umask_mode_and_an_old_file_keeps_its_own(tmp_path):
    """Saved files were 0600 (mkstemp's), and overwriting made them so."""
    estimator = ScratchRNNRegressor(**SMALL).fit(X2, X2.sum(axis=1))
    path = tmp_path / "model.npz"
    save_model(estimator, path)
    np.save(tmp_path / "numpy.npy", np.zeros(1))
    assert path.stat().st_mode & 0o777 == 0o644
    assert (tmp_path / "numpy.npy").stat().st_mode & 0o777 == 0o644
    for mode in (0o600, 0o640, 0o664):
        path.chmod(mode)
        save_model(estimator, path)
        assert path.stat().st_mode & 0o777 == mode
    assert sorted(os.listdir(tmp_path)) == ["model.npz", "numpy.npy"]


def test_saving_to_a_symlink_writes_its_target(tmp_path):
    """The link used to be replaced by the file."""
    estimator = ScratchRNNRegressor(**SMALL).fit(X2, X2.sum(axis=1))
    (tmp_path / "models").mkdir()
    link = tmp_path / "latest.npz"
    link.symlink_to(tmp_path / "models" / "v1.npz")  # dangling: created by save
    save_model(estimator, link)
    assert link.is_symlink()
    assert_array_equal(
        load_model(tmp_path / "models" / "v1.npz").predict(X2), estimator.predict(X2)
    )
    assert sorted(os.listdir(tmp_path / "models")) == ["v1.npz"]


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
