"""The contract of a recurrent cell: the maths of one time step.

A cell owns its named weights and computes one step forward and one step
backward; :class:`~sklearn_rnn.nn.layers.recurrent.Recurrent` owns time
(the loop over steps, masks, truncation, buffers).  Adding a cell means
writing one subclass of :class:`Cell`; the loop does not change.

Every cell has ``G`` gate blocks of ``H`` units (Elman RNN: 1, GRU: 3,
LSTM: 4) and these weights, in this order:

- ``kernel`` (D, G*H): the input weights of all gates;
- ``recurrent_kernel`` (H, G*H): the recurrent weights of all gates;
- ``bias`` (G*H,);
- ``recurrent_bias`` (G*H,), only if ``has_recurrent_bias`` (GRU, whose
  candidate gate multiplies the recurrent term by the reset gate).

**Feature-major steps.**  Inside the loop every per-step array is
``(features, N)``: the gates of step ``t`` are a (G*H, N) array whose gate
blocks are row ranges, each one contiguous, and a state is (H, N).  With
the batch-major (N, G*H) layout a gate block is a strided column range, and
numpy's element-wise ufuncs on it cost several times as much as on a
contiguous block (measured in ``docs/benchmarks/engine.rst``); the products
are the same BLAS calls with the operands transposed.

The input terms of every step, ``x_t @ kernel``, are computed at once by
the loop (one batched GEMM); the loop adds ``bias`` per step, and
accumulates the weight gradients per step (:meth:`Cell.add_gradients`),
while the step's arrays are in cache.  The cell only does what depends on
the previous step.
"""

import numpy as np

from .._blas import product
from ..initializers import get_initializer


