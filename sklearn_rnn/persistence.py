"""Save and load fitted estimators as plain arrays, never as pickles.

A model file is a NumPy ``.npz`` archive (a zip of ``.npy`` entries) that
holds only numeric and string arrays plus two JSON documents: the
hyperparameters, and the fitted state as the estimator class declares it
(:mod:`sklearn_rnn._state`). Loading it can never run code, and it is safe on
files from strangers:

- only the entries the format defines are accepted, each no larger than the
  file itself (no decompression bombs), JSON documents at most 1 MiB;
- hyperparameters are validated like ``fit`` validates them, and the fitted
  scalars by their declared types;
- the weights the hyperparameters call for are bounded by the file's size
  *before* the network is built, and every array's name, dtype and shape
  are checked against that network from the ``.npy`` header before its
  data is read; non-finite weights are refused.

Anything wrong raises one ValueError that says what.  ``predict`` gives
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
import tempfile
import zipfile
import zlib
from numbers import Integral

import numpy as np
from sklearn.utils.validation import check_is_fitted

from ._params import architecture, check_dense_layers
from ._state import LIST_ATTRIBUTES, check_scalar_types, export_state

__all__ = ["FORMAT_VERSION", "load_model", "register_model_class", "save_model"]

#: Version of the file layout written by :func:`save_model`.
FORMAT_VERSION = 2
_MAGIC = "sklearn_rnn.model"
#: The only classes a file may name (registered by the estimator modules).
_CLASSES = {}
#: Largest JSON document or text entry accepted.
MAX_TEXT_BYTES = 2**20
_TEXT_ENTRIES = ("format", "format_version", "estimator", "params", "state")
#: Errors that reading a corrupt or tampered file can raise; all are reported
#: as one ValueError.
_CORRUPT_FILE_ERRORS = (
    ValueError,
    TypeError,
    KeyError,
    IndexError,
    EOFError,
    OSError,
    zipfile.BadZipFile,
    zlib.error,
    RecursionError,
    OverflowError,
)


def register_model_class(cls):
    """Let model files name ``cls`` (a class decorator; nothing else is ever built)."""
    _CLASSES[cls.__name__] = cls
    return cls


# --------------------------------------------------------------------- saving
def save_model(estimator, path):
    """Write a fitted estimator to ``path`` as a pickle-free ``.npz`` file.

    The file is written to a temporary file in the same folder, then renamed
    to ``path``: a reader never sees a partly written model, and a failed save
    leaves any previous file in place. ``path`` is used as given.

    Parameters
    ----------
    estimator : ScratchRNNClassifier or ScratchRNNRegressor
        A fitted estimator. A ``random_state`` given as a ``RandomState``
        instance is stored as None (the generator's current state is kept
        separately, for continued training).
    path : str or path-like

    Raises
    ------
    TypeError
        If ``estimator`` is not one of the registered estimators.
    sklearn.exceptions.NotFittedError
        If it is not fitted.
    ValueError
        If a hyperparameter that shapes the network was changed with
        ``set_params`` after fitting.

    See Also
    --------
    load_model : Read the file back.
    """
    name = type(estimator).__name__
    if _CLASSES.get(name) is not type(estimator):
        raise TypeError(
            f"save_model stores {' and '.join(sorted(_CLASSES))} estimators "
            f"only; got {type(estimator).__qualname__}."
        )
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
        "format": np.array(_MAGIC),
        "format_version": np.array(FORMAT_VERSION),
        "estimator": np.array(name),
        "params": np.array(json.dumps(params)),
        "state": np.array(
            json.dumps({"scalars": state["scalars"], "optimizer": state["optimizer"]})
        ),
    }
    arrays.update((f"array:{key}", value) for key, value in state["arrays"].items())
    arrays.update((f"weight:{key}", value) for key, value in state["weights"].items())
    _write_atomically(path, arrays)


def _storable_params(estimator):
    """``get_params()`` as JSON values (tuples as lists, dtype as its name)."""
    params = estimator.get_params(deep=False)
    if not isinstance(params["dtype"], str):
        params["dtype"] = np.dtype(params["dtype"]).name
    seed = params["random_state"]
    params["random_state"] = int(seed) if isinstance(seed, Integral) else None
    params["dense_layers"] = [int(units) for units in params["dense_layers"]]
    return {
        key: value.item() if isinstance(value, np.generic) else value
        for key, value in params.items()
    }


def _write_atomically(path, arrays):
    path = os.fspath(path)
    folder = os.path.dirname(os.path.abspath(path))
    fd, tmp_path = tempfile.mkstemp(prefix=".sklearn_rnn-", suffix=".tmp", dir=folder)
    try:
        with os.fdopen(fd, "wb") as file:
            np.savez(file, **arrays)
            file.flush()
            os.fsync(file.fileno())
        os.replace(tmp_path, path)
    except BaseException:
        os.unlink(tmp_path)
        raise


# -------------------------------------------------------------------- loading
def load_model(path):
    """Read an estimator written by :func:`save_model`.

    Nothing in the file is executed, it can only produce a registered
    estimator class, and its memory use is bounded by the file's size (see
    the module's docstring).

    Parameters
    ----------
    path : str or path-like

    Returns
    -------
    estimator : ScratchRNNClassifier or ScratchRNNRegressor
        Fitted, with the saved weights, optimizer state and random state.
        String class labels come back as a unicode array, ``dense_layers`` as
        a tuple.

    Raises
    ------
    ValueError
        If the file is not a valid sklearn_rnn model file.
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
    with open(path, "rb") as file:
        size = os.fstat(file.fileno()).st_size
        try:
            if file.read(6) == b"\x93NUMPY":
                raise ValueError("it is a single .npy array, not an .npz archive")
            file.seek(0)
            with zipfile.ZipFile(file) as archive:
                return _Reader(archive, size).estimator()
        except _CORRUPT_FILE_ERRORS as exc:
            reason = f"missing entry {exc}" if isinstance(exc, KeyError) else str(exc)
            if isinstance(exc, RecursionError):
                reason = "a JSON document is nested too deeply"
            raise ValueError(
                f"{os.fspath(path)!r} is not a valid sklearn_rnn model file: {reason}"
            ) from None


