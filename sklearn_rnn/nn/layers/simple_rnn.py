"""The Elman recurrent layer (SimpleRNN) with backpropagation through time."""

import numpy as np

from ..cells import SimpleRNNCell
from .recurrent import Recurrent


class SimpleRNN(Recurrent):
    """Elman RNN: ``a_t = x_t Wx + h_{t-1} Wh + b``, ``h_t = f(a_t)``, ``h_0 = 0``.

    The course's model: a :class:`~sklearn_rnn.nn.layers.recurrent.Recurrent`
    loop over a :class:`~sklearn_rnn.nn.cells.SimpleRNNCell`.  Input ``x`` is
    time-major ``(T, N, D)``; the output is every hidden state, ``(T, N, H)``.
    On a padding step (``mask[t, n]`` false) the state is carried over
    unchanged, ``h_t = h_{t-1}``, so padding, before or after the sequence,
    never changes a result: the last state is the state after the last real
    step, and an all-padding sequence keeps ``h = 0``.

    Parameters
    ----------
    input_size : int
        D, the number of features per time step.
    hidden_size : int
        H, the number of recurrent units.
    activation : {"tanh", "sigmoid", "relu", "identity"}, default="tanh"
    init : str, default="xavier"
        Initializer of the input kernel ``Wx`` (D, H), named ``kernel``.
    recurrent_init : str, default="orthogonal"
        Initializer of the recurrent kernel ``Wh`` (H, H), named
        ``recurrent_kernel``; ``b`` is named ``bias``.
    bptt_truncate : int or None, default=None
        Truncated BPTT: gradients do not flow across the boundaries of
        consecutive windows of this many steps (the state itself does), as
        when PyTorch users ``detach()`` the state every k steps.
    rng : numpy.random.RandomState, default=None
        Source of the initial weights; None uses ``RandomState(0)``.
    dtype : numpy dtype, default=np.float32
        Dtype of the weights.

    See Also
    --------
    Recurrent : The loop this layer runs, over any cell.
    sklearn_rnn.nn.cells.SimpleRNNCell : The Elman step.
    Bidirectional : Two recurrent layers, one reading backward.

    Examples
    --------
    The worked example of the course (tanh, b = 1, h0 = 0):

    >>> import numpy as np
    >>> rnn = SimpleRNN(2, 4, dtype=np.float64)
    >>> rnn.Wx[:] = np.array([[1, 3, 5, 7], [3, 5, 7, 8]]) / 100
    >>> rnn.Wh[:] = np.array([[1, 3, 5, 7], [2, 4, 6, 8],
    ...                       [3, 5, 7, 8], [4, 6, 8, 10]]) / 100
    >>> rnn.b[:] = 1
    >>> x = np.array([[[1, 2]], [[2, 3]], [[3, 4]]]) / 100   # (T=3, N=1, D=2)
    >>> rnn.forward(x)[-1]
    array([[0.79494228, 0.81839002, 0.83939649, 0.85584174]])
    """

    def __init__(
        self,
        input_size,
        hidden_size,
        activation="tanh",
        init="xavier",
        recurrent_init="orthogonal",
        bptt_truncate=None,
        rng=None,
        dtype=np.float32,
    ):
        cell = SimpleRNNCell(
            input_size, hidden_size, activation, init, recurrent_init, rng, dtype
        )
        super().__init__(cell, bptt_truncate)

    # The course's names for the cell's weights (assigning copies in place).
    @property
    def Wx(self):
        """The input kernel ``cell.kernel``, of shape (D, H)."""
        return self.cell.kernel

    @Wx.setter
    def Wx(self, value):
        np.copyto(self.cell.kernel, value)

    @property
    def Wh(self):
        """The recurrent kernel ``cell.recurrent_kernel``, of shape (H, H)."""
        return self.cell.recurrent_kernel

    @Wh.setter
    def Wh(self, value):
        np.copyto(self.cell.recurrent_kernel, value)

    @property
    def b(self):
        """The bias ``cell.bias``, of shape (H,)."""
        return self.cell.bias

    @b.setter
    def b(self, value):
        np.copyto(self.cell.bias, value)

    @property
    def activation(self):
        """The cell's activation ``f`` (``name``, ``forward``, ``derivative``)."""
        return self.cell.activation
