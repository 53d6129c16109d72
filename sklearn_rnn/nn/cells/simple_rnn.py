"""The Elman cell: ``h_t = f(x_t Wx + h_{t-1} Wh + b)``."""

import numpy as np

from .._blas import product
from ..activations import get_activation
from .base import Cell


class SimpleRNNCell(Cell):
    """Elman recurrence ``a_t = x_t Wx + h_{t-1} Wh + b``, ``h_t = f(a_t)``.

    Works in place: the buffer of input terms is the state buffer (each
    ``a_t`` is overwritten by ``h_t``), and the backward pass gets ``f'(a_t)``
    from ``h_t``.  Steps are feature-major (see :mod:`.base`).

    Parameters
    ----------
    input_size : int
        Features per time step, ``D``.
    hidden_size : int
        Units of the state, ``H``.
    activation : {"tanh", "sigmoid", "relu", "identity"}, default="tanh"
        The non-linearity ``f``.
    init : str, default="xavier"
        Initializer of ``kernel``.
    recurrent_init : str, default="orthogonal"
        Initializer of ``recurrent_kernel``, one (H, H) block per gate.
    rng : numpy.random.RandomState, default=None
        Source of the initial weights; None is ``RandomState(0)``.
    dtype : numpy dtype, default=np.float32
        Data type of the weights.

    See Also
    --------
    sklearn_rnn.nn.cells.base.Cell : The contract of a cell.
    GRUCell : A gated cell, which keeps information over longer spans.

    Examples
    --------
    >>> import numpy as np
    >>> cell = SimpleRNNCell(1, 1, activation="identity", dtype=np.float64)
    >>> cell.kernel[:], cell.recurrent_kernel[:] = 1.0, 1.0
    >>> buffer = lambda name, shape: np.empty(shape)
    >>> xw, states, cache = cell.start(3, 1, buffer, training=False)
    >>> xw[:, 0, 0] = [1.0, 0.0, 1.0]                 # x_t Wx + b of 3 steps
    >>> for t in range(3):
    ...     cell.step(t, xw, states, cache)
    >>> states[0][1:].ravel()                         # counts the ones
    array([1., 1., 2.])
    """

    gates = 1
    state_size = 1
    layer_name = "SimpleRNN"

    def __init__(
        self,
        input_size,
        hidden_size,
        activation="tanh",
        init="xavier",
        recurrent_init="orthogonal",
        rng=None,
        dtype=np.float32,
    ):
        super().__init__(input_size, hidden_size, init, recurrent_init, rng, dtype)
        self.activation = get_activation(activation)

    def __repr__(self):
        return (
            f"SimpleRNNCell(hidden_size={self.hidden_size}, "
            f"activation={self.activation.name!r})"
        )

    def start(self, T, N, buffer, training):
        """Return the buffers of one pass: input terms, states and cache.

        Parameters
        ----------
        T : int
            Time steps of the pass.
        N : int
            Sequences of the batch.
        buffer : callable
            ``buffer(name, shape)`` returns an array of the pass's dtype
            (contents undefined).
        training : bool
            Whether a backward pass follows (else nothing is kept for it).

        Returns
        -------
        xw : ndarray of shape (T, H, N)
            Receives the input terms ``x_t @ kernel + bias`` of every
            step; a view of the states' buffer (``xw[t]`` is ``h[t + 1]``:
            each ``a_t`` becomes ``h_t``).
        states : tuple of ndarray
            The states ``(h,)``, ``h`` of shape (T + 1, H, N) with
            ``h[0]`` zero.
        cache : dict
            With ``training``, a (H, N) scratch array for the backward
            pass; else empty.
        """
        states = self.zero_states(T, N, buffer)
        # a_t is overwritten by h_t: the input terms live in the states' buffer.
        cache = {"d": buffer("d", (self.hidden_size, N))} if training else {}
        return states[0][1:], states, cache

    def step(self, t, xw, states, cache):
        """Compute step ``t``: write the states after it.

        Parameters
        ----------
        t : int
            The step, from 0.
        xw : ndarray
            The input terms of :meth:`start`, with step ``t``'s filled
            in; ``xw[t]`` is ``h[t + 1]``, overwritten by the new state.
        states : tuple of ndarray
            The states of :meth:`start`; ``states[k][t]`` is read and
            ``states[k][t + 1]`` written.
        cache : dict
            The cache of :meth:`start`.
        """
        h = states[0]
        a = h[t + 1]
        product(self.recurrent_kernel.T, h[t], out=a, accumulate=True)
        self.activation.forward(a, out=a)

    def step_batch_major(self, a, h_previous):
        """Compute a step in the batch-major layout, in place.

        Parameters
        ----------
        a : ndarray of shape (N, H)
            The input terms ``x_t Wx + b`` of the step, overwritten by
            ``h_t``.
        h_previous : ndarray of shape (N, H)
            The state before the step.
        """
        product(h_previous, self.recurrent_kernel, out=a, accumulate=True)
        self.activation.forward(a, out=a)

    def activation_derivative(self, h, out=None):
        """Return ``f'(a)`` computed from the states ``h = f(a)``.

        Parameters
        ----------
        h : ndarray
            States of any shape (the batch-major backward pass gives every
            step's at once).
        out : ndarray, default=None
            Where to write the result (a new array if None).

        Returns
        -------
        ndarray
            The derivative of the activation at each state's
            pre-activation, shaped like ``h``.
        """
        return self.activation.derivative(h, out=out)

    def step_backward(self, t, xw, states, cache, d_states, out):
        """Backpropagate through step ``t`` (after its forward pass).

        Parameters
        ----------
        t : int
            The step, from 0.
        xw : ndarray
            The input terms of :meth:`start`, as the forward pass left them.
        states : tuple of ndarray
            The states of the forward pass.
        cache : dict
            The cache of :meth:`start` (with ``training``).
        d_states : tuple of ndarray
            The gradient ``(dL/dh_t,)`` with respect to the state after
            step ``t``, of shape (H, N).
        out : tuple of ndarray
            Arrays of the same shapes, into which the gradients with respect
            to the states before step ``t`` are written.

        Returns
        -------
        d_input : ndarray of shape (H, N)
            The gradient dL/d(input terms of step ``t``).
        d_recurrent : ndarray of shape (H, N)
            The gradient dL/d(recurrent terms of step ``t``): the same
            array as ``d_input``.
        d_previous : tuple of ndarray
            The gradient ``(dL/dh_{t-1},)`` with respect to the state
            before step ``t``, written into ``out[0]``.
        """
        da = self.activation.derivative(states[0][t + 1], out=cache["d"])
        da *= d_states[0]  # dL/da_t = dL/dh_t f'(a_t)
        return da, da, (product(self.recurrent_kernel, da, out=out[0]),)
