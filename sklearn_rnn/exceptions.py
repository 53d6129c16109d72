"""Exceptions raised by sklearn_rnn."""


class TrainingDivergedError(ValueError):
    """Training produced a non-finite loss or gradient.

    The estimator is left as it was before the call that diverged; its
    message names the cause and what to change (``learning_rate_init``,
    ``clip_norm``, ``init`` or ``activation``).
    """
