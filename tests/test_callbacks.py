"""scikit-learn's callback API (sklearn >= 1.9): epochs are fit subtasks."""

import warnings

import numpy as np
import pytest

from sklearn_rnn import ScratchRNNClassifier

callback = pytest.importorskip("sklearn.callback")


class EpochRecorder:
    """Records every task end; asks to stop after ``stop_after`` epochs."""

    def __init__(self, stop_after=None):
        self.stop_after = stop_after
        self.ends = []

    def setup(self, estimator, context):
        self.ends.clear()

    def teardown(self, estimator, context):
        pass

    def on_fit_task_begin(
        self,
        estimator,
        context,
        *,
        X=None,
        y=None,
        metadata=None,
        fitted_estimator=None,
    ):
        pass

    def on_fit_task_end(
        self,
        estimator,
        context,
        *,
        X=None,
        y=None,
        metadata=None,
        fitted_estimator=None,
    ):
        self.ends.append((context.task_name, fitted_estimator))
        epochs = sum(name == "epoch" for name, _ in self.ends)
        return self.stop_after is not None and epochs >= self.stop_after


@pytest.fixture
def data(sum_sign):
    return sum_sign(40, 5, 2)


def test_each_epoch_is_a_subtask_with_a_ready_to_predict_estimator(data):
    X, y = data
    recorder = EpochRecorder()
    clf = ScratchRNNClassifier(hidden_size=4, max_iter=3, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        clf.set_callbacks(recorder).fit(X, y)
    names = [name for name, _ in recorder.ends]
    assert names == ["epoch", "epoch", "epoch", "fit"]
    snapshot = recorder.ends[0][1]
    assert snapshot is not clf and snapshot.n_iter_ == 1
    assert snapshot.predict(X).shape == (40,)
    np.testing.assert_array_equal(
        recorder.ends[-1][1].predict_proba(X), clf.predict_proba(X)
    )


def test_a_callback_can_stop_training_without_a_convergence_warning(data):
    X, y = data
    clf = ScratchRNNClassifier(hidden_size=4, max_iter=50, tol=0.0, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        clf.set_callbacks(EpochRecorder(stop_after=2)).fit(X, y)
    assert clf.n_iter_ == 2


def test_progress_bar_runs_over_epochs(data, capsys):
    pytest.importorskip("rich")
    X, y = data
    clf = ScratchRNNClassifier(hidden_size=4, max_iter=3, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        clf.set_callbacks(callback.ProgressBar()).fit(X, y)
    assert clf.n_iter_ == 3
