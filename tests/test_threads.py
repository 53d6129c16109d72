"""Threads (``_concurrency.py``, issue 21 item 5), with real threads: training
calls on one estimator run one at a time; predictions, saves and pickles see
committed states only (the state before or after a whole call), never a
half-trained one, never one a failing call rolls back, and never raise
because another thread trains."""

import copy
import pickle
import threading

import numpy as np
import pytest
from numpy.testing import assert_array_equal

from sklearn_rnn import ScratchRNNClassifier, ScratchRNNRegressor, TrainingDivergedError
from sklearn_rnn._concurrency import guard_of
from sklearn_rnn.persistence import load_model

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")

RNG = np.random.RandomState(0)
X = RNG.randn(256, 12, 3)
Y = (X[:, :, 0].sum(axis=1) > 0).astype(int)
IDS = RNG.randint(1, 300, size=(256, 12))
MODELS = {
    "dense": (dict(hidden_size=16, batch_size=16, random_state=0), X),
    "embedding": (
        dict(
            embedding_dim=8,
            vocab_size=300,
            hidden_size=8,
            batch_size=16,
            random_state=0,
        ),
        IDS,
    ),
}


def started(clf, X_fit):
    return clf.partial_fit(X_fit, Y, classes=[0, 1])


def state_of(clf):
    """Weights, optimizer slots and step count: what a committed state is."""
    arrays = [p.copy() for p in clf.network_.params]
    arrays += [s.copy() for slots in clf._optimizer.state.values() for s in slots]
    return clf._optimizer.iterations, arrays


def is_one_of(state, states):
    return any(
        state[0] == other[0]
        and all(np.array_equal(a, b) for a, b in zip(state[1], other[1], strict=True))
        for other in states
    )


def run_while(background, foreground):
    """Run ``background()`` in a thread until ``foreground()`` returns."""
    done, errors = threading.Event(), []

    def loop():
        while not done.is_set():
            try:
                background()
            except Exception as exc:  # reported below
                errors.append(exc)

    thread = threading.Thread(target=loop)
    thread.start()
    try:
        foreground()
    finally:
        done.set()
        thread.join()
    return errors


@pytest.mark.parametrize("model", list(MODELS))
def test_saves_during_training_hold_committed_states_only(model, tmp_path):
    """14 of 33 files saved during partial_fit held weights of no step, or one
    step's weights with another's optimizer slots."""
    params, X_fit = MODELS[model]
    clf = started(ScratchRNNClassifier(**params), X_fit)
    committed = [state_of(clf)]
    paths = []

    def save():
        paths.append(tmp_path / f"{len(paths)}.npz")
        clf.save(paths[-1])

    def train():
        for _ in range(8):
            clf.partial_fit(X_fit, Y)
            committed.append(state_of(clf))

    assert run_while(save, train) == []
    assert len(paths) >= 8
    for path in paths:
        assert is_one_of(state_of(load_model(path)), committed), path.name


@pytest.mark.parametrize("model", list(MODELS))
def test_predictions_during_training_are_those_of_committed_states(model):
    params, X_fit = MODELS[model]
    clf = started(ScratchRNNClassifier(**params), X_fit)
    committed = [clf.predict_proba(X_fit[:20])]
    seen = []

    def train():
        for _ in range(8):
            clf.partial_fit(X_fit, Y)
            committed.append(clf.predict_proba(X_fit[:20]))

    assert run_while(lambda: seen.append(clf.predict_proba(X_fit[:20])), train) == []
    assert len(seen) >= 8
    for proba in seen:
        assert any(np.array_equal(proba, other) for other in committed)


def test_predictions_never_see_a_call_that_fails(fail_at_batch):
    """A diverging partial_fit made predictions in other threads raise
    TrainingDivergedError (410 of 6,600) and drift, before its rollback.
    Here each call trains 11 of its 16 batches, then diverges."""
    clf = started(ScratchRNNClassifier(**MODELS["dense"][0]), X)
    expected = clf.predict_proba(X[:20])
    fail_at_batch(12, TrainingDivergedError("gradient"), every=16)
    failures, seen = [], []

    def fail_repeatedly():
        for _ in range(10):
            with pytest.raises(TrainingDivergedError):
                clf.partial_fit(X, Y)
            failures.append(1)

    assert (
        run_while(lambda: seen.append(clf.predict_proba(X[:20])), fail_repeatedly) == []
    )
    assert len(failures) == 10 and len(seen) >= 10
    for proba in seen:
        assert_array_equal(proba, expected)


