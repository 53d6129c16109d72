"""One-dimensional convolution over time, with "same" padding and masks."""

import numpy as np

from .._blas import product
from ..initializers import get_initializer
from .base import Layer


class Conv1D(Layer):
    """``out[t] = bias + sum_k x[t + k - left] @ kernel[k]`` over time-major ``x``.

    A convolution over the time axis of ``(T, N, C)`` sequences, with
    ``filters`` output channels, stride 1 and "same" zero padding (the
    output has the input's ``T`` steps): ``left = (kernel_size - 1) // 2``
    steps of zeros before the sequence and the rest after it, as
    ``torch.nn.Conv1d(padding="same")`` and Keras' ``Conv1D(padding="same")``
    pad.

    **Masks.**  Padding steps (``mask`` false) are read as zeros, so a
    sequence padded before or after its valid steps gives, at its valid
    steps, exactly the output of the unpadded sequence (whose borders are
    zero-padded too); the output keeps the input's mask.  Interior padding
    steps read as zeros as well.

    **Speed.**  In the time-major layout the input steps ``x[k : k + T]``
    that kernel tap ``k`` reads are one contiguous block, so the convolution
    is ``kernel_size`` accumulating GEMMs of ``(T * N, C) @ (C, filters)``
    into the output, with no im2col copy; the backward pass is the same
    products transposed.

    Parameters
    ----------
    in_channels : int
        Features per input step ``C``.
    filters : int
        Output channels.
    kernel_size : int
        Steps each output reads.
    use_bias : bool, default=True
        Add a bias per filter; a convolution followed by batch
        normalisation has none (the normalisation removes any shift, so the
        bias's gradient is 0, and an optimizer such as Adam would move it by
        the rounding noise of that 0), as in PyTorch's ``bias=False``.
    init : str, default="he"
        Initializer of ``kernel`` (He: the layer feeds a ReLU), drawn as a
        ``(kernel_size * in_channels, filters)`` matrix: its fan-in is
        ``kernel_size * in_channels``.
    rng : numpy.random.RandomState, default=None
        Source of the initial kernel; None uses ``RandomState(0)``.
    dtype : numpy dtype, default=np.float32
        Dtype of the weights and of the output.

    Attributes
    ----------
    kernel : ndarray of shape (kernel_size, in_channels, filters)
        ``torch.nn.Conv1d``'s ``weight`` (filters, in_channels, kernel_size)
        is ``kernel.transpose(2, 1, 0)``.
    bias : ndarray of shape (filters,) or None
        ``torch.nn.Conv1d``'s ``bias``; None without ``use_bias``.

    See Also
    --------
    BatchNorm : The normalisation that follows each convolution in a
        convolutional branch.
    Dense : The same map applied to one step at a time.

    Examples
    --------
    >>> import numpy as np
    >>> layer = Conv1D(1, 1, kernel_size=3, dtype=np.float64)
    >>> layer.kernel[:, 0, 0] = [1.0, 2.0, 3.0]  # x[t-1] + 2 x[t] + 3 x[t+1]
    >>> x = np.array([1.0, 10.0, 100.0]).reshape(3, 1, 1)   # (T, N, C)
    >>> layer.forward(x)[:, 0, 0]
    array([ 32., 321., 210.])
    """

    role = "conv"
    _caches = ("_padded", "_mask")

    def __init__(
        self,
        in_channels,
        filters,
        kernel_size,
        use_bias=True,
        init="he",
        rng=None,
        dtype=np.float32,
    ):
        super().__init__()
        rng = np.random.RandomState(0) if rng is None else rng
        self.in_channels, self.filters = in_channels, filters
        self.kernel_size = kernel_size
        self.left = (kernel_size - 1) // 2
        flat = get_initializer(init)((kernel_size * in_channels, filters), rng, dtype)
        self.kernel = np.ascontiguousarray(
            flat.reshape(kernel_size, in_channels, filters)
        )
        self.bias = np.zeros(filters, dtype=dtype) if use_bias else None
        self.params = [self.kernel] + ([self.bias] if use_bias else [])
        self.param_names = ("kernel", "bias")[: len(self.params)]
        self.grads = [np.zeros_like(p) for p in self.params]

    def __repr__(self):
        return (
            f"Conv1D({self.in_channels}, {self.filters}, "
            f"kernel_size={self.kernel_size})"
        )

    def _pad(self, x, mask):
        """``x``, padding steps zeroed, between ``left`` and ``right`` zero steps."""
        T, N, C = x.shape
        padded = np.zeros((T + self.kernel_size - 1, N, C), dtype=self.kernel.dtype)
        inside = padded[self.left : self.left + T]
        if mask is None:
            inside[...] = x
        else:
            # a float mask: numpy multiplies by a bool one 2x slower
            np.multiply(x, mask.astype(padded.dtype)[:, :, None], out=inside)
        return padded

    def forward(self, x, mask=None, training=False):
        """Convolve ``x`` over time, reading padding steps as zeros.

        Parameters
        ----------
        x : ndarray of shape (T, N, in_channels)
            Time-major sequences.
        mask : ndarray of shape (T, N) of bool, default=None
            False on padding steps, which are read as zeros.
        training : bool, default=False
            Whether to keep the padded input and the mask for
            :meth:`backward`.

        Returns
        -------
        out : ndarray of shape (T, N, filters)
            One output per input step, in the kernel's dtype.
        """
        T, N, _ = x.shape
        padded = self._pad(x, mask)
        out = np.empty((T, N, self.filters), dtype=self.kernel.dtype)
        if self.bias is None:
            out.fill(0.0)
        else:
            out[...] = self.bias
        rows = out.reshape(T * N, self.filters)
        for k in range(self.kernel_size):
            taps = padded[k : k + T].reshape(T * N, -1)
            product(taps, self.kernel[k], out=rows, accumulate=True)
        if training:  # inference keeps nothing on the layer (thread safety)
            self._padded, self._mask = padded, mask
        return out

    def backward(self, dout):
        """Write the kernel's and bias's gradients; return the input's.

        Parameters
        ----------
        dout : ndarray of shape (T, N, filters)
            The gradient of the loss w.r.t. the output of the last training
            pass.

        Returns
        -------
        dx : ndarray of shape (T, N, in_channels) or None
            The gradient w.r.t. the input, zero on padding steps; None when
            ``input_grad`` is false.
        """
        padded, mask = self._padded, self._mask
        T, N, C = dout.shape[0], dout.shape[1], padded.shape[2]
        d_rows = np.ascontiguousarray(dout).reshape(T * N, self.filters)
        d_kernel = self.grads[0]
        for k in range(self.kernel_size):
            taps = padded[k : k + T].reshape(T * N, C)
            product(taps.T, d_rows, out=d_kernel[k])
        if self.bias is not None:
            d_rows.sum(axis=0, out=self.grads[1])
        if not self.input_grad:
            return None
        # The gradient of the padded input; its zero borders are dropped, and
        # so is that of padding steps (read as zeros whatever they held).
        d_padded = np.zeros_like(padded)
        for k in range(self.kernel_size):
            product(
                d_rows,
                self.kernel[k].T,
                out=d_padded[k : k + T].reshape(T * N, C),
                accumulate=True,
            )
        dx = d_padded[self.left : self.left + T]
        if mask is not None:
            dx *= mask.astype(dx.dtype)[:, :, None]
        return dx

    def torch_parameters(self):
        """The weights as ``torch.nn.Conv1d`` names them.

        Returns
        -------
        dict of str to ndarray
            ``weight``, of shape (filters, in_channels, kernel_size), is the
            view ``kernel.transpose(2, 1, 0)``; ``bias`` is ``bias`` (left
            out without ``use_bias``).
        """
        weights = {"weight": self.kernel.transpose(2, 1, 0)}
        if self.bias is not None:
            weights["bias"] = self.bias
        return weights
