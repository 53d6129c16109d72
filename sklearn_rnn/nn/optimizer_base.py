"""The optimizer API: settings, state dictionaries, lazy row updates.

Every optimizer is built on the list of parameter arrays it updates in place,
and its constructor takes every setting (PyTorch's ``torch.optim`` and
scikit-learn's ``_stochastic_optimizers`` are the models):

- **settings** (hyperparameters), declared once per class with their valid
  ranges: ``learning_rate_init`` and ``learning_rate_decay`` (the schedule)
  for all, plus each rule's own (``momentum``, ``beta_1``, ...);
  :meth:`Optimizer.set_hyperparameters` changes them by name, checked;
- **state**: ``iterations`` (steps taken), ``learning_rate`` (the rate in
  effect, set per epoch by :meth:`Optimizer.start_epoch`) and the *slots*,
  per-parameter arrays aligned with the parameters (velocities, moment
  estimates, ...).

:meth:`Optimizer.state_dict` gives all of it as plain values and arrays (the
optimizer's own arrays, as PyTorch's ``state_dict`` does);
:meth:`Optimizer.load_state_dict` checks a state and copies it in place.

Examples
--------
>>> import copy
>>> import numpy as np
>>> from sklearn_rnn.nn.optimizers import Adam
>>> w = np.zeros(2)
>>> adam = Adam([w], learning_rate_init=0.1, beta_1=0.5)
>>> adam.step([np.array([1.0, -1.0])])
>>> saved = copy.deepcopy(adam.state_dict())
>>> saved["hyperparameters"], saved["iterations"], saved["slots"]["first_moment"]
({'learning_rate_init': 0.1, 'learning_rate_decay': 1.0, 'beta_1': 0.5, \
'beta_2': 0.999, 'epsilon': 1e-08}, 1, [array([ 0.5, -0.5])])
>>> adam.set_hyperparameters(beta_3=0.9)
Traceback (most recent call last):
...
ValueError: Adam has no hyperparameter 'beta_3'; its hyperparameters are \
beta_1, beta_2, epsilon, learning_rate_decay, learning_rate_init.
>>> fresh = Adam([np.zeros(2)])
>>> fresh.load_state_dict(saved)
>>> fresh.beta_1, fresh.state_dict()["slots"]["first_moment"][0]
(0.5, array([ 0.5, -0.5]))
"""

import copy
import inspect
import math
from collections import namedtuple
from numbers import Integral, Real

import numpy as np

#: A declared setting: its default and its range, ``ends`` being "[]", "()",
#: "[)" or "(]" (which bounds are allowed).
Setting = namedtuple("Setting", ["default", "low", "high", "ends"])
#: The schedule settings every optimizer has (a rule may change the default).
SCHEDULE = {
    "learning_rate_init": Setting(0.001, 0.0, math.inf, "[)"),
    "learning_rate_decay": Setting(1.0, 0.0, 1.0, "(]"),
}
#: The keys of a state dictionary.
STATE_KEYS = ("hyperparameters", "iterations", "learning_rate", "slots")


def check_setting(owner, name, value, setting):
    """``value`` as a float, or a TypeError / ValueError naming ``name``;
    ``setting`` is a :data:`Setting` (its range is checked)."""
    if isinstance(value, bool) or not isinstance(value, Real):
        raise TypeError(
            f"{owner}: {name} must be a real number; got {value!r} of type "
            f"{type(value).__name__}."
        )
    _, low, high, ends = setting
    value = float(value)
    above = value > low if ends[0] == "(" else value >= low
    below = value < high if ends[1] == ")" else value <= high
    if not (above and below):  # NaN fails both
        raise ValueError(
            f"{owner}: {name} must be in {ends[0]}{low:g}, {high:g}{ends[1]}; "
            f"got {value!r}."
        )
    return value