class Cell:
    """Base class of the recurrent cells (see the module docstring).

    Subclasses set ``gates`` and ``state_size`` (1 for ``h``, 2 for LSTM's
    ``(h, c)``) and implement these three methods.  ``states`` is a tuple
    of (T + 1, H, N) arrays, one per state (``h`` first), whose entry 0 is
    the zero state before the first step, so that ``states[k][t]`` is the
    state before step ``t`` and ``states[k][t + 1]`` the state after it;
    ``cache`` is whatever the cell keeps (scratch arrays, gate values).

    ``start(T, N, buffer, training) -> (xw, states, cache)``
        Buffers for one pass, each from ``buffer(name, shape)`` (an array
        of the pass's dtype, contents undefined): ``xw`` (T, G*H, N)
        receives the input terms ``x_t @ kernel + bias`` of every step (it
        may be part of a state's buffer); the zero states are set.
        Without ``training`` nothing need be kept for a backward pass.
    ``step(t, xw, states, cache)``
        Write the states after step ``t``.
    ``step_backward(t, xw, states, cache, d_states, out)``
        Given ``d_states``, the tuple dL/d(states after step t), return
        ``(d_input, d_recurrent, d_previous)``: dL/d(input terms of step t)
        and dL/d(recurrent terms) as (G*H, N) arrays (the same array unless
        ``has_recurrent_bias``), and dL/d(states before step t) written
        into the (H, N) arrays of the tuple ``out``.

    Parameters
    ----------
    input_size : int
        Features per time step, ``D``.
    hidden_size : int
        Units of each gate block and of each state, ``H``.
    init : str, default="xavier"
        Initializer of ``kernel`` (a name of
        :mod:`sklearn_rnn.nn.initializers`).
    recurrent_init : str, default="orthogonal"
        Initializer of ``recurrent_kernel``, applied block by block, one
        (H, H) block per gate.
    rng : numpy.random.RandomState, default=None
        Source of the initial weights; None is ``RandomState(0)``.
    dtype : numpy dtype, default=np.float32
        Data type of the weights and their gradients.

    Attributes
    ----------
    kernel, recurrent_kernel, bias : ndarray
        The weights, of shapes (D, G*H), (H, G*H) and (G*H,); the biases
        start at zero.
    params, grads : list of ndarray
        The weights in the order above (``recurrent_bias`` last, if the cell
        has one) and their gradients, aligned.
    param_names : tuple of str
        The name of each weight.

    See Also
    --------
    SimpleRNNCell : The Elman cell, one gate block.
    GRUCell : The gated recurrent unit, three gate blocks.
    LSTMCell : The long short-term memory cell, four gate blocks.

    Examples
    --------
    The weights of a cell with the three gate blocks of a GRU:

    >>> import numpy as np
    >>> from sklearn_rnn.nn.cells import GRUCell
    >>> cell = GRUCell(3, 2, rng=np.random.RandomState(0))
    >>> for name, param in zip(cell.param_names, cell.params):
    ...     print(name, param.shape)
    kernel (3, 6)
    recurrent_kernel (2, 6)
    bias (6,)
    recurrent_bias (6,)
    """

    gates = 1
    state_size = 1
    has_recurrent_bias = False
    #: The name of a layer of this cell (in weight names).
    layer_name = "Recurrent"
    #: Optional ``step_batch_major(a, h_previous)``: one step in the
    #: batch-major layout, where ``a`` (N, H) holds ``x_t @ kernel + bias``
    #: and is overwritten by ``h_t``.  A cell whose state is one gate block
    #: (the Elman cell) loses nothing to strided gate blocks in that layout,
    #: and there the loop does less per step (see
    #: :mod:`sklearn_rnn.nn.layers.batch_major`); such a cell also has
    #: ``activation_derivative(h, out)``.  Gated cells leave it None.
    step_batch_major = None

    def __init__(
        self,
        input_size,
        hidden_size,
        init="xavier",
        recurrent_init="orthogonal",
        rng=None,
        dtype=np.float32,
    ):
        rng = np.random.RandomState(0) if rng is None else rng
        G, H = self.gates, hidden_size
        self.hidden_size = H
        self.kernel = get_initializer(init)((input_size, G * H), rng, dtype)
        blocks = [get_initializer(recurrent_init)((H, H), rng, dtype) for _ in range(G)]
        self.recurrent_kernel = np.ascontiguousarray(np.concatenate(blocks, axis=1))
        self.bias = np.zeros(G * H, dtype=dtype)
        self.params = [self.kernel, self.recurrent_kernel, self.bias]
        self.param_names = ("kernel", "recurrent_kernel", "bias")
        if self.has_recurrent_bias:
            self.recurrent_bias = np.zeros(G * H, dtype=dtype)
            self.params.append(self.recurrent_bias)
            self.param_names += ("recurrent_bias",)
        self.grads = [np.zeros_like(p) for p in self.params]

    def __repr__(self):
        return f"{type(self).__name__}(hidden_size={self.hidden_size})"

    def torch_parameters(self):
        """Return the weights under the names PyTorch gives them.

        The names are those ``torch.nn.RNN``/``GRU``/``LSTM`` give the
        weights of their first layer (the gate orders are the same).

        Returns
        -------
        dict of str to ndarray
            ``weight_ih_l0`` is ``kernel.T`` and ``weight_hh_l0`` is
            ``recurrent_kernel.T`` (views), ``bias_ih_l0`` is ``bias``;
            ``bias_hh_l0`` is ``recurrent_bias`` with one, else zeros (torch
            adds its two biases, which here are one parameter: loading sets
            ``bias = bias_ih_l0 + bias_hh_l0``).
        """
        recurrent_bias = (
            self.recurrent_bias if self.has_recurrent_bias else np.zeros_like(self.bias)
        )
        return {
            "weight_ih_l0": self.kernel.T,
            "weight_hh_l0": self.recurrent_kernel.T,
            "bias_ih_l0": self.bias,
            "bias_hh_l0": recurrent_bias,
        }

    def load_torch_parameters(self, parameters):
        """Copy in the weights of :meth:`torch_parameters`' names.

        Parameters
        ----------
        parameters : mapping of str to array-like
            ``weight_ih_l0`` (G*H, D), ``weight_hh_l0`` (G*H, H),
            ``bias_ih_l0`` and ``bias_hh_l0`` (G*H,), e.g. a torch module's
            ``state_dict()`` as NumPy arrays; the cell's arrays are
            overwritten in place.
        """
        np.copyto(self.kernel.T, parameters["weight_ih_l0"])
        np.copyto(self.recurrent_kernel.T, parameters["weight_hh_l0"])
        if self.has_recurrent_bias:
            np.copyto(self.bias, parameters["bias_ih_l0"])
            np.copyto(self.recurrent_bias, parameters["bias_hh_l0"])
        else:
            np.copyto(self.bias, parameters["bias_ih_l0"] + parameters["bias_hh_l0"])

    def zero_states(self, T, N, buffer):
        """Return the state buffers of one pass, with the zero state set.

        Parameters
        ----------
        T : int
            Time steps of the pass.
        N : int
            Sequences of the batch.
        buffer : callable
            ``buffer(name, shape)`` returns an array of the pass's dtype
            (contents undefined); the states are named ``"state0"``, ...

        Returns
        -------
        tuple of ndarray
            ``state_size`` arrays of shape (T + 1, H, N), ``h`` first, whose
            entry 0 is zero.
        """
        states = tuple(
            buffer(f"state{k}", (T + 1, self.hidden_size, N))
            for k in range(self.state_size)
        )
        for s in states:
            s[0] = 0.0
        return states

    def add_gradients(self, x_t, h_previous, d_input, d_recurrent, sums):
        """Add one step's weight gradients to ``grads`` (zeroed by the loop).

        The bias gradients are summed over N once, by
        :meth:`finish_gradients`: one addition per step instead of a
        reduction.

        Parameters
        ----------
        x_t : ndarray of shape (N, D)
            The step's input.
        h_previous : ndarray of shape (H, N) or None
            The state before the step; None for the zero state, which adds
            nothing.
        d_input : ndarray of shape (G*H, N)
            The gradient dL/d(input terms of the step), as ``step_backward``
            returns it.
        d_recurrent : ndarray of shape (G*H, N)
            The gradient dL/d(recurrent terms of the step).
        sums : tuple of ndarray
            One (G*H, N) array per bias, to which the step's bias gradients
            are added.
        """
        product(x_t.T, d_input.T, out=self.grads[0], accumulate=True)
        if h_previous is not None:
            product(h_previous, d_recurrent.T, out=self.grads[1], accumulate=True)
        np.add(sums[0], d_input, out=sums[0])
        if self.has_recurrent_bias:
            np.add(sums[1], d_recurrent, out=sums[1])

    def finish_gradients(self, sums):
        """Sum the bias gradients of :meth:`add_gradients` over the batch.

        Parameters
        ----------
        sums : tuple of ndarray
            The (G*H, N) arrays :meth:`add_gradients` added to, one per bias;
            their sums over N are written into the bias gradients.
        """
        for grad, total in zip(self.grads[2:], sums):
            total.sum(axis=1, out=grad)
