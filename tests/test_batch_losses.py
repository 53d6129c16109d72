"""The loss of every mini-batch step: ``batch_loss_curve_`` and
``batches_per_epoch_``, recorded, rolled back, saved, and drawn by
LossCurveDisplay."""

from pathlib import Path

import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal

from sklearn_rnn import ScratchRNNClassifier, ScratchRNNRegressor, TrainingDivergedError
from sklearn_rnn.inspection import LossCurveDisplay
from sklearn_rnn.persistence import load_model

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")

RNG = np.random.RandomState(0)
X = RNG.randn(60, 5, 2)
Y = (X[:, -1, 0] > 0).astype(int)
SMALL = dict(hidden_size=4, batch_size=16, random_state=0)
FORMAT2 = Path(__file__).parent / "data" / "format2_gru_adam.npz"


def test_fit_records_the_loss_of_every_step():
    clf = ScratchRNNClassifier(max_iter=3, tol=0.0, **SMALL).fit(X, Y)
    assert clf.batches_per_epoch_ == [4, 4, 4]  # even batches of 15
    assert len(clf.batch_loss_curve_) == 12
    assert all(isinstance(loss, float) for loss in clf.batch_loss_curve_)
    # Each epoch's loss is the mean of its batches' losses, weighted by size.
    sizes = np.array([15, 15, 15, 15])
    per_epoch = np.reshape(clf.batch_loss_curve_, (3, 4))
    assert_allclose(per_epoch @ sizes / sizes.sum(), clf.loss_curve_, rtol=1e-6)


def test_partial_fit_counts_each_chunk_and_early_stopping_the_training_split():
    reg = ScratchRNNRegressor(**SMALL)
    reg.partial_fit(X[:40], X[:40, -1, 0]).partial_fit(X[40:], X[40:, -1, 0])
    assert reg.batches_per_epoch_ == [3, 2]
    assert len(reg.batch_loss_curve_) == 5
    clf = ScratchRNNClassifier(
        max_iter=2, early_stopping=True, validation_fraction=0.25, tol=0.0, **SMALL
    ).fit(X, Y)
    assert clf.batches_per_epoch_ == [3, 3]  # 45 training sequences


def test_a_failed_call_leaves_the_batch_losses_as_they_were():
    reg = ScratchRNNRegressor(scale_input=False, scale_target=False, **SMALL)
    reg.partial_fit(X, X[:, -1, 0])
    losses, counts = list(reg.batch_loss_curve_), list(reg.batches_per_epoch_)
    with pytest.raises(TrainingDivergedError):
        reg.partial_fit(X * 1e200, X[:, -1, 0] * 1e200)
    assert reg.batch_loss_curve_ == losses and reg.batches_per_epoch_ == counts


def test_model_files_keep_the_batch_losses(tmp_path):
    clf = ScratchRNNClassifier(max_iter=2, **SMALL).fit(X, Y)
    clf.save(tmp_path / "model.npz")
    loaded = ScratchRNNClassifier.load(tmp_path / "model.npz")
    assert loaded.batch_loss_curve_ == clf.batch_loss_curve_
    assert loaded.batches_per_epoch_ == clf.batches_per_epoch_
    loaded.partial_fit(X[:20], Y[:20])
    assert loaded.batches_per_epoch_ == [4, 4, 2]


def test_a_file_written_before_them_loads_without_them_and_trains_on():
    model = load_model(FORMAT2)
    assert model.batch_loss_curve_ is None and model.batches_per_epoch_ is None
    n_iter = model.n_iter_
    X_model = np.random.RandomState(1).randn(8, 4, model.n_step_features_)
    target = model.predict(X_model)
    model.partial_fit(X_model, target)
    assert model.n_iter_ == n_iter + 1 and model.batch_loss_curve_ is None


def test_a_file_whose_counts_do_not_add_up_is_refused(tmp_path):
    clf = ScratchRNNClassifier(max_iter=2, **SMALL).fit(X, Y)
    clf.batches_per_epoch_ = [4, 3]
    clf.save(tmp_path / "model.npz")
    with pytest.raises(ValueError, match="batches_per_epoch_ does not count"):
        load_model(tmp_path / "model.npz")


# --------------------------------------------------------------- the display
matplotlib = pytest.importorskip("matplotlib")
matplotlib.use("Agg")


def test_the_display_draws_few_epochs_per_batch_with_the_validation_score():
    clf = ScratchRNNClassifier(
        max_iter=2, early_stopping=True, validation_fraction=0.25, tol=0.0, **SMALL
    ).fit(X, Y)
    display = LossCurveDisplay.from_estimator(clf)
    assert_allclose(display.batch_line_.get_xdata(), [1 / 3, 2 / 3, 1, 4 / 3, 5 / 3, 2])
    assert_array_equal(display.batch_line_.get_ydata(), clf.batch_loss_curve_)
    assert_array_equal(display.line_.get_xdata(), [1, 2])
    assert_array_equal(display.validation_line_.get_xdata(), [1, 2])
    labels = [text.get_text() for text in display.ax_.get_legend().get_texts()]
    assert labels == ["Epoch mean", "Mini-batch loss", "Validation accuracy"]
    matplotlib.pyplot.close("all")


def test_the_display_averages_runs_of_batches():
    clf = ScratchRNNClassifier(max_iter=2, tol=0.0, **SMALL).fit(X, Y)
    display = LossCurveDisplay.from_estimator(clf, batch_window=3)
    losses = np.array(clf.batch_loss_curve_)  # 8: two runs of 3, 2 left out
    assert_allclose(display.batch_line_.get_ydata(), losses[:6].reshape(2, 3).mean(1))
    assert_allclose(display.batch_line_.get_xdata(), [0.75, 1.5])
    assert display.batch_line_.get_label() == "Mean of 3 mini-batches"
    many = ScratchRNNClassifier(max_iter=6, tol=0.0, **SMALL).fit(X, Y)
    assert LossCurveDisplay.from_estimator(many).batch_line_ is None  # "auto"
    drawn = LossCurveDisplay.from_estimator(many, per_batch=True)
    assert len(drawn.batch_line_.get_xdata()) == 24
    matplotlib.pyplot.close("all")


def test_per_batch_needs_the_batch_losses():
    model = load_model(FORMAT2)
    assert LossCurveDisplay.from_estimator(model).batch_line_ is None
    with pytest.raises(ValueError, match="per_batch=True needs"):
        LossCurveDisplay.from_estimator(model, per_batch=True)
    matplotlib.pyplot.close("all")
