"""Save and load fitted estimators as plain arrays, never as pickles.

A model file is a NumPy ``.npz`` archive (a zip of ``.npy`` entries) that
holds only numeric and string arrays plus two JSON documents: the
hyperparameters, and the fitted state as the estimator class declares it
(:mod:`sklearn_rnn._state`). Loading it can never run code, and it is safe on
files from strangers:

- only regular files are read (never a device or a FIFO), and the archive's
  directory is checked before any entry is read: at most
  :data:`~sklearn_rnn._model_archive.MAX_ENTRIES` entries, only the names the
  format defines, stored uncompressed and unencrypted, together no larger
  than the file (no decompression bombs);
- JSON documents are at most 1 MiB, their integers within int64;
- hyperparameters are validated like ``fit`` validates them, and the fitted
  scalars by their declared types;
- the weights and optimizer slots the hyperparameters call for (the product
  of every layer's widths, gates and directions) are bounded by the file's
  size *before* the network is built, and every array's name, dtype and
  shape are checked against that network from the ``.npy`` header before its
  data is read; non-finite weights are refused.

Anything wrong raises one ValueError that says what; no other exception
escapes from reading a file (only opening it may raise an OSError, such as
``FileNotFoundError``).  ``predict`` gives
identical results after a round trip, and ``partial_fit`` continues exactly
as it would have on the saved estimator (optimizer and random state are
stored).

Examples
--------
>>> import os, tempfile
>>> import numpy as np
>>> from sklearn_rnn import ScratchRNNClassifier
>>> from sklearn_rnn.persistence import load_model, save_model
>>> rng = np.random.RandomState(0)
>>> X, y = rng.randn(30, 5, 2), rng.choice(["down", "up"], size=30)
>>> clf = ScratchRNNClassifier(hidden_size=4, max_iter=2, random_state=0).fit(X, y)
>>> path = os.path.join(tempfile.mkdtemp(), "clf.npz")
>>> save_model(clf, path)
>>> loaded = load_model(path)
>>> loaded.classes_
array(['down', 'up'], dtype='<U4')
>>> bool(np.array_equal(loaded.predict_proba(X), clf.predict_proba(X)))
True
"""

import json
import os
import struct
import zipfile
import zlib
from numbers import Integral

import numpy as np
from sklearn.utils.validation import check_is_fitted

from ._concurrency import committed_state
from ._model_archive import MAX_ENTRIES, open_archive, write_atomically
from ._model_file import FORMAT_VERSION, MAGIC, ModelFileReader
from ._params import SIZE_TUPLES, architecture
from ._state import export_state

__all__ = [
    "FORMAT_VERSION",
    "PersistenceMixin",
    "load_model",
    "register_model_class",
    "save_model",
]

#: The only classes a file may name (registered by the estimator modules).
_CLASSES = {}
#: Errors that reading a corrupt or tampered file can raise; all are reported
#: as one ValueError (zipfile raises NotImplementedError for unknown
#: compression methods and versions, RuntimeError for encrypted entries).
_CORRUPT_FILE_ERRORS = (
    ValueError,
    TypeError,
    LookupError,
    EOFError,
    OSError,
    zipfile.BadZipFile,
    zlib.error,
    struct.error,
    RuntimeError,  # RecursionError and NotImplementedError among them
    ArithmeticError,
)


# ``cls`` is described in the text, not under Parameters: numpydoc's
# validation takes a first parameter named ``cls`` for a class method's.
def register_model_class(cls):
    """Let model files name ``cls`` (a class decorator; nothing else is ever built).

    ``cls``, the only argument, is an estimator class that :func:`save_model`
    may write and :func:`load_model` may build: :func:`load_model` builds
    only the classes registered here, looked up by the name the file holds.
    The estimators of this package register themselves.  Registering a class
    again, or another class of the same name, replaces the entry.

    Returns
    -------
    type
        ``cls`` itself, so that it decorates a class definition.

    See Also
    --------
    load_model : Builds only registered classes.

    Examples
    --------
    >>> from sklearn_rnn import ScratchRNNClassifier
    >>> from sklearn_rnn.persistence import register_model_class
    >>> register_model_class(ScratchRNNClassifier) is ScratchRNNClassifier
    True
    """
    _CLASSES[cls.__name__] = cls
    return cls


