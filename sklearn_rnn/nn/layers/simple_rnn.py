"""The Elman recurrent layer (SimpleRNN) with backpropagation through time."""

import numpy as np

from ..activations import get_activation
from ..initializers import get_initializer
from .base import Layer


class SimpleRNN(Layer):
    """Elman RNN: ``a_t = x_t Wx + h_{t-1} Wh + b``, ``h_t = f(a_t)``, ``h_0 = 0``.

    Input ``x`` is time-major ``(T, N, D)``; the output is every hidden state,
    ``(T, N, H)``.  On a padding step (``mask[t, n]`` false) the state is
    carried over unchanged, ``h_t = h_{t-1}``, so padding, before or after the
    sequence, never changes a result: the last state is the state after the
    last real step, and an all-padding sequence keeps ``h = 0``.

    Parameters
    ----------
    input_size : int
        D, the number of features per time step.
    hidden_size : int
        H, the number of recurrent units.
    activation : {"tanh", "sigmoid", "relu", "identity"}, default="tanh"
    init : str, default="xavier"
        Initializer of the input kernel ``Wx`` (D, H).
    recurrent_init : str, default="orthogonal"
        Initializer of the recurrent kernel ``Wh`` (H, H).
    bptt_truncate : int or None, default=None
        Truncated BPTT: gradients do not flow across the boundaries of
        consecutive windows of this many steps (the state itself does), as
        when PyTorch users ``detach()`` the state every k steps.
    rng : numpy random generator
    dtype : numpy dtype, default=np.float32

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

    #: The backward recursion stops once the carried gradient is below
    #: ``gradient_cutoff * eps**2`` times its peak (0 disables the cut-off).
    gradient_cutoff = 1.0

    def __init__(self, input_size, hidden_size, activation="tanh", init="xavier",
                 recurrent_init="orthogonal", bptt_truncate=None, rng=None,
                 dtype=np.float32):
        super().__init__()
        rng = np.random.RandomState(0) if rng is None else rng
        self.hidden_size = hidden_size
        self.activation = get_activation(activation)
        self.bptt_truncate = bptt_truncate
        self.Wx = get_initializer(init)((input_size, hidden_size), rng, dtype)
        self.Wh = get_initializer(recurrent_init)((hidden_size, hidden_size), rng, dtype)
        self.b = np.zeros(hidden_size, dtype=dtype)
        self.params = [self.Wx, self.Wh, self.b]
        self.grads = [np.zeros_like(p) for p in self.params]

    def forward(self, x, mask=None, training=False):
        T, N, D = x.shape
        Wh = self.Wh
        # Input projection of every step at once: one (T*N, D) x (D, H) GEMM;
        # the loop below only adds the recurrent term into this buffer.
        states = (x.reshape(T * N, D) @ self.Wx).reshape(T, N, self.hidden_size)
        states += self.b
        padding = None if mask is None else ~mask[:, :, None]
        recurrent = np.empty((N, self.hidden_size), dtype=states.dtype)
        h_prev = None
        for t in range(T):
            a = states[t]
            if h_prev is not None:
                a += np.matmul(h_prev, Wh, out=recurrent)
            h = self.activation.forward(a, out=a)  # a_t is overwritten by h_t
            if padding is not None:
                np.copyto(h, 0.0 if h_prev is None else h_prev, where=padding[t])
            h_prev = h
        self.x, self.mask, self.states = x, mask, states
        return states

    def backward(self, dstates):
        x, states, Wh = self.x, self.states, self.Wh
        T, N, H = states.shape
        padding = None if self.mask is None else ~self.mask[:, :, None]
        # Below the earliest step that receives an upstream gradient only the
        # carried gradient remains; once it is negligible (eps**2 relative)
        # the recursion stops, which also keeps it out of denormal numbers.
        receives = np.flatnonzero(dstates.reshape(T, -1).any(axis=1))
        first_input = receives[0] if len(receives) else T
        negligible = self.gradient_cutoff * np.finfo(states.dtype).eps ** 2
        scale = 0.0

        dA = np.empty_like(states)
        dh_next = np.zeros((N, H), dtype=states.dtype)
        dh = np.empty_like(dh_next)
        stop = 0
        for t in range(T - 1, -1, -1):
            np.add(dstates[t], dh_next, out=dh)
            da = self.activation.derivative(states[t], out=dA[t])
            da *= dh                      # dL/da_t = dL/dh_t * f'(a_t)
            if padding is not None:
                da[padding[t][:, 0]] = 0.0
            if t == 0 or (self.bptt_truncate and t % self.bptt_truncate == 0):
                dh_next.fill(0.0)         # h_0 is constant / window boundary
            else:
                np.matmul(da, Wh.T, out=dh_next)   # dL/dh_{t-1} through Wh
                if padding is not None:   # a carried state passes dh through
                    np.add(dh_next, dh, out=dh_next, where=padding[t])
            if t == first_input:
                scale = float(np.max(np.abs(dA[t:])))
            elif t < first_input and (first_input - t) % 8 == 0:  # check now and then
                if float(np.max(np.abs(dh_next))) <= negligible * scale:
                    stop = t
                    break
        dA[:stop] = 0.0

        # Weight gradients of all steps as single GEMMs.
        dA2d = dA.reshape(T * N, H)
        np.matmul(x.reshape(T * N, -1).T, dA2d, out=self.grads[0])
        np.matmul(states[:-1].reshape(-1, H).T, dA[1:].reshape(-1, H), out=self.grads[1])
        dA2d.sum(axis=0, out=self.grads[2])
        if not self.input_grad:
            return None
        return (dA2d @ self.Wx.T).reshape(x.shape)
