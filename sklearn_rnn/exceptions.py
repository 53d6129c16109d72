"""Exceptions raised by sklearn_rnn."""

__all__ = ["TrainingDivergedError"]


class TrainingDivergedError(ValueError):
    """Training produced a non-finite loss, gradient or weight.

    The estimator is left as it was before the call that diverged; its
    message names the cause and what to change (``learning_rate_init``,
    ``clip_norm``, ``init`` or ``activation``). With ``early_stopping=True``
    the estimators restore the best epoch's weights instead of raising.

    See Also
    --------
    sklearn_rnn.ScratchRNNClassifier : Raises it from ``fit`` and ``partial_fit``.
    sklearn_rnn.ScratchRNNRegressor : Likewise.

    Examples
    --------
    >>> from sklearn_rnn import TrainingDivergedError
    >>> issubclass(TrainingDivergedError, ValueError)
    True
    """
