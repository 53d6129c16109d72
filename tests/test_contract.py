"""The promises off the happy path: rollback that keeps training alive,
token ids that cannot allocate or wrap, threads, degenerate input and
parameters (issue "Keep every promise off the happy path")."""

import signal
import threading
import tracemalloc
import warnings

import numpy as np
import pytest
from numpy.testing import assert_array_equal
from threadpoolctl import threadpool_info

import sklearn_rnn._training as training
from sklearn_rnn import ScratchRNNClassifier, ScratchRNNRegressor, TrainingDivergedError

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
SMALL = dict(hidden_size=8, random_state=0, batch_size=16)
X_BIG = np.random.RandomState(1).randn(64, 8, 2) * 1e3  # 4 batches: diverges mid-epoch


@pytest.fixture(scope="module")
def data():
    rng = np.random.RandomState(0)
    X = rng.randn(96, 8, 2)
    return X, (X[:, :, 0].sum(axis=1) > 0).astype(int)


def stream(clf, X, y, n_calls, bad_call_at=None, bad=None):
    for call in range(n_calls):
        if call == bad_call_at:
            with pytest.raises((ValueError, KeyboardInterrupt)):
                bad(clf)
        clf.partial_fit(X, y, classes=[0, 1])
    return clf


def bound(clf):
    """The optimizer updates the network's own arrays."""
    return all(a is b for a, b in zip(clf._optimizer.params, clf.network_.params))


# ---------------------------------------------------------------- item 2
@pytest.mark.parametrize(
    "bad",
    [
        lambda clf: clf.partial_fit(np.full((4, 8, 2), np.nan), [0, 1, 0, 1]),
        lambda clf: clf.partial_fit(np.zeros((4, 8, 3)), [0, 1, 0, 1]),
        lambda clf: clf.set_params(
            learning_rate_init=1e300, clip_norm=None, solver="sgd"
        ).partial_fit(X_BIG, np.arange(64) % 2),
    ],
    ids=["nan-batch", "wrong-features", "diverging-batch"],
)
def test_a_rejected_partial_fit_changes_nothing_and_training_goes_on(data, bad):
    X, y = data
    clean = stream(ScratchRNNClassifier(**SMALL), X, y, 6)

    def bad_then_restore(clf):
        params = clf.get_params()
        try:
            bad(clf)
        finally:
            clf.set_params(**params)

    rejected = stream(
        ScratchRNNClassifier(**SMALL), X, y, 6, bad_call_at=3, bad=bad_then_restore
    )
    assert bound(rejected)
    assert_array_equal(rejected.predict_proba(X), clean.predict_proba(X))
    assert rejected.n_iter_ == clean.n_iter_ == 6


def test_a_keyboard_interrupt_mid_epoch_is_rolled_back(data, monkeypatch):
    X, y = data
    clean = stream(ScratchRNNClassifier(**SMALL), X, y, 4)
    clf = stream(ScratchRNNClassifier(**SMALL), X, y, 2)
    calls = []
    original = training.clip_by_global_norm

    def interrupt_on_the_third_batch(*args):
        calls.append(1)
        if len(calls) == 3:
            raise KeyboardInterrupt
        return original(*args)

    monkeypatch.setattr(training, "clip_by_global_norm", interrupt_on_the_third_batch)
    with pytest.raises(KeyboardInterrupt):
        clf.partial_fit(X, y)
    monkeypatch.undo()
    assert clf.n_iter_ == 2 and len(clf.loss_curve_) == 2 and bound(clf)
    stream(clf, X, y, 2)
    assert_array_equal(clf.predict_proba(X), clean.predict_proba(X))


def test_a_rejected_warm_start_fit_keeps_the_model_and_training_goes_on(data):
    X, y = data
    clean = (
        ScratchRNNClassifier(max_iter=3, warm_start=True, **SMALL).fit(X, y).fit(X, y)
    )
    clf = ScratchRNNClassifier(max_iter=3, warm_start=True, **SMALL).fit(X, y)
    with pytest.raises(ValueError):
        clf.fit(X, np.where(y == 0, 0, 7))  # an unseen label
    assert bound(clf)
    clf.fit(X, y)
    assert_array_equal(clf.predict_proba(X), clean.predict_proba(X))


def test_interrupts_every_50_microseconds_never_strip_hyperparameters(data):
    X, y = data
    estimators = [
        ScratchRNNClassifier(hidden_size=4, batch_size=8, random_state=i)
        for i in range(80)
    ]
    hyperparameters = ScratchRNNClassifier().get_params().keys()
    armed = [True]

    def interrupt(signum, frame):
        # Ctrl-C held down, as seen by the package: it interrupts whatever
        # code of sklearn_rnn runs (the undo included), never the test's own.
        if armed[0] and "/sklearn_rnn/" in frame.f_code.co_filename:
            raise KeyboardInterrupt

    previous = signal.signal(signal.SIGALRM, interrupt)
    signal.setitimer(signal.ITIMER_REAL, 50e-6, 50e-6)
    try:
        for clf in estimators:
            for _ in range(3):
                try:
                    clf.partial_fit(X[:32], y[:32], classes=[0, 1])
                except KeyboardInterrupt:
                    pass
    finally:
        armed[0] = False
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
    for clf in estimators:
        assert hyperparameters <= vars(clf).keys()
        if hasattr(clf, "network_") and hasattr(clf, "_optimizer"):
            assert bound(clf)
            assert all(np.isfinite(p).all() for p in clf.network_.params)


