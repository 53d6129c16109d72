"""An element-wise activation as a layer of its own (Keras' ``Activation``)."""

from ..activations import get_activation
from .base import Layer


class Activation(Layer):
    """``out = f(x)`` element-wise; no weights.

    Parameters
    ----------
    activation : {"relu", "tanh", "sigmoid", "identity"}, default="relu"

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
        out = self.activation.forward(x)
        if training:  # inference keeps nothing on the layer (thread safety)
            self._out = out
        return out

    def backward(self, dout):
        if not self.input_grad:
            return None
        d = self.activation.derivative(self._out)
        d *= dout
        return d