class Optimizer:
    """Base class of the optimizers: parameters, settings and per-parameter slots.

    A rule subclasses it: it declares its ``slots`` (names of the
    per-parameter state arrays) and ``settings`` (a :data:`Setting` per
    hyperparameter) and implements ``_update(param, grad, slots)``, which
    updates one parameter and its slot arrays in place.  The base class
    checks the settings, keeps the step count and the learning rate, and
    gives the state dictionaries.

    Row-sparse parameters (embedding tables, whose gradient is zero outside
    the rows a batch used) are updated lazily: ``step(grads, rows={i: r})``
    updates only rows ``r`` of parameter ``i`` and of its state slots; the
    other rows keep their weights *and* their state, as PyTorch's
    ``SparseAdam`` and TensorFlow's ``LazyAdam`` do.  For SGD this equals the
    dense update; for the stateful optimizers it differs in that an absent
    row's momentum neither decays nor moves it.  It is what makes a step cost
    follow the batch, not the table (a 2**21-row table has 256 MiB of weights
    and 512 MiB of Adam moments).

    Parameters
    ----------
    params : list of ndarray
        The arrays to update in place.
    learning_rate_init : float >= 0, default=None
        The learning rate of the first epoch; None is the rule's default
        (0.001, or 0.01 for some rules).
    **settings
        The other settings by name: ``learning_rate_decay``, a float in
        (0, 1] (default 1.0), the per-epoch factor of the learning rate (see
        :meth:`start_epoch`), and the rule's own (see its class; the
        signature of each subclass lists them with their defaults).  An
        unknown name raises a TypeError, a value out of its range a
        ValueError.

    Attributes
    ----------
    learning_rate : float
        The rate in effect (scikit-learn's optimizers' name).
    iterations : int
        Steps taken.

    See Also
    --------
    sklearn_rnn.nn.optimizers.SGD : The simplest rule, with no slot.
    sklearn_rnn.nn.optimizers.Adam : A rule with two slots.

    Examples
    --------
    A rule is a subclass that implements ``_update``:

    >>> import numpy as np
    >>> from sklearn_rnn.nn.optimizer_base import Optimizer
    >>> class SignDescent(Optimizer):
    ...     def _update(self, param, grad, slots):
    ...         param -= self.learning_rate * np.sign(grad)
    >>> w = np.array([1.0, -1.0])
    >>> rule = SignDescent([w], learning_rate_init=0.5)
    >>> rule.step([np.array([3.0, -0.1])])
    >>> w, rule.iterations
    (array([ 0.5, -0.5]), 1)
    """

    #: Names of the per-parameter state slots, each a list aligned with params.
    slots = ()
    #: The rule's own settings by name (a :data:`Setting` each), after the
    #: schedule's; re-declaring ``learning_rate_init`` changes its default.
    settings = {}

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        # The signature lists every setting with its default (introspection,
        # help()); __init__ takes them as keywords.
        declared = cls.declared_settings()
        first = inspect.Parameter.POSITIONAL_OR_KEYWORD
        cls.__signature__ = inspect.Signature(
            [
                inspect.Parameter("params", first),
                inspect.Parameter(
                    "learning_rate_init",
                    first,
                    default=declared["learning_rate_init"][0],
                ),
            ]
            + [
                inspect.Parameter(name, inspect.Parameter.KEYWORD_ONLY, default=value)
                for name, (value, *_) in declared.items()
                if name != "learning_rate_init"
            ]
        )

    def __init__(self, params, learning_rate_init=None, **settings):
        declared = self.declared_settings()
        unknown = sorted(set(settings) - set(declared))
        if unknown:
            raise TypeError(
                f"{type(self).__name__}() got an unexpected keyword argument "
                f"{unknown[0]!r}"
            )
        if learning_rate_init is not None:
            settings["learning_rate_init"] = learning_rate_init
        self.params = list(params)
        self.iterations = 0
        # np.zeros (calloc): the slots of an embedding table's rows never
        # updated take no memory.
        self.state = {
            name: [np.zeros(p.shape, p.dtype) for p in self.params]
            for name in self.slots
        }
        defaults = {name: setting.default for name, setting in declared.items()}
        self.set_hyperparameters(**{**defaults, **settings})
        self.learning_rate = self.learning_rate_init

    def __repr__(self):
        settings = ", ".join(
            f"{k}={v!r}" for k, v in self.get_hyperparameters().items()
        )
        return f"{type(self).__name__}({settings})"

    @classmethod
    def declared_settings(cls):
        """Every setting by name (a :data:`Setting` each), the schedule's first."""
        return {**SCHEDULE, **cls.settings}

    @classmethod
    def hyperparameter_names(cls):
        """The names :meth:`set_hyperparameters` accepts, in declaration order."""
        return tuple(cls.declared_settings())

    def get_hyperparameters(self):
        """Return the settings by name.

        Returns
        -------
        dict
            Each setting's current value by name, in declaration order (a
            new dict).
        """
        return {name: getattr(self, name) for name in self.hyperparameter_names()}

    def set_hyperparameters(self, **settings):
        """Change settings by name; all are checked before any is changed.

        Parameters
        ----------
        **settings
            New values by name, of the names :meth:`hyperparameter_names`
            gives; each is stored as a float.

        Raises
        ------
        ValueError
            For a name the optimizer does not declare, or a value out of its
            range (both named).
        TypeError
            For a value that is not a real number.
        """
        declared = self.declared_settings()
        name = type(self).__name__
        unknown = sorted(set(settings) - set(declared))
        if unknown:
            raise ValueError(
                f"{name} has no hyperparameter {unknown[0]!r}; its hyperparameters "
                f"are {', '.join(sorted(declared))}."
            )
        checked = {
            key: check_setting(name, key, value, declared[key])
            for key, value in settings.items()
        }
        vars(self).update(checked)

    def start_epoch(self, epoch):
        """Set the learning rate of epoch ``epoch`` (counted from 0).

        ``learning_rate_init * learning_rate_decay**epoch``: PyTorch's
        ``ExponentialLR``; a decay of 1 keeps it constant.

        Parameters
        ----------
        epoch : int
            The epoch about to start, 0 for the first.
        """
        self.learning_rate = self.learning_rate_init * self.learning_rate_decay**epoch

    def step(self, grads, rows=None):
        """Update every parameter in place from its gradient.

        Parameters
        ----------
        grads : list of ndarray
            Aligned with ``params``.
        rows : dict of int to ndarray, default=None
            For row-sparse parameters, index -> the rows to update (the rest
            of that gradient is taken to be zero).
        """
        rows = rows or {}
        self.iterations += 1
        for i, (param, grad) in enumerate(zip(self.params, grads)):
            slots = {name: arrays[i] for name, arrays in self.state.items()}
            if i not in rows:
                self._update(param, grad, slots)
                continue
            r = rows[i]  # update compact copies of the rows, then write back
            compact = {name: slot[r] for name, slot in slots.items()}
            values = param[r]
            self._update(values, grad[r], compact)
            param[r] = values
            for name, slot in slots.items():
                slot[r] = compact[name]

    def _update(self, param, grad, slots):
        """Update ``param`` (and the arrays of ``slots``) in place."""
        raise NotImplementedError

    # ------------------------------------------------------------ state
    def state_dict(self):
        """Everything the optimizer holds besides its parameters.

        Returns
        -------
        dict
            ``hyperparameters`` (:meth:`get_hyperparameters`), ``iterations``,
            ``learning_rate`` (the rate in effect) and ``slots``: slot name ->
            list of arrays aligned with the parameters.  The arrays are the
            optimizer's own, not copies (as PyTorch's): deep-copy the result
            to keep it.
        """
        return {
            "hyperparameters": self.get_hyperparameters(),
            "iterations": self.iterations,
            "learning_rate": self.learning_rate,
            "slots": {name: list(arrays) for name, arrays in self.state.items()},
        }

    def load_state_dict(self, state):
        """Check ``state`` (as :meth:`state_dict` gives it) and copy it in.

        Every part is checked before anything changes: the keys, each
        hyperparameter (all must be given), the iteration count (an int >= 0),
        the learning rate (finite, >= 0), the slot names (this optimizer's)
        and each slot array's shape (its parameter's) and kind (floats).
        Slot values are copied into the optimizer's own arrays, which stay
        bound; an array that already is the optimizer's own is left as it is.

        Parameters
        ----------
        state : dict
            A state as :meth:`state_dict` gives it (for this rule and
            parameters of the same shapes).

        Raises
        ------
        ValueError
            For a missing or unknown key, hyperparameter or slot, a negative
            iteration count, a learning rate or setting out of its range, or
            a slot array of another shape than its parameter's.
        TypeError
            For a value of the wrong type (hyperparameters not a dict, a
            non-integer iteration count, non-float slot arrays).
        """
        name = type(self).__name__
        if not isinstance(state, dict) or sorted(state) != sorted(STATE_KEYS):
            keys = sorted(state) if isinstance(state, dict) else type(state).__name__
            raise ValueError(f"{name}: a state has the keys {STATE_KEYS}; got {keys}.")
        settings = state["hyperparameters"]
        if not isinstance(settings, dict):
            raise TypeError(f"{name}: the hyperparameters must be a dict.")
        missing = sorted(set(self.hyperparameter_names()) - set(settings))
        if missing:
            raise ValueError(f"{name}: the state lacks the hyperparameters {missing}.")
        iterations = state["iterations"]
        if isinstance(iterations, bool) or not isinstance(iterations, Integral):
            raise TypeError(f"{name}: iterations must be an int; got {iterations!r}.")
        if iterations < 0:
            raise ValueError(f"{name}: iterations must be >= 0; got {iterations}.")
        rate = check_setting(
            name, "learning_rate", state["learning_rate"], Setting(0, 0, math.inf, "[)")
        )
        slots = state["slots"]
        if not isinstance(slots, dict) or sorted(slots) != sorted(self.slots):
            raise ValueError(f"{name}: its slots are {list(self.slots)}; got {slots}.")
        for slot, arrays in slots.items():
            shapes = [np.shape(array) for array in arrays]
            if shapes != [param.shape for param in self.params]:
                raise ValueError(
                    f"{name}: the {slot} arrays have the shapes {shapes}; the "
                    f"parameters' are {[param.shape for param in self.params]}."
                )
            kinds = {np.dtype(getattr(array, "dtype", object)).kind for array in arrays}
            if not kinds <= {"f"}:
                raise TypeError(f"{name}: the {slot} arrays must hold floats.")
        self.set_hyperparameters(**settings)
        self.iterations, self.learning_rate = int(iterations), rate
        for slot, arrays in slots.items():
            for own, array in zip(self.state[slot], arrays):
                if own is not array:
                    np.copyto(own, array)

    def bound_to(self, params, state):
        """Return a shallow copy of this optimizer bound to other arrays.

        The copy's parameters are ``params`` and its scalars and slots those
        of ``state``, taken as they are: nothing is checked nor copied.  For
        a committed state read by other threads (nothing writes to it) and
        for pickles, which copy the arrays first.

        Parameters
        ----------
        params : list of ndarray
            The parameters of the copy, aligned with this optimizer's.
        state : dict
            A state as :meth:`state_dict` gives it; its slot arrays become
            the copy's own.

        Returns
        -------
        Optimizer
            The copy, of this optimizer's class; this optimizer is unchanged.
        """
        view = copy.copy(self)
        view.params = list(params)
        view.state = {name: list(arrays) for name, arrays in state["slots"].items()}
        vars(view).update(state["hyperparameters"])
        view.iterations, view.learning_rate = (
            state["iterations"],
            state["learning_rate"],
        )
        return view
