"""Weight constraints applied after each optimizer step.

:func:`clip_spectral_norm` bounds the largest singular value of a matrix, as
Keras' ``recurrent_constraint`` bounds a recurrent kernel (with a per-unit
norm there; the spectral norm here, which is what bounds a recurrence).  A
linear (``identity``) recurrence ``h_t = x_t Wx + h_{t-1} Wh`` grows like
``||Wh||_2 ** t``: Adam moves every entry of ``Wh`` by about the learning
rate per step, so one step can lift the spectral radius from 1.005 to 1.024,
and 1.024 ** 500 is 1e5 (measured on IMDB, 500-token reviews: a batch loss of
331 for a log-loss that starts at 0.69).  With ``||Wh||_2 <= 1`` the state
grows at most linearly in ``t`` and no step can make it explode.
"""

import numpy as np


def clip_spectral_norm(weight, max_norm):
    """Rescale ``weight`` in place so that its largest singular value is at most
    ``max_norm``; return the norm it had.

    The norm is exact: the square root of the largest eigenvalue of the
    smaller Gram matrix (``W W^T`` of an (H, G*H) kernel is H x H), in
    float64: one small eigenvalue problem per kernel per step, several
    times cheaper than an SVD of the kernel.

    Examples
    --------
    >>> W = np.array([[3.0, 0.0], [0.0, 0.5]])
    >>> float(clip_spectral_norm(W, 1.0))
    3.0
    >>> W
    array([[1.        , 0.        ],
           [0.        , 0.16666667]])
    >>> float(clip_spectral_norm(W, 1.0))           # already within: unchanged
    1.0
    """
    matrix = weight.astype(np.float64)
    gram = (
        matrix @ matrix.T if matrix.shape[0] <= matrix.shape[1] else matrix.T @ matrix
    )
    norm = float(np.sqrt(max(np.linalg.eigvalsh(gram)[-1], 0.0)))
    if norm > max_norm:
        weight *= weight.dtype.type(max_norm / norm)
    return norm
