"""A parameter constraint for plain numbers, stricter than scikit-learn's ``Interval``.

``Interval(Integral, ...)`` accepts ``True`` (a bool is an int) and
``Interval(Real, ...)`` accepts ``Fraction(1, 100)`` (a ``numbers.Real``);
neither is a number NumPy computes with, and both failed far from the
parameter (``hidden_size=True``: "an integer is required";
``learning_rate_init=Fraction(1, 100)``: "ufunc 'isnan' not supported").
:class:`Number` refuses them up front, with scikit-learn's message that
names the parameter.

Examples
--------
>>> from numbers import Integral
>>> Number(Integral, 1, None, closed="left").is_satisfied_by(True)
False
"""

from numbers import Integral

import numpy as np
from sklearn.utils._param_validation import Interval


class Number(Interval):
    """An :class:`~sklearn.utils._param_validation.Interval` of Python or NumPy
    ints (and, for ``Real``, floats): never a bool, a ``Fraction`` or a
    ``Decimal``."""

    def is_satisfied_by(self, val):
        kinds = (
            (int, np.integer)
            if self.type is Integral
            else (int, float, np.integer, np.floating)
        )
        return (
            isinstance(val, kinds)
            and not isinstance(val, (bool, np.bool_))
            and val in self
        )
