"""Ragged input: sequences of different lengths, and their padding.

A list or tuple of sequences of different lengths (or of different
dimensions, such as a (5,) and a (5, 1) array) is ragged; a 1-D object
array or a pandas Series of sequences is read as the list of its items.
Ragged input is post-padded into one array, and the padding is marked.
"""

from contextlib import contextmanager

import numpy as np
from scipy.sparse import issparse
from sklearn.utils.validation import check_array

from ._text_values import check_not_text


@contextmanager
def rectangular(what):
    """Report NumPy's "setting an array element with a sequence" (nested lists
    of different lengths) as a ValueError that names ``what``."""
    try:
        yield
    except ValueError as exc:
        if not any(
            phrase in str(exc)
            for phrase in ("setting an array element", "could not broadcast")
        ):
            raise
        raise ValueError(
            f"{what} is not an array of numbers: its steps differ in length or "
            "nest further. Sequences of different lengths go in a list of arrays, "
            "each (n_timesteps_i,) or (n_timesteps_i, n_features)."
        ) from None


def as_sequence_list(X):
    """``X`` as a list if it is a 1-D object array or a pandas Series of
    sequences (arrays or lists, one per sample), else ``X`` itself.

    Examples
    --------
    >>> as_sequence_list(np.array([np.zeros(2), np.zeros(3)], dtype=object))
    [array([0., 0.]), array([0., 0., 0.])]
    """
    dtype = getattr(X, "dtype", None)
    if getattr(X, "ndim", None) != 1 or getattr(dtype, "kind", None) != "O":
        return X
    items = list(X)
    if items and all(
        hasattr(item, "__len__") and not isinstance(item, (str, bytes))
        for item in items
    ):
        return items
    return X


def is_ragged(X):
    """True if ``X`` is a list or tuple of sequences of different lengths, or of
    arrays of different shapes."""
    if not isinstance(X, (list, tuple)) or len(X) == 0:
        return False
    try:
        lengths = {len(item) for item in X}
    except TypeError:
        return False
    shapes = {item.shape for item in X if hasattr(item, "shape")}
    return len(lengths) > 1 or len(shapes) > 1


def pad_ragged(items, dtype, name="X"):
    """Post-pad a list of arrays (each (T_i,) or (T_i, D)) into one array.

    Returns
    -------
    padded : ndarray of shape (N, T_max) or (N, T_max, D)
    valid : ndarray of bool, shape (N, T_max)

    Examples
    --------
    >>> padded, valid = pad_ragged([[1, 2, 3], [4]], np.int64)
    >>> padded
    array([[1, 2, 3],
           [4, 0, 0]])
    >>> valid
    array([[ True,  True,  True],
           [ True, False, False]])
    """
    arrays = []
    for i, item in enumerate(items):
        if dtype is not None:  # None: labels, which may be strings
            check_not_text(item, f"sequence {i} of {name}")
        with rectangular(f"Sequence {i} of a ragged {name}"):
            arr = check_array(
                item,
                ensure_2d=False,
                dtype=dtype,
                ensure_min_samples=0,
                input_name=name,
            )
        if arr.ndim not in (1, 2):
            raise ValueError(
                f"Each sequence of a ragged {name} must be 1-D (n_timesteps,) or 2-D "
                f"(n_timesteps, n_features); sequence {i} has shape {arr.shape}."
            )
        arrays.append(arr)
    trailing = {arr.shape[1:] for arr in arrays}
    if len(trailing) > 1:
        raise ValueError(
            f"All sequences of a ragged {name} must have the same number of features "
            f"per time step; got trailing shapes {sorted(trailing)}."
        )
    lengths = np.array([len(arr) for arr in arrays])
    t_max = int(lengths.max())
    if t_max == 0:
        raise ValueError(f"Every sequence of {name} is empty (0 time steps).")
    padded = np.zeros((len(arrays), t_max) + trailing.pop(), dtype=arrays[0].dtype)
    for row, arr in zip(padded, arrays):
        row[: len(arr)] = arr
    return padded, np.arange(t_max) < lengths[:, None]


def float_sequences(X, owner, n_features=None):
    """``X`` as float64 sequences for a sequence transformer.

    Parameters
    ----------
    X : array-like of shape (n_samples, n_timesteps[, n_features]) or list
        A 3-D array, a 2-D array of univariate sequences, or a list of 1-D
        or 2-D arrays of their own lengths (ragged).
    owner : str
        The transformer's name, for the error message.
    n_features : int, default=None
        The features per time step the fitted transformer expects (None:
        any, as in ``fit``).

    Returns
    -------
    values : ndarray of float64, shape (n_samples, n_timesteps, n_features)
        A list post-padded with zeros.
    valid : ndarray of bool, shape (n_samples, n_timesteps)
        False on a list's padding.
    form : {"list", "2d", "3d"}
        The form ``X`` came in, so that a result can be given back in it.

    Examples
    --------
    >>> values, valid, form = float_sequences([[1, 2], [3]], "T")
    >>> values[:, :, 0], valid[1], form
    (array([[1., 2.],
           [3., 0.]]), array([ True, False]), 'list')
    """
    if issparse(X):
        raise TypeError(
            f"{owner} does not take sparse input: sequences are dense arrays "
            "(call .toarray() on a sparse matrix of univariate sequences)."
        )
    if is_ragged(X) or (isinstance(X, list) and X and np.ndim(X[0]) == 2):
        values, valid = pad_ragged(X, np.float64)
        form = "list"
    else:
        values = _float_array(X, owner)
        valid = np.ones(values.shape[:2], dtype=bool)
        form = "2d" if values.ndim == 2 else "3d"
    if values.ndim == 2:  # univariate sequences (N, T)
        values = values[:, :, None]
    if n_features is not None and values.shape[2] != n_features:
        raise ValueError(
            f"X has {values.shape[2]} features per time step, but {owner} was "
            f"fitted with {n_features}."
        )
    return values, valid, form


def _float_array(X, owner):
    """``X`` as a 2-D or 3-D float64 array of sequences, or a clear error."""
    check_not_text(X, "X")
    values = np.asarray(X)
    if np.iscomplexobj(values):
        raise ValueError(f"Complex data not supported: {owner} takes real numbers.")
    values = values.astype(np.float64, copy=False)
    if values.ndim not in (2, 3):
        raise ValueError(
            f"{owner} expects sequences: a 3-D array (n_samples, "
            "n_timesteps, n_features), a 2-D array (n_samples, n_timesteps) or a "
            f"list of arrays; got an array of shape {values.shape}. Reshape your "
            "data: a single sequence is X[None] (or [x])."
        )
    if 0 in values.shape[:2]:
        empty = "0 sample(s)" if len(values) == 0 else "0 time step(s)"
        if values.ndim == 2 and len(values):  # the columns of a table
            empty = "0 feature(s)"
        raise ValueError(
            f"Found array with {empty} (shape={values.shape}) while a minimum of 1 "
            f"is required by {owner}: sequences need samples and time steps."
        )
    return values
