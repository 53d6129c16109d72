"""The estimators' fitted state, declared once.

Everything a fitted estimator holds besides its hyperparameters is listed
here, by kind; rollback (:class:`Transaction`), model files
(:mod:`sklearn_rnn.persistence`) and their validation all derive from this
one declaration:

- *scalars*: plain values (int, float, bool, str or None), stored as JSON;
- *arrays*: 1-D arrays (training curves, labels, feature names);
- *weights*: the network's parameters, by name, and the optimizer's state
  slots of each (``"<slot>:<weight name>"``);
- the random generator's state (for continued training).

Examples
--------
>>> import numpy as np
>>> from sklearn_rnn import ScratchRNNRegressor
>>> X = np.random.RandomState(0).rand(20, 6)
>>> reg = ScratchRNNRegressor(hidden_size=4, max_iter=2, random_state=0)
>>> reg = reg.fit(X, X.sum(1))
>>> state = export_state(reg)
>>> state["scalars"]["n_iter_"], sorted(state["arrays"])  # doctest: +ELLIPSIS
(2, ['batch_loss_curve_', 'batches_per_epoch_', 'input_mean_', 'input_scale_', ...])
>>> [name for name in state["weights"] if name.startswith("rnn.")][:2]
['rnn.0.kernel', 'rnn.0.recurrent_kernel']
"""

import copy
from numbers import Integral, Real

import numpy as np

from ._callbacks import CALLBACK_ATTRIBUTES
from ._concurrency import SNAPSHOT_ATTRIBUTE, committed_state, guard_of, snapshot
from .nn.checkpoint import Checkpoint

#: Scalar fitted attributes of every estimator: name -> allowed types.
BASE_SCALARS = {
    "n_features_in_": (Integral,),
    "n_step_features_": (Integral,),
    "_fitted_on_2d": (bool,),
    "dtype_": (str,),
    "vocab_size_": (Integral, type(None)),
    "n_iter_": (Integral,),
    "t_": (Integral,),
    "best_loss_": (Real,),
    "best_validation_score_": (Real, type(None)),
    "_no_improvement_count": (Integral,),
    "_learning_rate_scale": (Real,),
    "downsample_": (Integral,),
    "flat_steps_": (Integral,),
}
#: 1-D array attributes of every estimator: name -> (dtype kinds, required).
BASE_ARRAYS = {
    "loss_curve_": ("f", True),
    "batch_loss_curve_": ("f", False),  # None in files written before it
    "batches_per_epoch_": ("iu", False),
    "validation_scores_": ("f", False),
    "feature_names_in_": ("U", False),
    "input_mean_": ("f", False),  # None without scale_input
    "input_scale_": ("f", False),
}
#: Attributes that hold lists in memory but are stored as arrays.
LIST_ATTRIBUTES = (
    "loss_curve_",
    "batch_loss_curve_",
    "batches_per_epoch_",
    "validation_scores_",
)


def check_scalar_types(declared, values):
    """Raise a ValueError unless ``values`` has each declared scalar, well typed."""
    for name, types in declared.items():
        if name not in values:
            raise ValueError(f"the fitted attribute {name} is missing")
        value = values[name]
        if not isinstance(value, types) or (
            isinstance(value, bool) and bool not in types
        ):
            raise ValueError(
                f"the fitted attribute {name} has an invalid value {value!r}"
            )


def export_state(estimator):
    """The fitted state of ``estimator`` as plain values and arrays.

    Returns
    -------
    dict
        ``scalars`` (JSON-able), ``arrays`` (1-D arrays and the random
        generator's keys), ``weights`` (parameters and optimizer slots, by
        name) and ``optimizer`` (its ``state_dict`` with the slots' names in
        place of their arrays).
    """
    scalars = {
        name: _plain(getattr(estimator, name)) for name in estimator._fitted_scalars
    }
    arrays = {}
    for name in estimator._fitted_arrays:
        value = getattr(estimator, name, None)
        if value is not None:
            kind = estimator._fitted_arrays[name][0]
            dtype = {"f": np.float64, "iu": np.int64}.get(kind)  # also when empty
            arrays[name] = np.asarray(value, dtype=dtype)
    if "feature_names_in_" in arrays:
        arrays["feature_names_in_"] = arrays["feature_names_in_"].astype(str)
    _, keys, *rng_scalars = estimator._random_state.get_state(legacy=True)
    arrays["rng_keys"] = keys
    scalars["_rng_state"] = [_plain(value) for value in rng_scalars]
    optimizer = estimator._optimizer.state_dict()
    return {
        "scalars": scalars,
        "arrays": arrays,
        "weights": weight_arrays(estimator.network_, estimator._optimizer),
        "optimizer": {**optimizer, "slots": list(optimizer["slots"])},
    }


def weight_arrays(network, optimizer):
    """The network's parameters and buffers and the optimizer's slots, by name
    (the arrays themselves): ``"<weight name>"`` and ``"<slot>:<weight name>"``."""
    weights = network.named_params() | network.named_buffers()
    for slot, slot_arrays in optimizer.state_dict()["slots"].items():
        weights.update(
            (f"{slot}:{name}", array)
            for name, array in zip(network.param_names, slot_arrays)
        )
    return weights


