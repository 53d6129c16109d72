"""Visual inspection of training: the loss curve display."""

import numpy as np
from sklearn.base import is_classifier
from sklearn.utils._optional_dependencies import check_matplotlib_support
from sklearn.utils.validation import check_is_fitted

__all__ = ["LossCurveDisplay"]


#: ``per_batch="auto"`` draws the mini-batch losses of curves of fewer epochs.
AUTO_BATCH_EPOCHS = 5
#: ``batch_window=None`` averages enough batches to draw at most this many points.
AUTO_BATCH_POINTS = 200


class LossCurveDisplay:
    """Training loss per epoch (and per mini-batch), and the validation score.

    The loss is drawn on the left y-axis against epochs: the mean of each
    epoch, and, when there are few epochs, the loss of the mini-batches
    within them (or means of ``batch_window`` consecutive batches), each at
    its place in its epoch. The validation scores of early stopping
    (``validation_scores_``), if any, are drawn on a twin right y-axis, at
    the end of each epoch. Use :meth:`from_estimator` to build the display
    from a fitted estimator; all parameters are stored as attributes. Needs
    matplotlib (only when plotting).

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
    batch_loss_curve : array-like of shape (n_batches,), default=None
        Training loss of each mini-batch step, in order (an estimator's
        ``batch_loss_curve_``); None draws no mini-batch curve.
    batches_per_epoch : array-like of shape (n_epochs,), default=None
        Number of mini-batch steps of each epoch (``batches_per_epoch_``);
        needed with ``batch_loss_curve``.

    Attributes
    ----------
    line_ : matplotlib.lines.Line2D
        The training loss curve, one point per epoch.
    batch_line_ : matplotlib.lines.Line2D or None
        The mini-batch loss curve, if drawn.
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

    Two epochs of four mini-batches each, drawn per batch and per two batches:

    >>> display = LossCurveDisplay(
    ...     loss_curve=[0.6, 0.4],
    ...     batch_loss_curve=[0.7, 0.6, 0.6, 0.5, 0.5, 0.4, 0.4, 0.3],
    ...     batches_per_epoch=[4, 4],
    ... )
    >>> display.plot().batch_line_.get_xdata().tolist()
    [0.25, 0.5, 0.75, 1.0, 1.25, 1.5, 1.75, 2.0]
    >>> display.plot(batch_window=2).batch_line_.get_ydata().round(2).tolist()
    [0.65, 0.55, 0.45, 0.35]
    """

    def __init__(
        self,
        *,
        loss_curve,
        validation_scores=None,
        score_name="Validation score",
        estimator_name=None,
        batch_loss_curve=None,
        batches_per_epoch=None,
    ):
        self.loss_curve = loss_curve
        self.validation_scores = validation_scores
        self.score_name = score_name
        self.estimator_name = estimator_name
        self.batch_loss_curve = batch_loss_curve
        self.batches_per_epoch = batches_per_epoch

    def plot(
        self,
        ax=None,
        *,
        name=None,
        per_batch="auto",
        batch_window=None,
        loss_kw=None,
        validation_kw=None,
        batch_kw=None,
    ):
        """Draw the curves.

        Parameters
        ----------
        ax : matplotlib.axes.Axes, default=None
            Axes to draw the loss on; None creates a figure and axes.
        name : str, default=None
            Title of the plot; None uses ``estimator_name``.
        per_batch : bool or "auto", default="auto"
            Draw the mini-batch losses: "auto" draws them when they are
            known and there are fewer than 5 epochs (a curve of so few
            points says little of how training went); True requires them.
        batch_window : int or None, default=None
            Draw the mean of each run of this many consecutive mini-batches
            (a run may span two epochs), at the place of its last batch.
            None averages enough batches to draw at most 200 points.
        loss_kw : dict, default=None
            Keyword arguments of ``ax.plot`` for the loss curve.
        validation_kw : dict, default=None
            Keyword arguments of ``ax.plot`` for the validation curve.
        batch_kw : dict, default=None
            Keyword arguments of ``ax.plot`` for the mini-batch curve.

        Returns
        -------
        display : LossCurveDisplay
            This display, with the ``ax_``, ``figure_``, ``line_``... attributes.

        Raises
        ------
        ValueError
            If ``per_batch=True`` without mini-batch losses, or if
            ``batches_per_epoch`` does not count ``batch_loss_curve``.
        """
        check_matplotlib_support(f"{type(self).__name__}.plot")
        import matplotlib.pyplot as plt

        if ax is None:
            _, ax = plt.subplots()
        loss = np.asarray(self.loss_curve, dtype=float)
        epochs = np.arange(1, len(loss) + 1)
        lines = []
        self.batch_line_ = None
        batches = self._batch_points(per_batch, len(loss), batch_window)
        if batches is not None:
            places, batch_losses, label = batches
            (self.batch_line_,) = ax.plot(
                places,
                batch_losses,
                **{
                    "label": label,
                    "color": "tab:blue",
                    "alpha": 0.45,
                    "linewidth": 1,
                    **(batch_kw or {}),
                },
            )
            lines.append(self.batch_line_)
        (self.line_,) = ax.plot(
            epochs,
            loss,
            **{
                "label": "Training loss" if batches is None else "Epoch mean",
                "color": "tab:blue",
                "marker": None if batches is None else "o",
                "linestyle": "-" if batches is None else ":",
                **(loss_kw or {}),
            },
        )
        ax.set(xlabel="Epoch", ylabel="Training loss")
        lines.insert(0, self.line_)
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
                    "marker": None if batches is None else "o",
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

    def _batch_points(self, per_batch, n_epochs, window):
        """``(x, y, label)`` of the mini-batch curve, or None if not drawn."""
        known = self.batch_loss_curve is not None and self.batches_per_epoch is not None
        if per_batch is True and not known:
            raise ValueError(
                "per_batch=True needs batch_loss_curve and batches_per_epoch."
            )
        if not known or per_batch is False:
            return None
        if per_batch == "auto" and n_epochs >= AUTO_BATCH_EPOCHS:
            return None
        losses = np.asarray(self.batch_loss_curve, dtype=float)
        counts = np.asarray(self.batches_per_epoch, dtype=int)
        if counts.sum() != len(losses) or len(losses) == 0:
            raise ValueError(
                f"batches_per_epoch (adding up to {counts.sum()}) must count the "
                f"{len(losses)} values of batch_loss_curve."
            )
        # Batch j (from 1) of an epoch of c batches ends at epoch + j / c.
        places = np.concatenate(
            [
                epoch + np.arange(1, count + 1) / count
                for epoch, count in enumerate(counts)
            ]
        )
        if window is None:
            window = -(-len(losses) // AUTO_BATCH_POINTS)
        if window <= 1:
            return places, losses, "Mini-batch loss"
        ends = np.arange(window, len(losses) + 1, window)
        sums = np.cumsum(losses)[ends - 1]
        means = np.diff(sums, prepend=0.0) / window
        return places[ends - 1], means, f"Mean of {window} mini-batches"

    @classmethod
    def from_estimator(
        cls,
        estimator,
        *,
        ax=None,
        name=None,
        per_batch="auto",
        batch_window=None,
        loss_kw=None,
        validation_kw=None,
        batch_kw=None,
    ):
        """Plot the loss curves and ``validation_scores_`` of a fitted estimator.

        Works with any estimator that has a ``loss_curve_``:
        ``ScratchRNNClassifier``, ``ScratchRNNRegressor`` (which also record
        ``batch_loss_curve_`` and ``batches_per_epoch_``), or scikit-learn's
        ``MLPClassifier`` / ``MLPRegressor`` trained by a stochastic solver.
        For a pipeline, pass its last step (``pipeline[-1]``).

        Parameters
        ----------
        estimator : fitted estimator
            The estimator whose curves are drawn.
        ax : matplotlib.axes.Axes, default=None
            Axes to draw the loss on; None creates a figure and axes.
        name : str, default=None
            Title of the plot; None uses the estimator's class name.
        per_batch : bool or "auto", default="auto"
            Draw the mini-batch losses (see :meth:`plot`).
        batch_window : int or None, default=None
            Mini-batches averaged per point (see :meth:`plot`).
        loss_kw : dict, default=None
            Keyword arguments of ``ax.plot`` for the loss curve.
        validation_kw : dict, default=None
            Keyword arguments of ``ax.plot`` for the validation curve.
        batch_kw : dict, default=None
            Keyword arguments of ``ax.plot`` for the mini-batch curve.

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
            batch_loss_curve=getattr(estimator, "batch_loss_curve_", None),
            batches_per_epoch=getattr(estimator, "batches_per_epoch_", None),
        )
        return display.plot(
            ax=ax,
            name=name,
            per_batch=per_batch,
            batch_window=batch_window,
            loss_kw=loss_kw,
            validation_kw=validation_kw,
            batch_kw=batch_kw,
        )
