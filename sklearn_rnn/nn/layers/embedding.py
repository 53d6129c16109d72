"""Token embedding: integer ids -> dense vectors, with a row-sparse gradient."""

import numpy as np
from scipy.sparse import csr_matrix

from ..initializers import get_initializer
from .base import Layer


class Embedding(Layer):
    """Look up row ``ids[t, n]`` of a ``(vocab_size, dim)`` table.

    Id 0 is padding: it marks masked steps (see :meth:`compute_mask`) and its
    row never receives a gradient.  The backward pass touches only the rows
    used by the batch: gradients of repeated ids are summed after one sort,
    as a sparse product (``np.add.at`` would be two orders of magnitude
    slower).  The ids themselves have no gradient: the layer is the first of
    a network, and its :meth:`backward` returns None.

    Parameters
    ----------
    vocab_size : int
        Rows of the table: ids run from 0 (padding) to ``vocab_size - 1``.
    dim : int
        Features per token, the width of the table.
    init : str, default="normal"
        Initializer of the table, unless ``weights`` is given.
    rng : numpy.random.RandomState, default=None
        Source of the initial table; None uses ``RandomState(0)``.
    dtype : numpy dtype, default=np.float32
        Dtype of the table and of the output.
    weights : array of shape (vocab_size, dim), default=None
        The initial table (e.g. pretrained word vectors), copied in ``dtype``,
        as PyTorch's ``nn.Embedding.from_pretrained``.
    trainable : bool, default=True
        False freezes the table (Keras' ``trainable=False``, PyTorch's
        ``freeze=True``): the backward pass gives it no gradient rows, so no
        optimizer step, clipping or checkpoint ever touches it. It may be
        changed between training calls.

    Attributes
    ----------
    embeddings : ndarray of shape (vocab_size, dim)
        The table: ``torch.nn.Embedding``'s ``weight``.

    See Also
    --------
    sklearn_rnn.text.SequenceVectorizer : Texts to the padded id sequences
        this layer reads.
    Recurrent : The recurrent layer that reads the vectors.

    Examples
    --------
    >>> import numpy as np
    >>> emb = Embedding(4, 2, dtype=np.float64)
    >>> emb.embeddings[:] = np.arange(8.0).reshape(4, 2)
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

    A frozen table from given vectors has no gradient rows:

    >>> table = emb.embeddings
    >>> frozen = Embedding(4, 2, weights=table, trainable=False, dtype=np.float64)
    >>> _ = frozen.forward(np.array([[3], [2]]), training=True)
    >>> _ = frozen.backward(np.ones((2, 1, 2)))
    >>> frozen.gradient_rows, frozen.embeddings is table
    (array([], dtype=int64), False)
    """

    input_grad = False
    param_names = ("embeddings",)
    role = "embedding"
    row_sparse = True
    _persistent_arrays = ("touched_rows",)

    def __init__(
        self,
        vocab_size,
        dim,
        init="normal",
        rng=None,
        dtype=np.float32,
        weights=None,
        trainable=True,
    ):
        super().__init__()
        if weights is None:
            rng = np.random.RandomState(0) if rng is None else rng
            self.embeddings = get_initializer(init)((vocab_size, dim), rng, dtype)
        elif np.shape(weights) != (vocab_size, dim):
            raise ValueError(
                f"weights has shape {np.shape(weights)}; expected (vocab_size, dim) "
                f"= {(vocab_size, dim)}."
            )
        else:  # a copy: training never writes to the caller's array
            self.embeddings = np.array(weights, dtype=dtype)
        self.trainable = trainable
        self.params = [self.embeddings]
        # np.zeros, not zeros_like: calloc'd pages stay unmapped until a
        # row is touched, so a 2**21-row table's gradient costs what a batch uses.
        self.grads = [np.zeros(self.embeddings.shape, self.embeddings.dtype)]
        self.touched_rows = np.empty(0, dtype=np.intp)

    @staticmethod
    def compute_mask(ids):
        """The padding mask of an id array: false where ``ids == 0``.

        The one definition of padding for token ids; the estimators' input
        validation uses it.

        Parameters
        ----------
        ids : ndarray of int
            Token ids, such as a ``(T, N)`` time-major batch.

        Returns
        -------
        ndarray of bool
            Of the shape of ``ids``: true on real tokens, false on padding.
        """
        return ids != 0

    @property
    def gradient_rows(self):
        """The rows with a gradient after :meth:`backward` (never row 0)."""
        rows = self.touched_rows
        return rows[1:] if len(rows) and rows[0] == 0 else rows

    def forward(self, ids, mask=None, training=False):
        """Look up the vectors of ``ids``.

        Parameters
        ----------
        ids : ndarray of int
            Token ids, usually a ``(T, N)`` time-major batch; padding is 0.
        mask : ndarray of shape (T, N) of bool, default=None
            Unused: padding looks up row 0 like any id.
        training : bool, default=False
            Whether to keep ``ids`` for :meth:`backward`.

        Returns
        -------
        out : ndarray of shape ``(*ids.shape, dim)``
            Row ``ids[t, n]`` of the table at ``out[t, n]``.
        """
        if training:  # inference keeps nothing on the layer (thread safety)
            self.ids = ids
        return self.embeddings[ids]

    def backward(self, dout):
        """Write the gradient rows of the ids of the last training pass.

        Rows 0 (padding) and the rows no id used are left at zero (the rows
        of the previous call are cleared first); ``touched_rows`` records the
        rows written.  A frozen table (``trainable=False``) gets none.

        Parameters
        ----------
        dout : ndarray of shape ``(*ids.shape, dim)``
            The gradient of the loss w.r.t. the output of that pass.

        Returns
        -------
        None
            Ids have no gradient.
        """
        grad = self.grads[0]
        grad[self.touched_rows] = 0.0
        flat_ids = self.ids.ravel()
        if not flat_ids.size or not self.trainable:
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

    def torch_parameters(self):
        """The table as ``torch.nn.Embedding`` names it.

        Returns
        -------
        dict of str to ndarray
            ``weight`` is ``embeddings``, of shape (vocab_size, dim).
        """
        return {"weight": self.embeddings}