def frozen(attributes):
    """``attributes`` (an estimator's ``__dict__``) with a copy of everything
    training changes in place: the weights, the optimizer's slots and
    scalars, the random generator, the training curves.  Pickling reads
    the values after ``__getstate__`` has returned, when a training call in
    another thread may be changing the originals.

    The copies stay bound: the optimizer's parameters are the network's.
    """
    attributes = dict(attributes)
    network, optimizer = attributes.get("network_"), attributes.get("_optimizer")
    if network is not None:
        params = [np.array(param) for param in network.params]  # materialised
        buffers = [buffer.copy() for buffer in network.buffers]
        attributes["network_"] = network.with_params(params, buffers)
        if optimizer is not None:
            state = optimizer.state_dict()
            state["slots"] = {
                name: [np.array(slot) for slot in slots]
                for name, slots in state["slots"].items()
            }
            attributes["_optimizer"] = optimizer.bound_to(params, state)
    for name in ("_random_state", *LIST_ATTRIBUTES):
        if attributes.get(name) is not None:
            attributes[name] = copy.deepcopy(attributes[name])
    return attributes


class CommittedPickleMixin:
    """Pickles (and deep copies) hold a committed state: while another thread
    trains, the state before its call (see :mod:`sklearn_rnn._concurrency`).
    The weights and optimizer slots are copied (:func:`frozen`): pickling
    reads them after ``__getstate__`` returns, when a training call may have
    begun."""

    def __getstate__(self):
        with committed_state(self) as state:
            attributes = frozen(super(CommittedPickleMixin, state).__getstate__())
        attributes.pop(SNAPSHOT_ATTRIBUTE, None)
        return attributes


def _plain(value):
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    raise TypeError(f"{value!r} of type {type(value).__name__} is not a plain value.")


class Transaction:
    """Make a fit, warm-start fit or partial_fit all-or-nothing.

    Entered before anything changes, it remembers the estimator's attributes
    (references only: new objects replace old ones, old ones are not
    mutated) and the random generators' states (the fitted one, and a
    ``RandomState`` given as ``random_state``, which a new fit draws from);
    :meth:`protect` is called once the network and optimizer that training
    will change in place are known, and takes a
    :class:`~sklearn_rnn.nn.checkpoint.Checkpoint` of them.  If the block
    raises (KeyboardInterrupt included), every value is put back in place,
    so the optimizer stays bound to the network's arrays, and
    hyperparameters are never touched.  The cost is what the call changes,
    never a copy of the whole model.

    It also publishes what readers in other threads see until the call ends
    (see :mod:`sklearn_rnn._concurrency`): on entry, a snapshot of the
    attributes it keeps; from :meth:`protect` on, with the weights and
    optimizer slots as the checkpoint keeps them.  Each publication waits
    until no reader reads an older state, so nothing a reader reads is
    changed under it.
    """

    def __init__(self, estimator):
        self.estimator = estimator
        self.checkpoint = None

    def __enter__(self):
        est = self.estimator
        self.saved = {
            key: value
            for key, value in vars(est).items()
            if key not in CALLBACK_ATTRIBUTES
        }
        for name in LIST_ATTRIBUTES:
            if isinstance(self.saved.get(name), list):
                self.saved[name] = list(self.saved[name])
        # The generators a call may draw from: the fitted one, and a
        # RandomState instance given as random_state (a new fit draws from it).
        self.generators = [
            (rng, rng.get_state())
            for rng in {
                id(rng): rng
                for rng in (self.saved.get("_random_state"), est.random_state)
                if isinstance(rng, np.random.RandomState)
            }.values()
        ]
        self.committed = dict(self.saved)
        if self.saved.get("_random_state") is not None:  # training draws from it
            self.committed["_random_state"] = copy.deepcopy(self.saved["_random_state"])
        self.guard = guard_of(est)
        self.guard.publish(snapshot(est, self.committed))
        return self

    def protect(self, network, optimizer):
        """Checkpoint ``optimizer``'s arrays (the network's weights) before training."""
        self.checkpoint = Checkpoint(
            optimizer, row_sparse=list(network.sparse_rows), buffers=network.buffers
        )
        if self.committed.get("network_") is network:  # to be trained in place
            params, committed_optimizer = self.checkpoint.committed()
            view = network.with_params(params, self.checkpoint.committed_buffers())
            changes = {"network_": view}
            if self.committed.get("_optimizer") is optimizer:
                changes["_optimizer"] = committed_optimizer
            self.guard.publish(snapshot(self.estimator, {**self.committed, **changes}))
        return self.checkpoint

    def __exit__(self, exc_type, exc, traceback):
        if exc_type is not None:
            while True:  # an interrupt during the undo is absorbed: undo again
                try:
                    self._undo()
                    break
                except KeyboardInterrupt:
                    continue
        # Readers read the estimator again (the snapshot's readers may finish).
        self.guard.publish(None, wait=False)
        return False

    def _undo(self):
        est = self.estimator
        if self.checkpoint is not None:
            self.checkpoint.restore()
        for rng, state in self.generators:
            rng.set_state(state)
        hyperparameters = est._get_param_names()
        for key in list(vars(est)):
            if (
                key not in self.saved
                and key not in CALLBACK_ATTRIBUTES
                and key not in hyperparameters
            ):
                delattr(est, key)
        vars(est).update(self.saved)  # its lists are copies taken on entry
