"""Tests of sklearn_rnn.inspection.LossCurveDisplay."""

import subprocess
import sys

import numpy as np
import pytest
from numpy.testing import assert_array_equal
from sklearn.exceptions import NotFittedError
from sklearn.neural_network import MLPClassifier

from sklearn_rnn import ScratchRNNClassifier, ScratchRNNRegressor
from sklearn_rnn.inspection import LossCurveDisplay

matplotlib = pytest.importorskip("matplotlib")
matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")

X = np.random.RandomState(0).randn(60, 6)
Y = (X[:, -1] > 0).astype(int)


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


def epochs(n):
    return np.arange(1, n + 1)


def test_from_estimator_draws_the_loss_curve_without_validation():
    clf = ScratchRNNClassifier(hidden_size=4, max_iter=6, random_state=0).fit(X, Y)
    display = LossCurveDisplay.from_estimator(clf)
    assert_array_equal(display.line_.get_xdata(), epochs(6))
    assert_array_equal(display.line_.get_ydata(), clf.loss_curve_)
    assert display.ax_.get_xlabel() == "Epoch"
    assert display.ax_.get_ylabel() == "Training loss"
    assert display.ax_.get_title() == "ScratchRNNClassifier"
    assert display.validation_line_ is None and display.validation_ax_ is None
    assert len(display.figure_.axes) == 1
    assert [t.get_text() for t in display.ax_.get_legend().get_texts()] == [
        "Training loss"
    ]


@pytest.mark.parametrize(
    "estimator, score_name",
    [
        (
            ScratchRNNClassifier(
                hidden_size=4, max_iter=5, early_stopping=True, random_state=0
            ),
            "Validation accuracy",
        ),
        (
            ScratchRNNRegressor(
                hidden_size=4, max_iter=5, early_stopping=True, random_state=0
            ),
            "Validation R²",
        ),
    ],
)
def test_early_stopping_adds_the_validation_curve_on_a_twin_axis(estimator, score_name):
    estimator.fit(X, Y)
    display = LossCurveDisplay.from_estimator(estimator)
    n = len(estimator.loss_curve_)
    assert_array_equal(display.line_.get_ydata(), estimator.loss_curve_)
    assert_array_equal(display.validation_line_.get_xdata(), epochs(n))
    assert_array_equal(
        display.validation_line_.get_ydata(), estimator.validation_scores_
    )
    assert display.validation_ax_.get_ylabel() == score_name
    assert display.validation_line_.axes is display.validation_ax_
    assert display.validation_ax_.get_shared_x_axes().joined(
        display.ax_, display.validation_ax_
    )
    legend = [t.get_text() for t in display.ax_.get_legend().get_texts()]
    assert legend == ["Training loss", score_name]
    assert (
        display.ax_.get_zorder() > display.validation_ax_.get_zorder()
    )  # legend on top


def test_plot_on_given_axes_with_style_and_name(tmp_path):
    fig, (left, right) = plt.subplots(1, 2)
    display = LossCurveDisplay(
        loss_curve=[3.0, 2.0, 1.5],
        validation_scores=[0.1, 0.4, 0.5],
        estimator_name="stored name",
    )
    display.plot(
        ax=right,
        name="my run",
        loss_kw={"color": "red", "label": "loss"},
        validation_kw={"linestyle": "--"},
    )
    assert display.ax_ is right and display.figure_ is fig
    assert display.ax_.get_title() == "my run"
    assert display.line_.get_color() == "red" and display.line_.get_label() == "loss"
    assert display.validation_line_.get_linestyle() == "--"
    assert left.get_lines() == []
    display.figure_.savefig(tmp_path / "loss.png")
    assert (tmp_path / "loss.png").read_bytes().startswith(b"\x89PNG")


def test_stored_name_is_the_default_title():
    display = LossCurveDisplay(loss_curve=[1.0], estimator_name="stored name").plot()
    assert display.ax_.get_title() == "stored name"
    assert LossCurveDisplay(loss_curve=[1.0]).plot().ax_.get_title() == ""


def test_works_with_sklearn_mlp():
    mlp = MLPClassifier(hidden_layer_sizes=(3,), max_iter=4, random_state=0).fit(X, Y)
    display = LossCurveDisplay.from_estimator(mlp)
    assert_array_equal(display.line_.get_ydata(), mlp.loss_curve_)
    assert display.validation_line_ is None


def test_unfitted_estimator_raises_not_fitted():
    with pytest.raises(NotFittedError):
        LossCurveDisplay.from_estimator(ScratchRNNClassifier())


def test_module_imports_without_matplotlib():
    code = (
        "import sys; sys.modules['matplotlib'] = None\n"
        "from sklearn_rnn.inspection import LossCurveDisplay\n"
        "try:\n"
        "    LossCurveDisplay(loss_curve=[1.0]).plot()\n"
        "except ImportError as exc:\n"
        "    print(exc)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert "LossCurveDisplay.plot requires matplotlib" in result.stdout
