"""Visual inspection of training: the loss curve display."""

import numpy as np
from sklearn.base import is_classifier
from sklearn.utils._optional_dependencies import check_matplotlib_support
from sklearn.utils.validation import check_is_fitted

__all__ = ["LossCurveDisplay"]


class LossCurveDisplay:
    """Training loss per epoch, and the validation score when there is one.

    The loss is drawn on the left y-axis; the validation scores of early
    stopping (``validation_scores_``), if any, on a twin right y-axis. Use
    :meth:`from_estimator` to build the display from a fitted estimator; all
    parameters are stored as attributes. Needs matplotlib (only when plotting).

    Parameters
    ----------
    loss_curve : array-like of shape (n_epochs,)
        Mean training loss of each epoch.
    validation_scores : array-like of shape (n_epochs,), default=None
        Validation score of each epoch; None draws no validation line.
    score_name : str, default="Validation score"
        Label of the validation line and of its axis.
    estimator_name : str, default=None
        Title of the plot; None gives no title.

    Attributes
    ----------
    line_ : matplotlib.lines.Line2D
        The training loss curve.
    validation_line_ : matplotlib.lines.Line2D or None
        The validation score curve, on ``validation_ax_``.
    ax_ : matplotlib.axes.Axes
        Axes of the loss curve.
    validation_ax_ : matplotlib.axes.Axes or None
        Twin axes of the validation curve.
    figure_ : matplotlib.figure.Figure

    See Also
    --------
    LossCurveDisplay.from_estimator : Plot the curves of a fitted estimator.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> from sklearn_rnn.inspection import LossCurveDisplay
    >>> display = LossCurveDisplay(loss_curve=[0.7, 0.5, 0.4],
    ...                            validation_scores=[0.6, 0.7, 0.75])
    >>> display = display.plot()
    >>> display.line_.get_ydata().tolist()
    [0.7, 0.5, 0.4]
    >>> display.validation_ax_.get_ylabel()
    'Validation score'
    """

    def __init__(
        self,
        *,
        loss_curve,
        validation_scores=None,
        score_name="Validation score",
        estimator_name=None,
    ):
        self.loss_curve = loss_curve
        self.validation_scores = validation_scores
        self.score_name = score_name
        self.estimator_name = estimator_name

    def plot(self, ax=None, *, name=None, loss_kw=None, validation_kw=None):
        """Draw the curves.

        Parameters
        ----------
        ax : matplotlib.axes.Axes, default=None
            Axes to draw the loss on; None creates a figure and axes.
        name : str, default=None
            Title of the plot; None uses ``estimator_name``.
        loss_kw : dict, default=None
            Keyword arguments of ``ax.plot`` for the loss curve.
        validation_kw : dict, default=None
            Keyword arguments of ``ax.plot`` for the validation curve.

        Returns
        -------
        display : LossCurveDisplay
            This display, with the ``ax_``, ``figure_``, ``line_``... attributes.
        """
        check_matplotlib_support(f"{type(self).__name__}.plot")
        import matplotlib.pyplot as plt

        if ax is None:
            _, ax = plt.subplots()
        loss = np.asarray(self.loss_curve, dtype=float)
        epochs = np.arange(1, len(loss) + 1)
        (self.line_,) = ax.plot(
            epochs,
            loss,
            **{"label": "Training loss", "color": "tab:blue", **(loss_kw or {})},
        )
        ax.set(xlabel="Epoch", ylabel="Training loss")
        lines = [self.line_]
        self.validation_ax_ = self.validation_line_ = None
        if self.validation_scores is not None:
            self.validation_ax_ = ax.twinx()
            scores = np.asarray(self.validation_scores, dtype=float)
            (self.validation_line_,) = self.validation_ax_.plot(
                np.arange(1, len(scores) + 1),
                scores,
                **{
                    "label": self.score_name,
                    "color": "tab:orange",
                    **(validation_kw or {}),
                },
            )
            self.validation_ax_.set_ylabel(self.score_name)
            lines.append(self.validation_line_)
            # draw ``ax`` (and so the legend) above the twin axes
            ax.set_zorder(self.validation_ax_.get_zorder() + 1)
            ax.patch.set_visible(False)
        ax.legend(lines, [line.get_label() for line in lines])
        name = self.estimator_name if name is None else name
        if name is not None:
            ax.set_title(name)
        self.ax_, self.figure_ = ax, ax.figure
        return self

    @classmethod
    def from_estimator(
        cls, estimator, *, ax=None, name=None, loss_kw=None, validation_kw=None
    ):
        """Plot the ``loss_curve_`` and ``validation_scores_`` of a fitted estimator.

        Works with any estimator that has these attributes:
        ``ScratchRNNClassifier``, ``ScratchRNNRegressor``, or scikit-learn's
        ``MLPClassifier`` / ``MLPRegressor`` trained by a stochastic solver.
        For a pipeline, pass its last step (``pipeline[-1]``).

        Parameters
        ----------
        estimator : fitted estimator
        ax : matplotlib.axes.Axes, default=None
            Axes to draw the loss on; None creates a figure and axes.
        name : str, default=None
            Title of the plot; None uses the estimator's class name.
        loss_kw, validation_kw : dict, default=None
            Keyword arguments of ``ax.plot`` for the two curves.

        Returns
        -------
        display : LossCurveDisplay

        Raises
        ------
        sklearn.exceptions.NotFittedError
            If the estimator is not fitted (has no ``loss_curve_``).

        Examples
        --------
        >>> import matplotlib
        >>> matplotlib.use("Agg")
        >>> import numpy as np
        >>> from sklearn_rnn import ScratchRNNClassifier
        >>> from sklearn_rnn.inspection import LossCurveDisplay
        >>> X = np.random.RandomState(0).randn(60, 5)
        >>> clf = ScratchRNNClassifier(hidden_size=4, max_iter=5, early_stopping=True,
        ...                            random_state=0).fit(X, X[:, -1] > 0)
        >>> display = LossCurveDisplay.from_estimator(clf)
        >>> len(display.line_.get_xdata()), display.validation_line_.get_label()
        (5, 'Validation accuracy')
        """
        check_matplotlib_support(f"{cls.__name__}.from_estimator")
        check_is_fitted(estimator, "loss_curve_")
        display = cls(
            loss_curve=estimator.loss_curve_,
            validation_scores=getattr(estimator, "validation_scores_", None),
            score_name="Validation accuracy"
            if is_classifier(estimator)
            else "Validation R²",
            estimator_name=type(estimator).__name__,
        )
        return display.plot(
            ax=ax, name=name, loss_kw=loss_kw, validation_kw=validation_kw
        )
