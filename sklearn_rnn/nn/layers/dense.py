"""Fully connected layer applied over the last axis."""

import numpy as np

from ..activations import get_activation
from ..initializers import get_initializer
from .base import Layer


#: Rows per block of :func:`transposed_product`.
BLOCK_ROWS = 384


def transposed_product(a, b, out):
    """``out = a.T @ b`` for tall ``a`` (K, M) and ``b`` (K, N), K the long axis.

    Weight gradients sum over every (time step, sample) row.  OpenBLAS runs
    such long-K products at a third of its speed on some CPUs (Zen with the
    Haswell kernels: ~11 instead of ~30 GFLOP/s), and so do blocks of 256 or
    512 rows; blocks of ~384 rows run at full speed, and their sum costs
    little.
    """
    np.matmul(a[:BLOCK_ROWS].T, b[:BLOCK_ROWS], out=out)
    if len(a) > BLOCK_ROWS:
        part = np.empty_like(out)
        for start in range(BLOCK_ROWS, len(a), BLOCK_ROWS):
            stop = start + BLOCK_ROWS
            out += np.matmul(a[start:stop].T, b[start:stop], out=part)
    return out


class Dense(Layer):
    """``out = f(x @ W + b)`` over the last axis of ``x``.

    Works on ``(N, D)`` batches and, time-distributed, on ``(T, N, D)``
    sequences: all leading axes are flattened into one GEMM.

    Parameters
    ----------
    input_size, output_size : int
    activation : str, default="identity"
    init : str, default="xavier"
    rng : numpy random generator
    dtype : numpy dtype, default=np.float32

    Examples
    --------
    >>> import numpy as np
    >>> layer = Dense(2, 1, rng=np.random.RandomState(0), dtype=np.float64)
    >>> layer.params[0][:] = [[1.0], [2.0]]
    >>> layer.forward(np.array([[1.0, 1.0]]))
    array([[3.]])
    """

    def __init__(self, input_size, output_size, activation="identity", init="xavier",
                 rng=None, dtype=np.float32):
        super().__init__()
        rng = np.random.RandomState(0) if rng is None else rng
        self.activation = get_activation(activation)
        self.W = get_initializer(init)((input_size, output_size), rng, dtype)
        self.b = np.zeros(output_size, dtype=dtype)
        self.params = [self.W, self.b]
        self.grads = [np.zeros_like(self.W), np.zeros_like(self.b)]

    def forward(self, x, mask=None, training=False):
        self.x = x
        out = x @ self.W
        out += self.b
        self.out = self.activation.forward(out, out=out)
        return self.out

    def backward(self, dout):
        da = self.activation.derivative(self.out)
        da *= dout
        x2d = self.x.reshape(-1, self.x.shape[-1])
        da2d = da.reshape(-1, da.shape[-1])
        transposed_product(x2d, da2d, out=self.grads[0])
        da2d.sum(axis=0, out=self.grads[1])
        if not self.input_grad:
            return None
        return da @ self.W.T
