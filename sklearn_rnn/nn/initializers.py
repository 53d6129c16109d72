"""Weight initializers.

Every initializer has the signature ``init(shape, rng, dtype)`` where ``shape``
is ``(fan_in, fan_out)`` and ``rng`` a :class:`numpy.random.Generator` or
:class:`numpy.random.RandomState`; all randomness comes from ``rng``.

- ``normal``: N(0, 0.01**2), the course's ``np.random.randn(...) * 0.01``.
- ``xavier``: Glorot uniform, U(-l, l) with l = sqrt(6 / (fan_in + fan_out))
  (Keras' default kernel initializer).
- ``he``: N(0, 2 / fan_in), for ReLU layers.
- ``orthogonal``: a (semi-)orthogonal matrix from the QR decomposition of a
  Gaussian matrix, sign-corrected so it is uniformly distributed (Keras'
  default recurrent initializer).

Examples
--------
>>> import numpy as np
>>> from sklearn_rnn.nn.initializers import get_initializer
>>> W = get_initializer("orthogonal")((4, 4), np.random.RandomState(0), np.float64)
>>> np.allclose(W @ W.T, np.eye(4))
True
"""

import numpy as np

#: Rows drawn at a time by :func:`normal` (bounds its float64 scratch).
_CHUNK_ROWS = 2**16


def normal(shape, rng, dtype, std=0.01):
    """Gaussian N(0, std**2) weights.

    Drawn in chunks of rows: the same numbers as one draw of the whole
    shape, without a float64 copy of a large embedding table.
    """
    out = np.empty(shape, dtype=dtype)
    for start in range(0, shape[0], _CHUNK_ROWS):
        rows = out[start : start + _CHUNK_ROWS]
        rows[...] = rng.standard_normal(rows.shape) * std
    return out


def xavier(shape, rng, dtype):
    """Glorot/Xavier uniform weights: U(-l, l), l = sqrt(6 / (fan_in + fan_out))."""
    fan_in, fan_out = shape
    limit = np.sqrt(6.0 / (fan_in + fan_out))
    return rng.uniform(-limit, limit, size=shape).astype(dtype)


def he(shape, rng, dtype):
    """He/Kaiming normal weights: N(0, 2 / fan_in)."""
    return (rng.standard_normal(shape) * np.sqrt(2.0 / shape[0])).astype(dtype)


def orthogonal(shape, rng, dtype):
    """A (semi-)orthogonal matrix: orthonormal rows or columns, whichever fit."""
    rows, cols = shape
    gaussian = rng.standard_normal((max(rows, cols), min(rows, cols)))
    q, r = np.linalg.qr(gaussian)
    # Multiplying each column by the sign of r's diagonal makes q uniformly
    # (Haar) distributed instead of biased by the QR convention.
    q *= np.sign(np.diag(r))
    if rows < cols:
        q = q.T
    return np.ascontiguousarray(q).astype(dtype)


INITIALIZERS = {"normal": normal, "xavier": xavier, "he": he, "orthogonal": orthogonal}


def get_initializer(name):
    """Return the initializer function called ``name``.

    Parameters
    ----------
    name : {"normal", "xavier", "he", "orthogonal"}

    Returns
    -------
    callable
        ``init(shape, rng, dtype) -> ndarray``.
    """
    try:
        return INITIALIZERS[name]
    except KeyError:
        raise ValueError(
            f"Unknown initializer {name!r}; expected one of {sorted(INITIALIZERS)}."
        ) from None
