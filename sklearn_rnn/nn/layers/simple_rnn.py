"""The Elman recurrent layer (SimpleRNN) with backpropagation through time."""

import numpy as np

from .._blas import SINGLE_THREAD_STEP_SIZE, single_blas_thread, transposed_product, workspace
from ..activations import get_activation
from ..initializers import get_initializer
from .base import Layer

#: Every this many backward steps, the carried gradient is checked against
#: the cut-off (see ``SimpleRNN.gradient_cutoff``).
_CHECK_EVERY = 8


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
    param_names = ("kernel", "recurrent_kernel", "bias")

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
        H = self.hidden_size
        # Input projection of every step at once: one (T*N, D) x (D, H) GEMM;
        # the loop below only adds the recurrent term into this buffer, and
        # overwrites each a_t by h_t.
        states = np.matmul(x.reshape(T * N, D), self.Wx).reshape(T, N, H)
        states += self.b
        with single_blas_thread(N * H <= SINGLE_THREAD_STEP_SIZE):
            self._recurrence(states, mask)
        if training:   # inference keeps nothing on the layer (thread safety)
            self.x, self.mask, self.states = x, mask, states
        return states

    def _recurrence(self, states, mask):
        """Overwrite each ``a_t`` (input terms so far) by ``h_t``, in order."""
        f = self.activation.forward
        Wh = self.Wh
        recurrent = np.empty(states.shape[1:], dtype=states.dtype)
        if mask is None:
            f(states[0], out=states[0])                       # h_0 = 0
            for t in range(1, len(states)):
                a = states[t]
                a += np.matmul(states[t - 1], Wh, out=recurrent)
                f(a, out=a)
        else:
            padding = ~mask[:, :, None]
            h_prev = None
            for t in range(len(states)):
                a = states[t]
                if h_prev is not None:
                    a += np.matmul(h_prev, Wh, out=recurrent)
                h = f(a, out=a)
                np.copyto(h, 0.0 if h_prev is None else h_prev, where=padding[t])
                h_prev = h

    def backward(self, dstates):
        x, states = self.x, self.states
        T, N, H = states.shape
        WhT = self.Wh.T
        padding = None if self.mask is None else ~self.mask[:, :, None]
        # Steps with an upstream gradient: a many-to-one network has only the
        # last one; below it only the carried gradient flows back.
        receives = dstates.reshape(T, -1).any(axis=1)
        first_input = int(np.argmax(receives)) if receives.any() else T
        # Below ``first_input`` the recursion stops once the carried gradient
        # is negligible (eps**2 relative), which also keeps it out of
        # denormal numbers.
        negligible = self.gradient_cutoff * np.finfo(states.dtype).eps ** 2
        scale = 0.0

        # f'(a_t) of every step at once (from h_t), turned into dL/da_t in the loop.
        dA = self.activation.derivative(states, out=workspace(self, "_dA", states.shape,
                                                                states.dtype))
        dh = np.zeros((N, H), dtype=states.dtype)       # dL/dh_t
        dh_prev = np.empty_like(dh)                     # dL/dh_{t-1}
        stop = 0
        with single_blas_thread(N * H <= SINGLE_THREAD_STEP_SIZE):
            for t in range(T - 1, -1, -1):
                if receives[t]:
                    dh += dstates[t]
                da = dA[t]
                da *= dh                                    # dL/da_t = dL/dh_t * f'(a_t)
                if padding is not None:
                    np.copyto(da, 0.0, where=padding[t])    # padding: h_t = h_{t-1}
                if t == 0:
                    break                                   # h_0 is a constant
                if self.bptt_truncate and t % self.bptt_truncate == 0:
                    dh.fill(0.0)                            # window boundary: h_{t-1} is a constant
                else:
                    np.matmul(da, WhT, out=dh_prev)         # dL/dh_{t-1} through Wh
                    if padding is not None:                 # a carried state passes dh through
                        np.copyto(dh_prev, dh, where=padding[t])
                    dh, dh_prev = dh_prev, dh
                if t == first_input:
                    scale = float(np.max(np.abs(dA[t:])))
                elif t < first_input and (first_input - t) % _CHECK_EVERY == 0:
                    if float(np.max(np.abs(dh))) <= negligible * scale:
                        stop = t
                        break

        # Weight gradients summed over every (step, sample) row in a few large
        # GEMMs, over the steps that received a gradient (dA is zero below
        # ``stop``, and left unset there).
        dA2d = dA[stop:].reshape(-1, H)
        transposed_product(x[stop:].reshape(len(dA2d), -1), dA2d, out=self.grads[0])
        low = max(stop, 1)
        transposed_product(states[low - 1:-1].reshape(-1, H), dA[low:].reshape(-1, H),
                           out=self.grads[1])
        np.matmul(np.ones(len(dA2d), dtype=dA.dtype), dA2d, out=self.grads[2])  # sum over rows
        if not self.input_grad:
            return None
        dx = np.empty(x.shape, dtype=states.dtype)
        dx[:stop] = 0.0
        np.matmul(dA2d, self.Wx.T, out=dx[stop:].reshape(len(dA2d), -1))
        return dx