# --------------------------------------------------------------------- saving
def save_model(estimator, path):
    """Write a fitted estimator to ``path`` as a pickle-free ``.npz`` file.

    The file is written to a temporary file in the same folder, then renamed
    to ``path``: a reader never sees a partly written model, and a failed save
    leaves any previous file in place. ``path`` is used as given (no
    extension added); a symlink's target is written, an existing file keeps
    its permissions, a new one gets the umask's, as with ``np.save``.

    Parameters
    ----------
    estimator : ScratchRNNClassifier or ScratchRNNRegressor
        A fitted estimator. A ``random_state`` given as a ``RandomState``
        instance is stored as None (the generator's current state is kept
        separately, for continued training).
    path : str or path-like
        The file to write, used as given (an existing one is replaced).

    Raises
    ------
    TypeError
        If ``estimator`` is not one of the registered estimators.
    sklearn.exceptions.NotFittedError
        If it is not fitted.
    ValueError
        If a hyperparameter that shapes the network was changed with
        ``set_params`` after fitting, or the model has more weights and
        optimizer slots than a model file may hold (``MAX_ENTRIES``).

    See Also
    --------
    load_model : Read the file back.

    Examples
    --------
    >>> import os, tempfile
    >>> import numpy as np
    >>> from sklearn_rnn import ScratchRNNRegressor
    >>> from sklearn_rnn.persistence import load_model, save_model
    >>> X = np.random.RandomState(0).rand(20, 6)
    >>> reg = ScratchRNNRegressor(hidden_size=4, max_iter=3, random_state=0)
    >>> reg = reg.fit(X, X.sum(axis=1))
    >>> path = os.path.join(tempfile.mkdtemp(), "reg.npz")
    >>> save_model(reg, path)
    >>> bool(np.array_equal(load_model(path).predict(X), reg.predict(X)))
    True
    """
    name = type(estimator).__name__
    if _CLASSES.get(name) is not type(estimator):
        raise TypeError(
            f"save_model stores {' and '.join(sorted(_CLASSES))} estimators "
            f"only; got {type(estimator).__qualname__}."
        )
    # The committed state, read until written: a training call in another
    # thread changes nothing of it before the file is complete.
    with committed_state(estimator) as state:
        arrays = _file_arrays(state, name)
        write_atomically(path, lambda file: np.savez(file, **arrays))


def _file_arrays(estimator, name):
    """The entries of ``estimator``'s model file, by name."""
    check_is_fitted(estimator, "network_")
    params = _storable_params(estimator)
    changed = sorted(
        key
        for key, value in architecture(estimator.get_params(deep=False)).items()
        if estimator._architecture[key] != value
    )
    if changed:
        raise ValueError(
            f"This {name} cannot be saved: its fitted network does not match its "
            f"hyperparameters ({', '.join(changed)} changed with set_params after "
            "fit). "
            "Refit it first."
        )
    state = export_state(estimator)
    arrays = {
        "format": np.array(MAGIC),
        "format_version": np.array(FORMAT_VERSION),
        "estimator": np.array(name),
        "params": np.array(json.dumps(params)),
        "state": np.array(
            json.dumps({"scalars": state["scalars"], "optimizer": state["optimizer"]})
        ),
    }
    if estimator.embeddings is not None:  # a hyperparameter too large for JSON
        arrays["param:embeddings"] = np.asarray(estimator.embeddings)
    arrays.update((f"array:{key}", value) for key, value in state["arrays"].items())
    arrays.update((f"weight:{key}", value) for key, value in state["weights"].items())
    if len(arrays) > MAX_ENTRIES:  # a file load_model would refuse
        raise ValueError(
            f"This {name} has {len(arrays)} arrays to save, more than a model file "
            f"holds ({MAX_ENTRIES}): its weights and optimizer slots are too many "
            "(num_layers, dense_layers). Use pickle or joblib."
        )
    return arrays


def _storable_params(estimator):
    """``get_params()`` as JSON values (tuples as lists, dtype as its name;
    ``embeddings`` is stored as the array entry ``param:embeddings``)."""
    params = estimator.get_params(deep=False)
    params["embeddings"] = None
    if not isinstance(params["dtype"], str):
        params["dtype"] = np.dtype(params["dtype"]).name
    seed = params["random_state"]
    params["random_state"] = int(seed) if isinstance(seed, Integral) else None
    for name in SIZE_TUPLES:
        if not isinstance(params[name], str):  # conv_filters="auto" stays
            params[name] = [int(units) for units in params[name]]
    if isinstance(params.get("class_weight"), dict):  # JSON keys would become str
        params["class_weight"] = [
            [_plain_value(label), _plain_value(weight)]
            for label, weight in params["class_weight"].items()
        ]
    return {key: _plain_value(value) for key, value in params.items()}


