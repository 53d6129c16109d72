"""Fully connected layer applied over the last axis."""

import numpy as np

from .._blas import transposed_product
from ..activations import get_activation
from ..initializers import get_initializer
from .base import Layer


class Dense(Layer):
    """``out = f(x @ kernel + bias)`` over the last axis of ``x``.

    Works on ``(N, D)`` batches and, time-distributed, on ``(T, N, D)``
    sequences: all leading axes are flattened into one GEMM.

    Parameters
    ----------
    input_size : int
        Features per input row, ``D``.
    output_size : int
        Features per output row (units).
    activation : {"identity", "relu", "tanh", "sigmoid"}, default="identity"
        The function ``f`` applied to ``x @ kernel + bias``.
    init : {"xavier", "he", "normal", "orthogonal"}, default="xavier"
        Initializer of ``kernel`` (see :mod:`sklearn_rnn.nn.initializers`);
        ``bias`` starts at zero.
    rng : numpy.random.RandomState, default=None
        Source of the initial kernel; None uses ``RandomState(0)``.
    dtype : numpy dtype, default=np.float32
        Dtype of the weights.

    Attributes
    ----------
    kernel : ndarray of shape (input_size, output_size)
        ``torch.nn.Linear``'s ``weight`` is ``kernel.T``.
    bias : ndarray of shape (output_size,)
        ``torch.nn.Linear``'s ``bias``.

    See Also
    --------
    Conv1D : A dense map of a window of steps instead of one step.
    Activation : An activation as a layer of its own.

    Examples
    --------
    >>> import numpy as np
    >>> layer = Dense(2, 1, rng=np.random.RandomState(0), dtype=np.float64)
    >>> layer.kernel[:] = [[1.0], [2.0]]
    >>> layer.forward(np.array([[1.0, 1.0]]))
    array([[3.]])
    """

    param_names = ("kernel", "bias")
    role = "head"

    def __init__(
        self,
        input_size,
        output_size,
        activation="identity",
        init="xavier",
        rng=None,
        dtype=np.float32,
    ):
        super().__init__()
        rng = np.random.RandomState(0) if rng is None else rng
        self.activation = get_activation(activation)
        self.kernel = get_initializer(init)((input_size, output_size), rng, dtype)
        self.bias = np.zeros(output_size, dtype=dtype)
        self.params = [self.kernel, self.bias]
        self.grads = [np.zeros_like(self.kernel), np.zeros_like(self.bias)]

    def forward(self, x, mask=None, training=False):
        """Compute ``f(x @ kernel + bias)`` over the last axis.

        Parameters
        ----------
        x : ndarray of shape (..., input_size)
            An ``(N, D)`` batch or a ``(T, N, D)`` sequence.
        mask : ndarray of shape (T, N) of bool, default=None
            Unused: padding steps are transformed too (their outputs are
            ignored downstream).
        training : bool, default=False
            Whether to keep the input and output for :meth:`backward`.

        Returns
        -------
        out : ndarray of shape (..., output_size)
            The leading axes of ``x`` with ``output_size`` features.
        """
        out = x @ self.kernel
        out += self.bias
        out = self.activation.forward(out, out=out)
        if training:  # inference keeps nothing on the layer (thread safety)
            self.x, self.out = x, out
        return out

    def backward(self, dout):
        """Write the kernel's and bias's gradients; return the input's.

        Parameters
        ----------
        dout : ndarray of shape (..., output_size)
            The gradient of the loss w.r.t. the output of the last training
            pass.

        Returns
        -------
        dx : ndarray of shape (..., input_size) or None
            The gradient w.r.t. the input, or None when ``input_grad`` is
            false.
        """
        da = self.activation.derivative(self.out)
        da *= dout
        x2d = self.x.reshape(-1, self.x.shape[-1])
        da2d = da.reshape(-1, da.shape[-1])
        transposed_product(x2d, da2d, out=self.grads[0])
        da2d.sum(axis=0, out=self.grads[1])
        if not self.input_grad:
            return None
        return da @ self.kernel.T

    def torch_parameters(self):
        """The weights as ``torch.nn.Linear`` names them.

        Returns
        -------
        dict of str to ndarray
            ``weight``, of shape (output_size, input_size), is the view
            ``kernel.T``; ``bias`` is ``bias``.
        """
        return {"weight": self.kernel.T, "bias": self.bias}
