"""Numbers written as text are not numbers: inputs that hold strings are refused.

NumPy parses numeric strings when an array is cast to float (``"1.5"``
becomes 1.5, ``"1e400"`` infinity), so a float ``dtype`` passed to
``check_array`` would silently read text as numbers.  scikit-learn's
``dtype="numeric"`` refuses string data, and the README says the estimators
do; this check refuses it whatever the dtype asked for.
"""

import numpy as np

#: Array kinds that cannot hold text.
_NUMERIC_KINDS = frozenset("biufcmM")


def _first_text(values):
    """The first str or bytes element of an object array, or None."""
    return next(
        (value for value in values.flat if isinstance(value, (str, bytes))), None
    )


def check_not_text(X, name):
    """Raise a ValueError naming ``name`` if ``X`` holds strings or bytes.

    ``X`` may be an array, a pandas object, a list or a scalar; a ragged list
    passes (its items are checked one by one by whoever reads them).

    Examples
    --------
    >>> check_not_text([[1.0, 2.0]], "X")
    >>> check_not_text(np.array([["1.5", "2"]]), "X")
    Traceback (most recent call last):
    ...
    ValueError: X holds text ('1.5'): numbers written as strings are not parsed. ...
    """
    dtypes = getattr(X, "dtypes", None)
    if dtypes is not None and not hasattr(X, "dtype"):  # a DataFrame
        if all(
            isinstance(dtype, np.dtype) and dtype.kind in _NUMERIC_KINDS
            for dtype in dtypes
        ):
            return
        values = np.asarray(X, dtype=object)
    elif isinstance(getattr(X, "dtype", None), np.dtype):
        if X.dtype.kind in _NUMERIC_KINDS:
            return
        values = np.asarray(X)
    else:  # lists, pandas extension dtypes, scalars
        try:
            values = np.asarray(X, dtype=object)
        except ValueError:  # nested sequences of different shapes: checked later
            return
    if values.dtype.kind in "USV":
        text = values.flat[0] if values.size else ""
    elif values.dtype.kind == "O":
        text = _first_text(values)
    else:
        return
    if text is None:
        return
    if isinstance(text, np.generic):
        text = text.item()
    raise ValueError(
        f"{name} holds text ({text!r}): numbers written as strings are not parsed. "
        f"Pass numbers (e.g. np.asarray({name}, dtype=float) if the strings are "
        "numbers)."
    )