# ---------------------------------------------------------------- item 4
def test_one_stray_token_id_cannot_size_the_embedding_table():
    ids = np.ones((4, 5), dtype=np.int64)
    ids[2, 3] = 10**9
    clf = ScratchRNNClassifier(embedding_dim=8, hidden_size=4, max_iter=1)
    tracemalloc.start()
    try:
        with pytest.raises(
            ValueError, match=r"token id 1000000000.*29\.8 GiB.*vocab_size"
        ):
            clf.fit(ids, [0, 1, 0, 1])
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 10 * 2**20
    assert not hasattr(clf, "network_")


@pytest.mark.parametrize("huge", [np.uint64(2**64 - 1), np.uint64(2**63), 1e20])
def test_huge_ids_read_the_out_of_vocabulary_row_and_never_wrap(huge):
    ids = np.array([[2, 3, 4], [5, 6, 7], [2, 5, 3], [7, 6, 4]])
    clf = ScratchRNNClassifier(
        embedding_dim=3, hidden_size=4, vocab_size=10, max_iter=2, random_state=0
    ).fit(ids, [0, 1, 0, 1])
    dtype = np.float64 if isinstance(huge, float) else np.uint64
    probe = np.array([[2, 3, 1]], dtype=dtype)
    oov = clf.predict_proba(probe)
    probe[0, 2] = huge
    assert_array_equal(clf.predict_proba(probe), oov)
    with pytest.raises(ValueError, match="token id"):
        ScratchRNNClassifier(embedding_dim=3, max_iter=1).fit(
            np.vstack([probe, probe]), [0, 1]
        )


# ---------------------------------------------------------------- item 5
def test_predicting_during_training_neither_crashes_it_nor_changes_it(data):
    X, y = data
    clean = stream(ScratchRNNClassifier(pooling="max", **SMALL), X, y, 25)
    clf = stream(ScratchRNNClassifier(pooling="max", **SMALL), X, y, 1)
    done, errors = threading.Event(), []

    def predict_until_done():
        while not done.is_set():
            try:
                clf.predict_proba(X[:7])
                clf.transform(X[:5])
            except Exception as exc:  # pragma: no cover - reported below
                errors.append(exc)

    thread = threading.Thread(target=predict_until_done)
    thread.start()
    try:
        stream(clf, X, y, 24)
    finally:
        done.set()
        thread.join()
    assert errors == []
    assert_array_equal(clf.predict_proba(X), clean.predict_proba(X))


def blas_threads():
    return [
        lib["num_threads"] for lib in threadpool_info() if lib["user_api"] == "blas"
    ]


def test_concurrent_predictions_leave_the_blas_threads_as_found(data):
    X, y = data
    clf = ScratchRNNClassifier(max_iter=2, **SMALL).fit(X, y)
    before = blas_threads()

    def predict_many():
        for _ in range(50):
            clf.predict(X[:3])

    threads = [threading.Thread(target=predict_many) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert blas_threads() == before


# ---------------------------------------------------------------- item 6
def test_zero_time_steps_are_a_clear_error(data):
    X, y = data
    with pytest.raises(ValueError, match="0 time steps"):
        ScratchRNNClassifier().fit(np.zeros((4, 0, 2)), [0, 1, 0, 1])
    clf = ScratchRNNClassifier(max_iter=1, **SMALL).fit(X, y)
    with pytest.raises(ValueError, match="0 time steps"):
        clf.predict(np.zeros((4, 0, 2)))


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
    from sklearn_rnn._params import architecture

    return architecture(clf.get_params())


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


@pytest.mark.parametrize("Est", [ScratchRNNClassifier, ScratchRNNRegressor])
def test_values_beyond_float32_are_an_error_without_warnings(data, Est):
    X, y = data
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with pytest.raises(ValueError, match="too large for dtype"):
            Est(dtype="float32").fit(X * 1e300, y)
    if Est is ScratchRNNRegressor:
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            with pytest.raises(ValueError, match="too large for dtype"):
                Est(dtype="float32").fit(X, y * 1e300)


def test_partial_fit_with_other_classes_is_an_error(data):
    X, y = data
    clf = ScratchRNNClassifier(**SMALL).partial_fit(X, y, classes=[0, 1])
    clf.partial_fit(X, y, classes=[1, 0])  # the same classes, in any order
    with pytest.raises(ValueError, match=r"classes=\[0, 1, 2\] is not the same"):
        clf.partial_fit(X, y, classes=[0, 1, 2])


def test_divergence_message_suggests_only_what_is_not_in_effect(data):
    X, y = data
    clf = ScratchRNNRegressor(
        scale_target=False,
        learning_rate_init=1e9,
        solver="sgd",
        dtype="float32",
        max_iter=3,
        clip_norm=1.0,
        **SMALL,
    )
    with pytest.raises(TrainingDivergedError) as info:
        clf.fit(X * 1e4, y * 1e30)
    message = str(info.value)
    assert "lower learning_rate_init (now 1e+09)" in message
    assert (
        "clip_norm" not in message
        and "init=" not in message
        and "activation" not in message
    )
    reckless = ScratchRNNRegressor(
        scale_target=False,
        learning_rate_init=1e9,
        solver="sgd",
        dtype="float32",
        clip_norm=None,
        init="he",
        activation="relu",
        max_iter=3,
        **SMALL,
    )
    with pytest.raises(
        TrainingDivergedError, match="set clip_norm.*init='xavier'.*'tanh'"
    ):
        reckless.fit(X * 1e4, y * 1e30)