class _Reader:
    """Reads one archive, checking each entry before its data is read."""

    def __init__(self, archive, file_size):
        self.archive, self.file_size = archive, file_size
        self.entries = {}
        for info in archive.infolist():
            if not info.filename.endswith(".npy") or info.filename[:-4] in self.entries:
                raise ValueError(f"unexpected entry {info.filename!r}")
            if info.file_size > file_size:
                raise ValueError(
                    f"entry {info.filename!r} would unpack to {info.file_size} "
                    f"bytes, more than the file's {file_size}"
                )
            self.entries[info.filename[:-4]] = info
        self.used = set()

    def estimator(self):
        if self._text("format") != _MAGIC:
            raise ValueError("it was not written by sklearn_rnn.persistence.save_model")
        version = self.array("format_version", kinds="iu", shape=())
        if version != FORMAT_VERSION:
            raise ValueError(
                f"unsupported format version {version.tolist()!r} (this "
                f"sklearn_rnn reads version {FORMAT_VERSION}; refit and save)"
            )
        name = self._text("estimator")
        if name not in _CLASSES:
            raise ValueError(
                f"unknown estimator class {name!r}; expected one of {sorted(_CLASSES)}"
            )
        est = _estimator_from_params(_CLASSES[name], self._json("params"))
        state = self._json("state")
        if not isinstance(state, dict) or not isinstance(state.get("scalars"), dict):
            raise ValueError("the stored state is not a mapping")
        self._restore_attributes(est, state["scalars"])
        n_outputs, loss = est._target_encoding()
        self._check_size(est, n_outputs)
        rng = np.random.RandomState(0)  # its state is replaced below
        est._build(n_outputs, loss, rng)  # the dropout layers share ``rng``
        self._restore_weights(est, state.get("optimizer"))
        keys = self.array("array:rng_keys", kinds="u", shape=(624,))
        rng.set_state(("MT19937", keys, *state["scalars"]["_rng_state"]))
        est._random_state = rng
        unused = sorted(set(self.entries) - self.used)
        if unused:
            raise ValueError(f"unexpected entries {unused}")
        return est

    def _restore_attributes(self, est, scalars):
        check_scalar_types(est._fitted_scalars, scalars)
        rng_state = scalars.get("_rng_state")
        if not (isinstance(rng_state, list) and len(rng_state) == 3):
            raise ValueError("the stored random state is invalid")
        for name in est._fitted_scalars:
            setattr(est, name, scalars[name])
        if est.dtype_ not in ("float32", "float64") or est.dtype not in (
            "auto",
            est.dtype_,
        ):
            raise ValueError(f"invalid dtype_ {est.dtype_!r} for dtype={est.dtype!r}")
        if min(est.n_features_in_, est.n_step_features_) < 1:
            raise ValueError("n_features_in_ and n_step_features_ must be positive")
        vocab = est.vocab_size_
        if (
            (vocab is None) != (est.embedding_dim is None)
            or vocab is not None
            and (vocab < 2 or est.vocab_size not in (None, vocab))
        ):
            raise ValueError(f"invalid vocab_size_ {vocab!r}")
        for name, (kinds, required) in est._fitted_arrays.items():
            if f"array:{name}" not in self.entries:
                if required:
                    raise KeyError(f"array:{name}")
                setattr(est, name, None)
                continue
            values = self.array(f"array:{name}", kinds=kinds, shape=None)
            if values.ndim != 1:
                raise ValueError(f"array:{name} must be 1-D")
            setattr(est, name, values.tolist() if name in LIST_ATTRIBUTES else values)
        names = getattr(est, "feature_names_in_", None)
        if names is None:
            del est.feature_names_in_
        elif len(names) != est.n_features_in_:
            raise ValueError("feature_names_in does not match n_features_in_")
        else:
            est.feature_names_in_ = names.astype(object)
        if est.early_stopping and est.validation_scores_ is None:
            raise ValueError("early stopping needs validation_scores_")

    def _check_size(self, est, n_outputs):
        """Refuse hyperparameters whose weights could not fit in this file."""
        directions = 2 if est.bidirectional else 1
        H = est.hidden_size
        count = directions * (est.num_layers * H * H + H * est.n_step_features_)
        count += n_outputs + (est.vocab_size_ or 0) * (est.embedding_dim or 0)
        count += sum(est.dense_layers)
        needed = count * np.dtype(est.dtype_).itemsize
        if needed > self.file_size:
            raise ValueError(
                f"its hyperparameters call for at least {needed} bytes of "
                f"weights, but the file has {self.file_size} bytes"
            )

    def _restore_weights(self, est, optimizer_state):
        network, optimizer = est.network_, est._optimizer
        if not isinstance(optimizer_state, dict) or optimizer_state.get(
            "slots"
        ) != list(optimizer.state):
            raise ValueError(
                f"the optimizer state does not match solver={est.solver!r}"
            )
        iterations = optimizer_state.get("iterations")
        if (
            not isinstance(iterations, int)
            or isinstance(iterations, bool)
            or iterations < 0
        ):
            raise ValueError(f"invalid optimizer iteration count {iterations!r}")
        targets = list(zip(network.param_names, network.params))
        for slot, arrays in optimizer.state.items():
            targets += [
                (f"{slot}:{name}", array)
                for name, array in zip(network.param_names, arrays)
            ]
        for name, target in targets:
            values = self.array(
                f"weight:{name}", kinds="f", shape=target.shape, dtype=target.dtype
            )
            if not np.isfinite(values).all():
                raise ValueError(f"weight:{name} holds non-finite values")
            np.copyto(target, values)
        optimizer.iterations = iterations

    # ----------------------------------------------------------- entries
    def array(self, key, *, kinds, shape, dtype=None):
        """Entry ``key``, checked from its header (kind, shape, size) before reading."""
        info = self.entries[key]
        self.used.add(key)
        with self.archive.open(info) as fp:
            version = np.lib.format.read_magic(fp)
            read_header = (
                np.lib.format.read_array_header_1_0
                if version == (1, 0)
                else np.lib.format.read_array_header_2_0
            )
            stored_shape, fortran, stored_dtype = read_header(fp)
            if (
                stored_dtype.hasobject
                or stored_dtype.kind not in kinds
                or fortran
                or (shape is not None and stored_shape != shape)
                or (dtype is not None and stored_dtype != dtype)
            ):
                wanted = f"shape {shape}" + (
                    f" and dtype {np.dtype(dtype)}" if dtype else ""
                )
                raise ValueError(
                    f"{key} has shape {stored_shape} and dtype {stored_dtype}; "
                    f"expected {wanted} of kind {kinds!r}"
                )
            nbytes = int(np.prod(stored_shape, dtype=object)) * stored_dtype.itemsize
            if nbytes > info.file_size:
                raise ValueError(f"{key} is truncated")
            data = fp.read(nbytes)
        if len(data) != nbytes:
            raise ValueError(f"{key} is truncated")
        return np.frombuffer(data, dtype=stored_dtype).reshape(stored_shape).copy()

    def _text(self, key):
        info = self.entries[key]
        if info.file_size > MAX_TEXT_BYTES:
            raise ValueError(f"{key} is larger than {MAX_TEXT_BYTES} bytes")
        return str(self.array(key, kinds="U", shape=()))

    def _json(self, key):
        try:
            return json.loads(self._text(key))
        except json.JSONDecodeError as exc:
            raise ValueError(f"{key} is not valid JSON ({exc})") from None


def _estimator_from_params(cls, params):
    if not isinstance(params, dict):
        raise ValueError("the stored hyperparameters are not a mapping")
    unknown = sorted(set(params) - set(cls._get_param_names()))
    if unknown:
        raise ValueError(f"unknown hyperparameters {unknown}")
    if isinstance(params.get("dense_layers"), list):
        params["dense_layers"] = tuple(params["dense_layers"])
    estimator = cls(**params)
    estimator._validate_params()
    check_dense_layers(estimator.dense_layers)
    return estimator
