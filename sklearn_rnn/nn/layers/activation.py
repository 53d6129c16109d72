"""An element-wise activation as a layer of its own (Keras' ``Activation``)."""

from ..activations import get_activation
from .base import Layer


class Activation(Layer):
    """``out = f(x)`` element-wise; no weights.

    Applies one of the engine's activation functions
    (:mod:`sklearn_rnn.nn.activations`) to an input of any shape, a
    ``(T, N, C)`` sequence or an ``(N, D)`` batch; the output has the input's
    shape and mask.  The backward pass reads the derivative from the output
    kept by the training pass, ``f'(x)`` written in terms of ``f(x)``.

    Parameters
    ----------
    activation : {"relu", "tanh", "sigmoid", "identity"}, default="relu"
        The function's name.

    See Also
    --------
    Dense : A fully connected layer, with an activation of its own.
    Conv1D : The convolution an ``Activation("relu")`` follows in a
        convolutional branch.

    Examples
    --------
    >>> import numpy as np
    >>> layer = Activation("relu")
    >>> layer.forward(np.array([[-1.0, 2.0]]), training=True)
    array([[0., 2.]])
    >>> layer.backward(np.array([[5.0, 5.0]]))
    array([[0., 5.]])
    """

    _caches = ("_out",)

    def __init__(self, activation="relu"):
        super().__init__()
        self.activation = get_activation(activation)

    def __repr__(self):
        return f"Activation({self.activation.name!r})"

    def forward(self, x, mask=None, training=False):
        """Apply the activation element-wise.

        Parameters
        ----------
        x : ndarray
            The input, of any shape: ``(T, N, C)`` or ``(N, D)``.
        mask : ndarray of shape (T, N) of bool, default=None
            Unused: every element, padding or not, is transformed.
        training : bool, default=False
            Whether to keep the output for :meth:`backward`.

        Returns
        -------
        out : ndarray
            ``f(x)``, of the shape of ``x``.
        """
        out = self.activation.forward(x)
        if training:  # inference keeps nothing on the layer (thread safety)
            self._out = out
        return out

    def backward(self, dout):
        """Multiply the upstream gradient by the activation's derivative.

        Parameters
        ----------
        dout : ndarray
            The gradient of the loss w.r.t. the output of the last training
            pass, of its shape.

        Returns
        -------
        dx : ndarray or None
            ``f'(x) * dout``, or None when ``input_grad`` is false.
        """
        if not self.input_grad:
            return None
        d = self.activation.derivative(self._out)
        d *= dout
        return d
