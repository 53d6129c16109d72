"""Bidirectional wrapper: one recurrent layer reads forward, one backward."""

import numpy as np

from .base import Layer


class Bidirectional(Layer):
    """Run ``forward_layer`` on the sequence and ``backward_layer`` on the
    time-reversed sequence; concatenate their states feature-wise, aligned in
    the original time order: output ``(T, N, H_f + H_b)``.

    The backward layer's *final* state therefore sits at time step 0 of the
    output (see :class:`~sklearn_rnn.nn.layers.pooling.LastStatePooling`).

    Its weights are the forward layer's, named as there (``kernel``...), then
    the backward layer's, named ``reverse.kernel``...; PyTorch's
    bidirectional modules name the latter with the suffix ``_reverse``
    (``weight_ih_l0_reverse``).

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_rnn.nn.layers import SimpleRNN
    >>> rng = np.random.RandomState(0)
    >>> layer = Bidirectional(SimpleRNN(3, 4, rng=rng), SimpleRNN(3, 5, rng=rng))
    >>> layer.forward(np.zeros((7, 2, 3), dtype=np.float32)).shape
    (7, 2, 9)
    """

    role = "rnn"

    def __init__(self, forward_layer, backward_layer):
        super().__init__()
        self.forward_layer, self.backward_layer = forward_layer, backward_layer
        self.params = forward_layer.params + backward_layer.params
        self.grads = forward_layer.grads + backward_layer.grads
        self.param_names = tuple(forward_layer.param_names) + tuple(
            f"reverse.{name}" for name in backward_layer.param_names
        )
        self.split = forward_layer.hidden_size
        self.hidden_size = forward_layer.hidden_size + backward_layer.hidden_size

    def torch_parameters(self):
        """Both directions' weights under torch's names, the backward
        direction's with the suffix ``_reverse``."""
        behind = self.backward_layer.torch_parameters()
        return self.forward_layer.torch_parameters() | {
            f"{name}_reverse": array for name, array in behind.items()
        }

    def load_torch_parameters(self, parameters):
        self.forward_layer.load_torch_parameters(parameters)
        self.backward_layer.load_torch_parameters(
            {
                name[: -len("_reverse")]: array
                for name, array in parameters.items()
                if name.endswith("_reverse")
            }
        )

    @property
    def bptt_truncate(self):
        """The truncated BPTT window of both directions."""
        return self.forward_layer.bptt_truncate

    @bptt_truncate.setter
    def bptt_truncate(self, value):
        self.forward_layer.bptt_truncate = self.backward_layer.bptt_truncate = value

    @property
    def input_grad(self):
        return self.forward_layer.input_grad

    @input_grad.setter
    def input_grad(self, value):
        self.forward_layer.input_grad = self.backward_layer.input_grad = value

    def forward(self, x, mask=None, training=False):
        reversed_mask = None if mask is None else mask[::-1]
        ahead = self.forward_layer.forward(x, mask, training)
        behind = self.backward_layer.forward(
            np.ascontiguousarray(x[::-1]), reversed_mask, training
        )
        return np.concatenate([ahead, behind[::-1]], axis=-1)

    def backward(self, dout):
        dx_ahead = self.forward_layer.backward(dout[..., : self.split])
        dx_behind = self.backward_layer.backward(dout[::-1, :, self.split :])
        if dx_ahead is None:
            return None
        dx_ahead += dx_behind[::-1]
        return dx_ahead
