"""An undo record of a network's weights and optimizer state.

Making a checkpoint costs what the protected call changes, not the size of
the model: dense parameters (and their optimizer slots) are copied up front,
but the rows of a row-sparse parameter (an embedding table) are copied only
just before a step first changes them.

Examples
--------
>>> import numpy as np
>>> from sklearn_rnn.nn.optimizers import SGD
>>> table, bias = np.zeros((5, 2)), np.zeros(2)
>>> sgd = SGD([table, bias], learning_rate=1.0)
>>> checkpoint = Checkpoint(sgd, row_sparse=[0])
>>> rows = {0: np.array([3])}
>>> checkpoint.record(rows)                 # before every step
>>> sgd.step([np.ones((5, 2)), np.ones(2)], rows=rows)
>>> table[3], bias
(array([-1., -1.]), array([-1., -1.]))
>>> checkpoint.restore()
>>> table[3], bias
(array([0., 0.]), array([0., 0.]))
"""

import numpy as np


class Checkpoint:
    """The state of ``optimizer``'s parameters and slots, to put back on failure.

    Parameters
    ----------
    optimizer : Optimizer
        Its ``params`` and ``state`` are protected, in place: restoring copies
        values back into the very same arrays, so everything bound to them
        (the network, the optimizer) stays bound.
    row_sparse : iterable of int, default=()
        Indices of row-sparse parameters; call :meth:`record` with the rows a
        step is about to update before every step.
    buffers : list of ndarray, default=()
        Non-trainable arrays that training changes in place (batch
        normalisation's running statistics), copied up front.
    """

    def __init__(self, optimizer, row_sparse=(), buffers=()):
        self.optimizer = optimizer
        self.buffers = [(buffer, buffer.copy()) for buffer in buffers]
        self.row_sparse = set(row_sparse)
        self.scalars = {
            key: value
            for key, value in vars(optimizer).items()
            if key not in ("params", "state")
        }
        self.dense = {
            i: (
                param.copy(),
                {name: slots[i].copy() for name, slots in optimizer.state.items()},
            )
            for i, param in enumerate(optimizer.params)
            if i not in self.row_sparse
        }
        self.saved_rows = {i: [] for i in self.row_sparse}
        self.seen = {i: None for i in self.row_sparse}  # allocated on first use

    def record(self, rows):
        """Save the rows ``rows[i]`` of row-sparse parameter ``i`` not yet saved."""
        optimizer = self.optimizer
        for i, r in rows.items():
            seen = self.seen[i]
            if seen is None:
                seen = self.seen[i] = np.zeros(len(optimizer.params[i]), dtype=bool)
            new = r[~seen[r]]
            if len(new):
                seen[new] = True
                slots = {name: state[i][new] for name, state in optimizer.state.items()}
                self.saved_rows[i].append((new, optimizer.params[i][new], slots))

    def touched_rows(self, i):
        """The rows of row-sparse parameter ``i`` recorded so far."""
        saved = self.saved_rows[i]
        return (
            np.concatenate([rows for rows, _, _ in saved])
            if saved
            else np.empty(0, np.intp)
        )

    def changed_values(self):
        """Each parameter as far as it may have changed: dense ones whole,
        row-sparse ones the recorded rows (to check them for NaN cheaply)."""
        params = self.optimizer.params
        for i, param in enumerate(params):
            yield param[self.touched_rows(i)] if i in self.row_sparse else param

    def restore(self):
        """Put every protected value back (idempotent)."""
        optimizer = self.optimizer
        for i, (param, slots) in self.dense.items():
            np.copyto(optimizer.params[i], param)
            for name, values in slots.items():
                np.copyto(optimizer.state[name][i], values)
        for i, saved in self.saved_rows.items():
            for rows, values, slots in saved:
                optimizer.params[i][rows] = values
                for name, slot_values in slots.items():
                    optimizer.state[name][i][rows] = slot_values
        for buffer, saved in self.buffers:
            np.copyto(buffer, saved)
        vars(optimizer).update(self.scalars)
