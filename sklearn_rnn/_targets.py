"""Target checks shared by the estimators."""

from numbers import Number

import numpy as np
from sklearn.utils.validation import check_array

from ._ragged import is_ragged, pad_ragged


def check_target_length(y, sequences):
    """Raise a ValueError unless ``y`` has one entry per sequence."""
    if len(y) != len(sequences.values):
        raise ValueError(
            f"X and y have inconsistent numbers of samples: {len(sequences.values)} "
            f"sequences but {len(y)} targets."
        )


def per_step_target(y, sequences, dtype):
    """Validate per-time-step targets (``return_sequences=True``).

    Parameters
    ----------
    y : array-like of shape (n_samples, n_timesteps[, n_outputs]) or list
        A ragged list must match the lengths of a ragged ``X``.
    sequences : Sequences
        The validated input.
    dtype : dtype or None
        None keeps the labels' own type (classification).

    Returns
    -------
    y : ndarray of shape (n_samples, n_timesteps[, n_outputs])
    valid : ndarray of bool, shape (n_samples, n_timesteps)
        The steps that count: not padding.
    """
    if is_ragged(y):
        y, _ = pad_ragged(y, dtype, name="y")
    else:
        y = check_array(y, ensure_2d=False, allow_nd=True, dtype=dtype, input_name="y")
    check_target_length(y, sequences)
    n, t = sequences.values.shape[:2]
    if y.ndim < 2 or y.shape[1] != t:
        raise ValueError(
            f"With return_sequences=True, y needs one target per time step: shape "
            f"({n}, {t}) or ({n}, {t}, n_outputs); got {y.shape}."
        )
    valid = np.ones((n, t), dtype=bool) if sequences.mask is None else sequences.mask
    return y, valid


def check_label_types(labels, name="y"):
    """Raise a ValueError if ``labels`` hold None or mix strings with numbers.

    NumPy gives such labels an object dtype, and sorting them (to find the
    classes) failed with "'<' not supported between instances...".

    Examples
    --------
    >>> check_label_types(np.array(["cat", None], dtype=object))
    Traceback (most recent call last):
    ...
    ValueError: y holds None, a missing label; give every sample a label.
    """
    values = np.asarray(labels, dtype=object) if np.ndim(labels) else None
    if values is None or values.dtype.kind != "O":
        return
    kinds = set()
    for value in values.flat:
        if value is None:
            raise ValueError(
                f"{name} holds None, a missing label; give every sample a label."
            )
        kinds.add(
            "strings"
            if isinstance(value, (str, bytes))
            else "numbers"
            if isinstance(value, Number)
            else type(value).__name__
        )
    if len(kinds) > 1:
        raise ValueError(
            f"{name} mixes labels of different types ({' and '.join(sorted(kinds))});"
            " use labels of one type (all strings, or all numbers)."
        )
