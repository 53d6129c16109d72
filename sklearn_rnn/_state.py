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
>>> state["scalars"]["n_iter_"], sorted(state["arrays"])
(2, ['input_mean_', 'input_scale_', 'loss_curve_', 'rng_keys', 'y_mean_', 'y_scale_'])
>>> sorted(state["weights"])[:2]
['0.GRU.bias', '0.GRU.kernel']
"""

from numbers import Integral, Real

import numpy as np

from ._callbacks import CALLBACK_ATTRIBUTES
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
}
#: 1-D array attributes of every estimator: name -> (dtype kinds, required).
BASE_ARRAYS = {
    "loss_curve_": ("f", True),
    "validation_scores_": ("f", False),
    "feature_names_in_": ("U", False),
    "input_mean_": ("f", False),  # None without scale_input
    "input_scale_": ("f", False),
}
#: Attributes that hold lists in memory but are stored as arrays.
LIST_ATTRIBUTES = ("loss_curve_", "validation_scores_")


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
        name) and ``optimizer`` (its iteration count and slot names).
    """
    scalars = {
        name: _plain(getattr(estimator, name)) for name in estimator._fitted_scalars
    }
    arrays = {}
    for name in estimator._fitted_arrays:
        value = getattr(estimator, name, None)
        if value is not None:
            kind = estimator._fitted_arrays[name][0]
            arrays[name] = np.asarray(value, dtype=np.float64 if kind == "f" else None)
    if "feature_names_in_" in arrays:
        arrays["feature_names_in_"] = arrays["feature_names_in_"].astype(str)
    _, keys, *rng_scalars = estimator._random_state.get_state(legacy=True)
    arrays["rng_keys"] = keys
    scalars["_rng_state"] = [_plain(value) for value in rng_scalars]
    optimizer = estimator._optimizer
    return {
        "scalars": scalars,
        "arrays": arrays,
        "weights": weight_arrays(estimator.network_, optimizer),
        "optimizer": {
            "iterations": optimizer.iterations,
            "slots": list(optimizer.state),
        },
    }


def weight_arrays(network, optimizer):
    """The network's parameters and the optimizer's slots, by name (the arrays
    themselves): ``"<weight name>"`` and ``"<slot>:<weight name>"``."""
    weights = dict(zip(network.param_names, network.params))
    for slot, slot_arrays in optimizer.state.items():
        weights.update(
            (f"{slot}:{name}", array)
            for name, array in zip(network.param_names, slot_arrays)
        )
    return weights


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
        return self

    def protect(self, network, optimizer):
        """Checkpoint ``optimizer``'s arrays (the network's weights) before training."""
        self.checkpoint = Checkpoint(optimizer, row_sparse=list(network.sparse_rows))
        return self.checkpoint

    def __exit__(self, exc_type, exc, traceback):
        if exc_type is None:
            return False
        while True:  # an interrupt during the undo is absorbed: undo again
            try:
                self._undo()
                break
            except KeyboardInterrupt:
                continue
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
