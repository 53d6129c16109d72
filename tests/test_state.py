"""All-or-nothing calls (``_state.py``): a fit or partial_fit that raises, is
interrupted or diverges leaves the estimator as it was, and training goes on."""

import copy
import signal
import tracemalloc

import numpy as np
import pytest
from _settings import EXPLODING
from numpy.testing import assert_array_equal

from sklearn_rnn import ScratchRNNClassifier, ScratchRNNRegressor, TrainingDivergedError

#: Elman cells: the diverging calls below rely on its unbounded growth.
SMALL = dict(cell="rnn", hidden_size=8, random_state=0, batch_size=16)
X_BIG = np.random.RandomState(1).randn(64, 8, 2) * 1e3  # 4 batches: diverges mid-epoch


@pytest.fixture(scope="module")
def data(sum_sign):
    return sum_sign(96, 8, 2)


@pytest.fixture
def scaled_data(sum_sign):
    """Inputs of scale 5; ``target``: a regression target in the hundreds."""
    X, y = sum_sign(40, 6, 2, scale=5)
    return X, y, X[:, :, 1].sum(axis=1) * 100


def snapshot(estimator):
    """Everything the estimator holds, comparable with ``assert_same_state``."""
    return copy.deepcopy(estimator.__dict__)


def assert_same_state(before, after):
    """Equal fitted state; hyperparameters (changed by set_params) are not compared."""
    assert before.keys() == after.keys()
    hyperparameters = ScratchRNNClassifier().get_params().keys()
    for key, value in before.items():
        if key in hyperparameters:
            continue
        if key == "network_":
            for a, b in zip(value.params, after[key].params):
                assert_array_equal(a, b)
        elif key == "_optimizer":
            old, new = value.state_dict(), after[key].state_dict()
            assert old["iterations"] == new["iterations"]
            assert old["learning_rate"] == new["learning_rate"]
            for name in old["slots"]:
                for a, b in zip(old["slots"][name], new["slots"][name]):
                    assert_array_equal(a, b)
        elif key == "_random_state":
            assert_array_equal(value.get_state()[1], after[key].get_state()[1])
        elif isinstance(value, np.ndarray):
            assert_array_equal(value, after[key])
        elif key != "_label_binarizer":
            assert value == after[key], key


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


# ------------------------------------------------------------ failed calls
@pytest.mark.parametrize(
    "bad_call",
    [
        lambda est, X, y: est.partial_fit(X, np.full(len(y), 5)),  # unseen label
        lambda est, X, y: est.partial_fit(X[:, :, :1], y),  # wrong features
        lambda est, X, y: est.partial_fit(
            X, y, sample_weight=np.ones(3)
        ),  # bad weights
        lambda est, X, y: est.partial_fit(X * np.nan, y),  # NaN input
        lambda est, X, y: est.set_params(
            learning_rate_init=1e9, clip_norm=None, batch_size=4, solver="sgd"
        ).partial_fit(X * 1e3, y),  # diverges mid-epoch
    ],
)
def test_failed_partial_fit_leaves_the_estimator_exactly_as_it_was(
    scaled_data, bad_call
):
    X, y, _ = scaled_data
    clf = ScratchRNNClassifier(
        cell="rnn", hidden_size=8, activation="identity", random_state=0
    )
    clf.partial_fit(X, y, classes=[0, 1])
    clf.partial_fit(X, y)
    before = snapshot(clf)
    with pytest.raises((ValueError, TypeError)):
        bad_call(clf, X, y)
    assert_same_state(before, snapshot(clf))


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


def test_divergence_in_warm_start_keeps_the_previous_model(scaled_data):
    X, y, target = scaled_data
    reg = ScratchRNNRegressor(
        **{
            **EXPLODING,
            "activation": "identity",
            "learning_rate_init": 1e-3,
            "max_iter": 2,
        }
    )
    reg.fit(X, target)
    before = snapshot(reg)
    reg.set_params(learning_rate_init=1e6, warm_start=True)
    with pytest.raises(TrainingDivergedError):
        reg.fit(X, target)
    assert_same_state(before, snapshot(reg))
    assert all(np.isfinite(p).all() for p in reg.network_.params)


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


