"""Running a list of layers in order, forward and back."""

from .pooling import LastStatePooling
from .recurrent import Recurrent


def run_layers(layers, x, mask=None, training=False):
    """Apply ``layers`` in order to ``x``; the output of the last one.

    In inference a recurrent layer followed by a last-state pooling
    computes only its last state (:meth:`Recurrent.forward` with
    ``last_only``), in chunks of steps that stay in cache: no ``(T, N, H)``
    array is made.
    """
    for k, layer in enumerate(layers):
        following = layers[k + 1] if k + 1 < len(layers) else None
        if (
            not training
            and isinstance(layer, Recurrent)
            and isinstance(following, LastStatePooling)
            and following.split is None
        ):
            x = layer.forward(x, mask, last_only=True)
        else:
            x = layer.forward(x, mask, training)
        mask = layer.output_mask(mask)
    return x


def backward_layers(layers, dout):
    """Backpropagate ``dout`` through ``layers`` (the last one first); dL/dinput."""
    for layer in reversed(layers):
        dout = layer.backward(dout)
    return dout
