"""Generators for the course's sequence tasks: binary addition and counting ones."""

import numpy as np
from sklearn.utils import check_random_state


def _bits(numbers, n_bits):
    """Bits of ``numbers``, least significant first: shape (len, n_bits)."""
    return (np.asarray(numbers)[:, None] >> np.arange(n_bits)) & 1


def encode_binary_addition(a, b, n_bits=8):
    """Encode the sums ``a + b`` as a sequence task.

    Parameters
    ----------
    a, b : array-like of int, shape (n_samples,)
        Non-negative addends with ``a + b < 2**n_bits``.
    n_bits : int, default=8

    Returns
    -------
    X : ndarray of shape (n_samples, n_bits, 2)
        At step t, bit t of a and bit t of b (least significant first, so the
        carry flows forward in time).
    y : ndarray of shape (n_samples, n_bits)
        Bit t of a + b.

    Examples
    --------
    >>> X, y = encode_binary_addition([3], [1], n_bits=4)
    >>> X[0].T
    array([[1, 1, 0, 0],
           [1, 0, 0, 0]])
    >>> y[0]
    array([0, 0, 1, 0])
    """
    a, b = np.asarray(a, dtype=np.int64), np.asarray(b, dtype=np.int64)
    if a.shape != b.shape or a.ndim != 1:
        raise ValueError("a and b must be 1-D arrays of the same length.")
    if (a < 0).any() or (b < 0).any() or (a + b >= 2**n_bits).any():
        raise ValueError(f"Need 0 <= a, b and a + b < 2**n_bits = {2**n_bits}.")
    X = np.stack([_bits(a, n_bits), _bits(b, n_bits)], axis=2)
    return X, _bits(a + b, n_bits)


def decode_bits(bits):
    """Integers from bit sequences (least significant first) of shape (n, n_bits).

    Examples
    --------
    >>> decode_bits([[0, 0, 1, 0], [1, 1, 1, 1]])
    array([ 4, 15])
    """
    bits = np.asarray(bits, dtype=np.int64)
    return bits @ (1 << np.arange(bits.shape[1]))


def make_binary_addition(n_samples=1000, n_bits=8, *, random_state=None):
    """Random pairs ``a, b < 2**(n_bits - 1)`` and the bits of their sums.

    The course's task: an RNN reads the two numbers bit by bit, least
    significant first, and outputs the bits of the sum, which needs it to
    remember the carry.

    Parameters
    ----------
    n_samples : int, default=1000
    n_bits : int, default=8
    random_state : int, RandomState instance or None, default=None

    Returns
    -------
    X : ndarray of shape (n_samples, n_bits, 2)
    y : ndarray of shape (n_samples, n_bits)

    Examples
    --------
    >>> X, y = make_binary_addition(5, random_state=0)
    >>> X.shape, y.shape
    ((5, 8, 2), (5, 8))
    >>> total = decode_bits(X[:, :, 0]) + decode_bits(X[:, :, 1])
    >>> bool((decode_bits(y) == total).all())
    True
    """
    rng = check_random_state(random_state)
    half = 2 ** (n_bits - 1)
    return encode_binary_addition(
        rng.randint(0, half, n_samples), rng.randint(0, half, n_samples), n_bits
    )


def make_count_ones(n_samples=1000, length=10, *, random_state=None):
    """Binary sequences and the number of ones in each.

    The course solves this with a linear RNN of one unit: ``h_t = h_{t-1} + x_t``,
    input weight 1 and recurrent weight 1.

    Parameters
    ----------
    n_samples : int, default=1000
    length : int, default=10
    random_state : int, RandomState instance or None, default=None

    Returns
    -------
    X : ndarray of shape (n_samples, length), float
        Univariate 0/1 sequences.
    y : ndarray of shape (n_samples,), float
        The count of ones of each sequence.

    Examples
    --------
    >>> X, y = make_count_ones(3, length=4, random_state=0)
    >>> X
    array([[0., 1., 1., 0.],
           [1., 1., 1., 1.],
           [1., 1., 1., 0.]])
    >>> y
    array([2., 4., 3.])
    """
    rng = check_random_state(random_state)
    X = rng.randint(0, 2, size=(n_samples, length)).astype(float)
    return X, X.sum(axis=1)