@pytest.mark.parametrize("model", list(MODELS))
def test_concurrent_training_calls_run_one_after_the_other(model):
    """Two threads' partial_fit calls shared buffers (broadcast errors), and
    the counters disagreed (n_iter_=6 after 8 calls, 81 optimizer steps)."""
    params, X_fit = MODELS[model]
    sequential = started(ScratchRNNClassifier(**params), X_fit)
    for _ in range(8):
        sequential.partial_fit(X_fit, Y)
    clf = started(ScratchRNNClassifier(**params), X_fit)
    errors = []

    def four_calls():
        try:
            for _ in range(4):
                clf.partial_fit(X_fit, Y)
        except Exception as exc:  # reported below
            errors.append(exc)

    threads = [threading.Thread(target=four_calls) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert clf.n_iter_ == sequential.n_iter_ == 9
    assert clf._optimizer.iterations == sequential._optimizer.iterations == 9 * 16
    # every call trains on the same data: their order does not matter
    for a, b in zip(clf.network_.params, sequential.network_.params, strict=True):
        assert_array_equal(a, b)


def test_pickles_during_training_hold_committed_states_only():
    params, X_fit = MODELS["embedding"]
    clf = started(ScratchRNNClassifier(**params), X_fit)
    committed = [state_of(clf)]
    blobs = []

    def train():
        for _ in range(6):
            clf.partial_fit(X_fit, Y)
            committed.append(state_of(clf))

    assert run_while(lambda: blobs.append(pickle.dumps(clf)), train) == []
    for blob in blobs:
        twin = pickle.loads(blob)
        assert is_one_of(state_of(twin), committed)
        assert all(a is b for a, b in zip(twin._optimizer.params, twin.network_.params))


def test_a_fresh_fit_is_seen_only_once_it_is_done():
    clf = ScratchRNNClassifier(max_iter=6, **MODELS["dense"][0]).fit(X, Y)
    before = clf.predict_proba(X[:20])
    seen = []

    def refit():
        clf.set_params(random_state=1).fit(X, Y)

    assert run_while(lambda: seen.append(clf.predict_proba(X[:20])), refit) == []
    after = clf.predict_proba(X[:20])
    assert not np.array_equal(before, after)
    for proba in seen:
        assert np.array_equal(proba, before) or np.array_equal(proba, after)


class Reentrant(ScratchRNNClassifier):
    """Calls ``action(self)`` from inside its training loop, as a callback would."""

    def _run_epoch(self, *args, **kwargs):
        self.outcome = self.action(self)
        return super()._run_epoch(*args, **kwargs)


def test_a_training_call_from_inside_training_raises_instead_of_deadlocking():
    clf = Reentrant(max_iter=2, **MODELS["dense"][0])
    clf.action = lambda est: est.partial_fit(X, Y, classes=[0, 1])
    with pytest.raises(RuntimeError, match="partial_fit was called while this thread"):
        clf.fit(X, Y)
    assert not hasattr(clf, "network_")
    clf.action = lambda est: None
    assert clf.fit(X, Y).n_iter_ == 2


def test_predictions_from_inside_training_see_the_state_being_trained():
    clf = Reentrant(max_iter=2, **MODELS["dense"][0])
    clf.action = lambda est: est.predict_proba(X[:3])
    clf.fit(X, Y)
    assert clf.outcome.shape == (3, 2)


def test_copies_pickles_and_clones_have_their_own_guard():
    clf = ScratchRNNClassifier(max_iter=1, **MODELS["dense"][0]).fit(X, Y)
    guard = guard_of(clf)
    for twin in (copy.deepcopy(clf), pickle.loads(pickle.dumps(clf)), copy.copy(clf)):
        assert guard_of(twin) is not guard
        assert sorted(vars(twin)) == sorted(vars(clf))
        assert_array_equal(twin.predict_proba(X[:5]), clf.predict_proba(X[:5]))


@pytest.mark.parametrize("Est", [ScratchRNNClassifier, ScratchRNNRegressor])
def test_every_public_method_is_a_training_call_a_reader_or_reads_no_state(Est):
    """The rule behind the thread tests: a new public method must say which."""
    methods = {
        name
        for name in dir(Est)
        if not name.startswith("_") and callable(getattr(Est, name))
    }
    training = {
        name for name in methods if getattr(getattr(Est, name), "trains_alone", False)
    }
    reading = {
        name
        for name in methods
        if getattr(getattr(Est, name), "reads_committed_state", False)
    }
    assert training == {"fit", "partial_fit"}
    assert reading == {
        "predict",
        "score",
        "transform",
        "get_feature_names_out",
    } | (
        {"predict_proba", "predict_log_proba"} if Est is ScratchRNNClassifier else set()
    )
    # save reads the committed state itself (save_model), fit_transform is
    # fit then transform, load makes a new estimator; the rest are parameters
    # and metadata routing (set_callbacks: scikit-learn >= 1.9 only).
    assert methods - training - reading - {"set_callbacks"} == {
        "fit_transform",
        "get_metadata_routing",
        "get_params",
        "load",
        "save",
        "set_fit_request",
        "set_output",
        "set_params",
        "set_partial_fit_request",
        "set_score_request",
    }
