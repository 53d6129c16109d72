"""Generators for the course's sequence tasks: binary addition and counting ones."""

import numpy as np
from sklearn.utils import check_random_state


def _bits(numbers, n_bits):
    """Bits of ``numbers``, least significant first: shape (len, n_bits)."""
    return (np.asarray(numbers)[:, None] >> np.arange(n_bits)) & 1


def encode_binary_addition(a, b, n_bits=8):
    """Encode the sums ``a + b`` as a sequence task.

    Each pair of numbers becomes a sequence of ``n_bits`` steps of two
    features, their bits, least significant first; the target is the
    sequence of the bits of their sum.  :func:`decode_bits` reads the
    numbers back.

    Parameters
    ----------
    a, b : array-like of int, shape (n_samples,)
        Non-negative addends with ``a + b < 2**n_bits``.
    n_bits : int, default=8
        The number of bits, hence of time steps.

    Returns
    -------
    X : ndarray of shape (n_samples, n_bits, 2)
        At step t, bit t of a and bit t of b (least significant first, so the
        carry flows forward in time).
    y : ndarray of shape (n_samples, n_bits)
        Bit t of a + b.

    Raises
    ------
    ValueError
        If ``a`` and ``b`` are not 1-D of one length, an addend is negative,
        or a sum does not fit in ``n_bits`` bits.

    See Also
    --------
    make_binary_addition : Random addends, encoded.
    decode_bits : The numbers back from their bits.

    Examples
    --------
    >>> from sklearn_rnn.datasets import encode_binary_addition
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
    """Decode bit sequences, least significant bit first, into integers.

    The inverse of the encoding of :func:`encode_binary_addition`: bit ``t``
    of a sequence is worth ``2**t``.  It reads the targets, and the
    predictions, of the binary-addition task.

    Parameters
    ----------
    bits : array-like of int, shape (n_samples, n_bits)
        The 0/1 bits of each number, least significant first.

    Returns
    -------
    ndarray of shape (n_samples,)
        The numbers, as int64.

    See Also
    --------
    encode_binary_addition : Numbers into bit sequences.

    Examples
    --------
    >>> from sklearn_rnn.datasets import decode_bits
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
        The number of sums.
    n_bits : int, default=8
        Bits of each sequence, hence its time steps; the addends have
        ``n_bits - 1`` bits, so their sum fits.
    random_state : int, RandomState instance or None, default=None
        Seeds the addends (drawn uniformly).

    Returns
    -------
    X : ndarray of shape (n_samples, n_bits, 2)
        At step t, bit t of a and bit t of b (least significant first).
    y : ndarray of shape (n_samples, n_bits)
        Bit t of a + b.

    See Also
    --------
    encode_binary_addition : The encoding of given addends.
    make_count_ones : The other task of the course.

    Examples
    --------
    >>> from sklearn_rnn.datasets import decode_bits, make_binary_addition
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
        The number of sequences.
    length : int, default=10
        Time steps of each sequence.
    random_state : int, RandomState instance or None, default=None
        Seeds the bits (each 0 or 1 with probability 1/2).

    Returns
    -------
    X : ndarray of shape (n_samples, length), float
        Univariate 0/1 sequences.
    y : ndarray of shape (n_samples,), float
        The count of ones of each sequence.

    See Also
    --------
    make_binary_addition : The other task of the course.

    Examples
    --------
    >>> from sklearn_rnn.datasets import make_count_ones
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
