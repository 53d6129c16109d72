"""Token embedding: integer ids -> dense vectors, with a row-sparse gradient."""

import numpy as np
from scipy.sparse import csr_matrix

from ..initializers import get_initializer
from .base import Layer


class Embedding(Layer):
    """Look up row ``ids[t, n]`` of a ``(vocab_size, dim)`` table.

    Id 0 is padding: it marks masked steps (see :meth:`compute_mask`) and its
    row never receives a gradient.  The backward pass touches only the rows
    used by the batch: gradients of repeated ids are summed after one sort, as a sparse
    product (``np.add.at`` would be two orders of magnitude slower).

    Parameters
    ----------
    vocab_size, dim : int
    init : str, default="normal"
    rng : numpy random generator
    dtype : numpy dtype, default=np.float32

    Examples
    --------
    >>> import numpy as np
    >>> emb = Embedding(4, 2, dtype=np.float64)
    >>> emb.W[:] = np.arange(8.0).reshape(4, 2)
    >>> emb.forward(np.array([[3], [0]]))[:, 0]
    array([[6., 7.],
           [0., 1.]])
    >>> _ = emb.forward(np.array([[3], [0]]), training=True)
    >>> _ = emb.backward(np.ones((2, 1, 2)))
    >>> emb.grads[0]
    array([[0., 0.],
           [0., 0.],
           [0., 0.],
           [1., 1.]])
    """

    input_grad = False
    param_names = ("embeddings",)
    row_sparse = True
    _persistent_arrays = ("touched_rows",)

    def __init__(self, vocab_size, dim, init="normal", rng=None, dtype=np.float32):
        super().__init__()
        rng = np.random.RandomState(0) if rng is None else rng
        self.W = get_initializer(init)((vocab_size, dim), rng, dtype)
        self.params = [self.W]
        # np.zeros, not zeros_like: calloc'd pages stay unmapped until a
        # row is touched, so a 2**21-row table's gradient costs what a batch uses.
        self.grads = [np.zeros(self.W.shape, self.W.dtype)]
        self.touched_rows = np.empty(0, dtype=np.intp)

    @staticmethod
    def compute_mask(ids):
        """The padding mask of an id array: false where ``ids == 0``.

        The one definition of padding for token ids; the estimators' input
        validation uses it.
        """
        return ids != 0

    @property
    def gradient_rows(self):
        """The rows with a gradient after :meth:`backward` (never row 0)."""
        rows = self.touched_rows
        return rows[1:] if len(rows) and rows[0] == 0 else rows

    def forward(self, ids, mask=None, training=False):
        if training:  # inference keeps nothing on the layer (thread safety)
            self.ids = ids
        return self.W[ids]

    def backward(self, dout):
        grad = self.grads[0]
        grad[self.touched_rows] = 0.0
        flat_ids = self.ids.ravel()
        if not flat_ids.size:
            self.touched_rows = flat_ids[:0]
            return None
        # Group equal ids with one stable sort; 16-bit keys sort by radix.
        keys = flat_ids.astype(np.uint16) if len(grad) <= 2**16 else flat_ids
        order = np.argsort(keys, kind="stable")
        sorted_ids = flat_ids[order]
        starts = np.flatnonzero(np.r_[True, sorted_ids[1:] != sorted_ids[:-1]])
        rows = sorted_ids[starts]
        # Sum the gradient rows of each id: a (rows, N*T) 0/1 matrix in CSR
        # form times dout, much faster than np.add.reduceat over axis 0.
        summing = csr_matrix(
            (np.ones(len(order), dtype=grad.dtype), order, np.r_[starts, len(order)]),
            shape=(len(rows), len(order)),
        )
        sums = summing @ dout.reshape(len(order), -1)
        skip = int(rows[0] == 0)  # padding (id 0, sorted first) gets no gradient
        grad[rows[skip:]] = sums[skip:]
        self.touched_rows = rows
        return None
