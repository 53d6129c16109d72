"""An undo record of a network's weights and optimizer state.

Making a checkpoint costs what the protected call changes, not the size of
the model: dense parameters (and their optimizer slots) are copied up front,
but the rows of a row-sparse parameter (an embedding table) are copied only
just before a step first changes them.

The same record gives, at no further cost, the values as they were when the
checkpoint was taken (:meth:`Checkpoint.committed`), for readers in other
threads while the protected call changes the live ones: the dense copies,
and for row-sparse parameters :class:`CommittedRows`, the live table read
through the saved rows.

Examples
--------
>>> import numpy as np
>>> from sklearn_rnn.nn.optimizers import SGD
>>> table, bias = np.zeros((5, 2)), np.zeros(2)
>>> sgd = SGD([table, bias], learning_rate_init=1.0)
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

import copy

import numpy as np


class Checkpoint:
    """The state of ``optimizer``'s parameters and slots, to put back on failure.

    Parameters
    ----------
    optimizer : Optimizer
        Its ``params`` and its ``state_dict()`` (settings, scalars, slots)
        are protected, in place: restoring copies
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
        state = optimizer.state_dict()
        # The optimizer's own slot arrays: steps and loads change them in place.
        self.slots = state.pop("slots")
        self.scalars = copy.deepcopy(state)
        self.dense = {
            i: (
                param.copy(),
                {name: slots[i].copy() for name, slots in self.slots.items()},
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
                slots = {name: slots[i][new] for name, slots in self.slots.items()}
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
                np.copyto(self.slots[name][i], values)
        for i, saved in self.saved_rows.items():
            for rows, values, slots in saved:
                optimizer.params[i][rows] = values
                for name, slot_values in slots.items():
                    self.slots[name][i][rows] = slot_values
        for buffer, saved in self.buffers:
            np.copyto(buffer, saved)
        # The slots are the optimizer's own arrays, restored above: not copied.
        optimizer.load_state_dict({**self.scalars, "slots": self.slots})

    def committed_buffers(self):
        """The protected buffers as they were when the checkpoint was taken
        (the checkpoint's own copies, never written)."""
        return [saved for _, saved in self.buffers]

    def committed(self):
        """The protected values as they were when the checkpoint was taken.

        Nothing is copied: dense parameters and slots are the checkpoint's own
        copies (never written), row-sparse ones :class:`CommittedRows` views.

        Returns
        -------
        params : list
            Aligned with the optimizer's parameters.
        optimizer : Optimizer
            A shallow copy of the optimizer with those parameters, its slots
            and scalars as they were (for reading, e.g. saving, only).
        """
        optimizer = self.optimizer
        params, state = [], {name: [] for name in self.slots}
        for i, param in enumerate(optimizer.params):
            if i in self.dense:
                saved, slots = self.dense[i]
                params.append(saved)
                for name in state:
                    state[name].append(slots[name])
                continue
            params.append(CommittedRows(param, self.saved_rows[i], None))
            for name in state:
                state[name].append(
                    CommittedRows(self.slots[name][i], self.saved_rows[i], name)
                )
        return params, optimizer.bound_to(params, {**self.scalars, "slots": state})


class CommittedRows:
    """A row-sparse array as it was when a :class:`Checkpoint` was taken, while
    steps change it: the live array, read through the rows saved since.

    Rows are read before the saved rows are looked up: a row a step changes
    was saved before the change began, so a read that overlaps the change
    still finds it saved.  Indexing with row ids (an embedding lookup) costs
    the rows read; ``np.asarray`` (saving, pickling) copies the whole array.

    Parameters
    ----------
    live : ndarray
        The array steps change in place.
    saved : list
        The checkpoint's saved rows of it, ``(rows, values, slots)`` chunks
        (appended to, never changed).
    slot : str or None
        Which values of a chunk: the parameter's (None) or a slot's.
    """

    def __init__(self, live, saved, slot):
        self.live, self.saved, self.slot = live, saved, slot
        self.shape, self.dtype, self.ndim = live.shape, live.dtype, live.ndim

    def _saved(self):
        """``(rows, values)`` saved so far, the rows sorted (cached until more
        are saved)."""
        chunks = list(self.saved)  # appends are atomic; chunks never change
        cached = getattr(self, "_index", None)
        if cached is not None and cached[0] == len(chunks):
            return cached[1:]
        if not chunks:
            rows, values = np.empty(0, np.intp), self.live[:0]
        else:
            rows = np.concatenate([chunk[0] for chunk in chunks])
            values = np.concatenate(
                [
                    chunk[1] if self.slot is None else chunk[2][self.slot]
                    for chunk in chunks
                ]
            )
            order = np.argsort(rows)
            rows, values = rows[order], values[order]
        self._index = (len(chunks), rows, values)
        return rows, values

    def __getitem__(self, ids):
        """Rows ``ids`` (an integer array of any shape), as they were."""
        ids = np.asarray(ids)
        out = self.live[ids]  # first, then the saved rows (see the class)
        rows, values = self._saved()
        if len(rows):
            position = np.minimum(np.searchsorted(rows, ids), len(rows) - 1)
            saved = rows[position] == ids
            out[saved] = values[position[saved]]
        return out

    def __array__(self, dtype=None, copy=None):
        out = self.live.copy()
        rows, values = self._saved()
        out[rows] = values
        return out if dtype is None else out.astype(dtype, copy=False)

    def __reduce__(self):  # pickled, deep-copied: as the array it stands for
        return np.asarray, (np.asarray(self),)
