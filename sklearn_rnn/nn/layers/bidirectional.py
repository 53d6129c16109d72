"""Bidirectional wrapper: one recurrent layer reads forward, one backward."""

import numpy as np

from .base import Layer


class Bidirectional(Layer):
    """Read the sequence forward with one recurrent layer, backward with another.

    ``forward_layer`` runs on the sequence and ``backward_layer`` on the
    time-reversed sequence (its padding mask reversed too); their states are
    concatenated feature-wise, aligned in the original time order: output
    ``(T, N, H_f + H_b)``.

    The backward layer's *final* state therefore sits at time step 0 of the
    output (see :class:`~sklearn_rnn.nn.layers.pooling.LastStatePooling`).

    Its weights are the forward layer's, named as there (``kernel``...), then
    the backward layer's, named ``reverse.kernel``...; PyTorch's
    bidirectional modules name the latter with the suffix ``_reverse``
    (``weight_ih_l0_reverse``).

    Parameters
    ----------
    forward_layer : Recurrent
        The layer that reads the sequence in order; ``H_f`` units.
    backward_layer : Recurrent
        The layer that reads it in reverse (the same ``D`` input features);
        ``H_b`` units.

    Attributes
    ----------
    hidden_size : int
        Output features, ``H_f + H_b``.

    See Also
    --------
    Recurrent : The layer of each direction.
    LastStatePooling : Pools both directions' final states.

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
        """Both directions' weights under torch's names.

        Returns
        -------
        dict of str to ndarray
            The forward layer's :meth:`~Recurrent.torch_parameters`, then
            the backward layer's with the suffix ``_reverse``
            (``weight_ih_l0_reverse``...), as a bidirectional ``torch.nn.RNN``
            names them.
        """
        behind = self.backward_layer.torch_parameters()
        return self.forward_layer.torch_parameters() | {
            f"{name}_reverse": array for name, array in behind.items()
        }

    def load_torch_parameters(self, parameters):
        """Copy in both directions' weights, named as :meth:`torch_parameters`.

        Parameters
        ----------
        parameters : dict of str to array-like
            The forward layer's arrays under their torch names, the backward
            layer's under the same names with the suffix ``_reverse``.
        """
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
        """Whether :meth:`backward` returns the input's gradient (both layers')."""
        return self.forward_layer.input_grad

    @input_grad.setter
    def input_grad(self, value):
        self.forward_layer.input_grad = self.backward_layer.input_grad = value

    def forward(self, x, mask=None, training=False):
        """Run both directions; concatenate their states in time order.

        Parameters
        ----------
        x : ndarray of shape (T, N, D)
            Time-major sequences.
        mask : ndarray of shape (T, N) of bool, default=None
            False on padding steps (reversed for the backward direction).
        training : bool, default=False
            Whether both layers keep what :meth:`backward` needs.

        Returns
        -------
        out : ndarray of shape (T, N, H_f + H_b)
            ``out[t]`` is the forward state after step ``t`` beside the
            backward state after reading steps ``T - 1`` down to ``t``.
        """
        reversed_mask = None if mask is None else mask[::-1]
        ahead = self.forward_layer.forward(x, mask, training)
        behind = self.backward_layer.forward(
            np.ascontiguousarray(x[::-1]), reversed_mask, training
        )
        return np.concatenate([ahead, behind[::-1]], axis=-1)

    def backward(self, dout):
        """BPTT through both directions; sum their input gradients.

        Parameters
        ----------
        dout : ndarray of shape (T, N, H_f + H_b)
            The gradient of the loss w.r.t. the output of the last training
            pass.

        Returns
        -------
        dx : ndarray of shape (T, N, D) or None
            The gradient w.r.t. the input, or None when ``input_grad`` is
            false.
        """
        dx_ahead = self.forward_layer.backward(dout[..., : self.split])
        dx_behind = self.backward_layer.backward(dout[::-1, :, self.split :])
        if dx_ahead is None:
            return None
        dx_ahead += dx_behind[::-1]
        return dx_ahead