# ------------------------------------------------------------- interrupts
def test_a_keyboard_interrupt_mid_epoch_is_rolled_back(
    data, monkeypatch, fail_at_batch
):
    X, y = data
    clean = stream(ScratchRNNClassifier(**SMALL), X, y, 4)
    clf = stream(ScratchRNNClassifier(**SMALL), X, y, 2)
    fail_at_batch(3, KeyboardInterrupt)
    with pytest.raises(KeyboardInterrupt):
        clf.partial_fit(X, y)
    monkeypatch.undo()
    assert clf.n_iter_ == 2 and len(clf.loss_curve_) == 2 and bound(clf)
    stream(clf, X, y, 2)
    assert_array_equal(clf.predict_proba(X), clean.predict_proba(X))


@pytest.mark.parametrize("fits_before", [0, 1])
def test_an_interrupted_fit_leaves_a_random_state_instance_as_it_was(
    data, monkeypatch, fail_at_batch, fits_before
):
    """The generator given as random_state was consumed by an interrupted
    first fit, so the refit was not the uninterrupted fit."""
    X, y = data
    params = {**SMALL, "max_iter": 2}
    params.pop("random_state")

    def fitted(clf, n_fits):
        for _ in range(n_fits):
            clf.fit(X, y)
        return clf

    generator = np.random.RandomState(0)
    clean = fitted(
        ScratchRNNClassifier(random_state=generator, **params), 1 + fits_before
    )
    generator = np.random.RandomState(0)
    clf = fitted(ScratchRNNClassifier(random_state=generator, **params), fits_before)
    before = generator.get_state()[1].copy()
    fail_at_batch(5, KeyboardInterrupt)
    with pytest.raises(KeyboardInterrupt):
        clf.fit(X, y)
    monkeypatch.undo()
    assert_array_equal(generator.get_state()[1], before)
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


# ------------------------------------------- row-sparse (embedding) rollback
def test_a_failed_partial_fit_restores_the_embedding_rows_it_changed():
    rng = np.random.RandomState(0)
    ids = rng.randint(1, 500, size=(64, 12))
    clf = ScratchRNNClassifier(
        embedding_dim=4, hidden_size=4, vocab_size=500, batch_size=16, random_state=0
    ).partial_fit(ids, ids[:, 0] % 2, classes=[0, 1])
    before = [p.copy() for p in clf.network_.params]
    moments = [s.copy() for slots in clf._optimizer.state.values() for s in slots]
    bad = np.vstack([ids, ids])
    with pytest.raises(ValueError, match="inconsistent numbers of samples"):
        clf.partial_fit(bad, ids[:, 0] % 2)
    clf.set_params(learning_rate_init=1e300, solver="sgd", clip_norm=None)
    with pytest.raises(ValueError, match="diverged"):
        clf.partial_fit(ids * 0 + np.arange(1, 13), np.arange(64) % 2)
    for a, b in zip(clf.network_.params, before):
        assert_array_equal(a, b)
    for a, b in zip(
        [s for slots in clf._optimizer.state.values() for s in slots], moments
    ):
        assert_array_equal(a, b)


def test_partial_fit_cost_follows_the_batch_not_the_table():
    """A 2**20 x 32 table (128 MiB): one partial_fit allocates a few MiB."""
    rng = np.random.RandomState(0)
    clf = ScratchRNNClassifier(
        embedding_dim=32, hidden_size=8, vocab_size=2**20, random_state=0
    )
    ids = rng.randint(1, 2**20, size=(64, 20))
    clf.partial_fit(ids, ids[:, 0] % 2, classes=[0, 1])
    tracemalloc.start()
    try:
        clf.partial_fit(rng.randint(1, 2**20, size=(64, 20)), ids[:, 1] % 2)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 8 * 2**20