def _plain_value(value):
    return value.item() if isinstance(value, np.generic) else value


# -------------------------------------------------------------------- loading
def load_model(path):
    """Read an estimator written by :func:`save_model`.

    Nothing in the file is executed, it can only produce a registered
    estimator class, and its memory use is bounded by the file's size (see
    the module's docstring).

    Parameters
    ----------
    path : str, bytes or path-like
        A regular file.

    Returns
    -------
    estimator : ScratchRNNClassifier or ScratchRNNRegressor
        Fitted, with the saved weights, optimizer state and random state.
        String class labels come back as a unicode array, ``dense_layers`` as
        a tuple.

    Raises
    ------
    ValueError
        If the file is not a valid sklearn_rnn model file, or not a regular
        file (a directory, a device, a FIFO).
    OSError
        If the file cannot be opened (e.g. ``FileNotFoundError``).

    See Also
    --------
    save_model : Write the file.

    Examples
    --------
    >>> import os, tempfile
    >>> from sklearn_rnn.persistence import load_model
    >>> path = os.path.join(tempfile.mkdtemp(), "not_a_model.npz")
    >>> with open(path, "w") as file:
    ...     _ = file.write("hello")
    >>> load_model(path)
    Traceback (most recent call last):
    ...
    ValueError: ... is not a valid sklearn_rnn model file: ...
    """
    try:
        with open_archive(path) as (archive, size):
            return ModelFileReader(archive, size, _CLASSES).estimator()
    except (FileNotFoundError, PermissionError, IsADirectoryError):
        raise  # the file cannot be opened: nothing of it was read
    except _CORRUPT_FILE_ERRORS as exc:
        raise ValueError(
            f"{os.fspath(path)!r} is not a valid sklearn_rnn model file: {_reason(exc)}"
        ) from None


def _reason(exc):
    """What is wrong with the file, from the exception reading it raised."""
    if isinstance(exc, KeyError):
        return f"missing entry {exc}"
    if isinstance(exc, RecursionError):
        return "a JSON document is nested too deeply"
    reason = str(exc) or type(exc).__name__
    return reason if len(reason) <= 300 else reason[:300] + "..."


class PersistenceMixin:
    """Give an estimator ``save`` and ``load``, shorthands for this module.

    The estimators of this package inherit it; model files hold no pickle.

    See Also
    --------
    save_model : Write a fitted estimator to a model file.
    load_model : Read a model file back.

    Examples
    --------
    >>> from sklearn_rnn import ScratchRNNClassifier
    >>> from sklearn_rnn.persistence import PersistenceMixin
    >>> issubclass(ScratchRNNClassifier, PersistenceMixin)
    True
    """

    def save(self, path):
        """Write this fitted estimator to ``path`` as a pickle-free ``.npz`` file.

        Shorthand for :func:`sklearn_rnn.persistence.save_model`; read the
        file back with :meth:`load`.

        Parameters
        ----------
        path : str, bytes or path-like
            The file to write; an existing one is replaced atomically.

        Examples
        --------
        >>> import os, tempfile
        >>> import numpy as np
        >>> from sklearn_rnn import ScratchRNNRegressor
        >>> X = np.random.RandomState(0).rand(20, 6)
        >>> reg = ScratchRNNRegressor(hidden_size=4, max_iter=3, random_state=0)
        >>> reg = reg.fit(X, X.sum(axis=1))
        >>> path = os.path.join(tempfile.mkdtemp(), "reg.npz")
        >>> reg.save(path)
        >>> loaded = ScratchRNNRegressor.load(path)
        >>> bool(np.array_equal(loaded.predict(X), reg.predict(X)))
        True
        """
        save_model(self, path)

    @classmethod
    def load(cls, path):
        """Read an estimator written by :meth:`save` (never unpickles anything).

        Shorthand for :func:`sklearn_rnn.persistence.load_model` that also
        checks the class of the stored estimator.

        Parameters
        ----------
        path : str or path-like
            A file written by :meth:`save` or :func:`save_model`.

        Returns
        -------
        estimator : instance of this class
            The fitted estimator the file holds.

        Raises
        ------
        ValueError
            If the file is not a valid sklearn_rnn model file, or holds an
            estimator of another class.
        """
        estimator = load_model(path)
        if not isinstance(estimator, cls):
            raise ValueError(
                f"{path!s} holds a {type(estimator).__name__}, not a {cls.__name__}."
            )
        return estimator
