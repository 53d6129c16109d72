"""Save and load fitted estimators as plain arrays, never as pickles.

A model file is one NumPy ``.npz`` archive read back with
``np.load(..., allow_pickle=False)``: it holds only numeric and string arrays
plus two JSON documents (the hyperparameters and the scalar fitted
attributes), so loading a file can never run code, and only the two estimator
classes of this package can come out of it. Unlike pickle, the format does not
depend on the package's internals: a file stays readable as long as its
``format_version`` is supported.

What is stored: the class name, ``get_params()``, every parameter array of the
network, the optimizer state (iteration count and slot arrays), the state of
the estimator's random number generator, and the fitted attributes; so
``predict`` gives identical results after a round trip, and ``partial_fit``
continues exactly as it would have on the saved estimator.

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
from numbers import Integral, Real

import numpy as np
from sklearn.preprocessing import LabelBinarizer
from sklearn.utils.validation import check_is_fitted

from ._classifier import ScratchRNNClassifier
from ._regressor import ScratchRNNRegressor
from .nn.losses import SigmoidBinaryCrossEntropy, SoftmaxCrossEntropy, SquaredError

__all__ = ["FORMAT_VERSION", "load_model", "save_model"]

#: Version of the file layout written by :func:`save_model`.
FORMAT_VERSION = 1
_MAGIC = "sklearn_rnn.model"
#: The only classes a file may name: never import anything else.
_ESTIMATORS = {cls.__name__: cls for cls in (ScratchRNNClassifier, ScratchRNNRegressor)}
#: The loss (and number of outputs) of a classifier by its binarizer's y_type_.
_CLASSIFIER_LOSSES = {
    "binary": (SigmoidBinaryCrossEntropy, lambda n_classes: 1),
    "multiclass": (SoftmaxCrossEntropy, lambda n_classes: n_classes),
    "multilabel-indicator": (SigmoidBinaryCrossEntropy, lambda n_classes: n_classes),
}
#: Scalar fitted attributes: name -> (allowed JSON types, required for which classes).
_ATTRIBUTES = {
    "n_features_in_": (Integral, "all"),
    "n_step_features_": (Integral, "all"),
    "_fitted_on_2d": (bool, "all"),
    "n_iter_": (Integral, "all"),
    "t_": (Integral, "all"),
    "best_loss_": (Real, "all"),
    "best_validation_score_": ((Real, type(None)), "all"),
    "_no_improvement_count": (Integral, "all"),
    "vocab_size_": (Integral, "embedding"),
    "n_outputs_": (Integral, "ScratchRNNRegressor"),
    "_single_output": (bool, "ScratchRNNRegressor"),
}
#: Errors that reading a corrupt or tampered file can raise; all are reported
#: as one ValueError.
_CORRUPT_FILE_ERRORS = (
    ValueError, TypeError, KeyError, IndexError, EOFError, OSError,
    zipfile.BadZipFile, zlib.error,
)


# --------------------------------------------------------------------- saving
def save_model(estimator, path):
    """Write a fitted estimator to ``path`` as a pickle-free ``.npz`` file.

    The file is written to a temporary file in the same folder, then renamed
    to ``path``: a reader never sees a partly written model, and a failed save
    leaves any previous file in place. ``path`` is used as given (no suffix is
    added). Before writing, the model is rebuilt in memory from the arrays to
    be written, so that a file that is written always loads.

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
        If ``estimator`` is not one of the two estimators of this package.
    sklearn.exceptions.NotFittedError
        If it is not fitted.
    ValueError
        If its fitted network does not match its hyperparameters (changed
        with ``set_params`` after fitting).

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
    >>> path = os.path.join(tempfile.mkdtemp(), "model.npz")
    >>> save_model(reg, path)
    >>> bool(np.array_equal(load_model(path).predict(X), reg.predict(X)))
    True
    """
    name = type(estimator).__name__
    if _ESTIMATORS.get(name) is not type(estimator):
        raise TypeError(
            f"save_model stores ScratchRNNClassifier and ScratchRNNRegressor "
            f"estimators only; got {type(estimator).__qualname__}."
        )
    check_is_fitted(estimator)
    arrays = _to_arrays(estimator)
    try:  # the file must load: catches hyperparameters changed after fit
        _from_arrays(arrays)
    except _CORRUPT_FILE_ERRORS as exc:
        raise ValueError(
            f"This {name} cannot be saved: its fitted state does not match its "
            f"hyperparameters ({_reason(exc)}). Were they changed with set_params "
            "after fit? Refit it first."
        ) from exc
    _write_atomically(path, arrays)


def _to_arrays(estimator):
    """Everything that defines a fitted estimator, as a dict of plain arrays."""
    attributes = {
        attr: _plain(getattr(estimator, attr))
        for attr in _ATTRIBUTES if hasattr(estimator, attr)
    }
    optimizer = estimator._optimizer.get_state()
    _, rng_keys, *rng_scalars = estimator._random_state.get_state(legacy=True)
    state = {
        "attributes": attributes,
        "n_params": len(estimator.network_.params),
        "optimizer": {"iterations": optimizer["iterations"], "slots": list(optimizer["slots"])},
        "random_state": [_plain(v) for v in rng_scalars],
    }
    arrays = {
        "format": np.array(_MAGIC),
        "format_version": np.array(FORMAT_VERSION),
        "estimator": np.array(type(estimator).__name__),
        "params": np.array(json.dumps(_storable_params(estimator))),
        "loss_curve": np.asarray(estimator.loss_curve_, dtype=np.float64),
        "rng_keys": rng_keys,
    }
    if estimator.validation_scores_ is not None:
        arrays["validation_scores"] = np.asarray(estimator.validation_scores_, dtype=np.float64)
    if hasattr(estimator, "feature_names_in_"):
        arrays["feature_names_in"] = np.asarray(estimator.feature_names_in_, dtype=str)
    if hasattr(estimator, "classes_"):
        binarizer = estimator._label_binarizer
        state["label_binarizer"] = {"y_type_": binarizer.y_type_,
                                    "sparse_input_": bool(binarizer.sparse_input_)}
        arrays["classes"] = _storable_labels(estimator.classes_)
    for i, param in enumerate(estimator.network_.params):
        arrays[f"param_{i}"] = param
    for slot, slot_arrays in optimizer["slots"].items():
        for i, array in enumerate(slot_arrays):
            arrays[f"optimizer_{slot}_{i}"] = array
    arrays["state"] = np.array(json.dumps(state))
    return arrays


def _storable_params(estimator):
    """``get_params()`` as JSON values (tuples as lists, dtype as its name)."""
    params = {}
    for name, value in estimator.get_params(deep=False).items():
        if name == "dtype":
            value = np.dtype(value).name
        elif name == "random_state" and not isinstance(value, Integral):
            value = None
        params[name] = _plain(value)
    return params


def _plain(value):
    """``value`` as a JSON-serialisable Python value, or a TypeError."""
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, np.generic):
        value = value.item()
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    raise TypeError(f"{value!r} of type {type(value).__name__} cannot be stored in a model file.")


def _storable_labels(classes):
    """``classes_`` as an array of a non-object dtype (str labels as unicode)."""
    labels = np.asarray(classes.tolist()) if classes.dtype == object else classes
    if labels.dtype.kind not in "biufU" or labels.ndim != 1:
        raise TypeError(f"Class labels of dtype {classes.dtype} cannot be stored in a model file.")
    return labels


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

    The file is opened with ``np.load(..., allow_pickle=False)``: nothing in
    it is executed, and it can only produce a ``ScratchRNNClassifier`` or a
    ``ScratchRNNRegressor``. Every array is checked against the network that
    the stored hyperparameters build.

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
        If the file is not a valid sklearn_rnn model file (not an ``.npz``
        archive, truncated, written by another program or format version,
        missing entries, or arrays that do not fit the network).
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
        try:
            archive = np.load(file, allow_pickle=False)
            if not isinstance(archive, np.lib.npyio.NpzFile):
                raise ValueError("it is a single .npy array, not an .npz archive")
            with archive:
                arrays = {name: archive[name] for name in archive.files}
            return _from_arrays(arrays)
        except _CORRUPT_FILE_ERRORS as exc:
            raise ValueError(
                f"{os.fspath(path)!r} is not a valid sklearn_rnn model file: {_reason(exc)}"
            ) from exc


def _reason(exc):
    return f"missing entry {exc}" if isinstance(exc, KeyError) else str(exc)


def _from_arrays(arrays):
    if _text(arrays, "format") != _MAGIC:
        raise ValueError("it was not written by sklearn_rnn.persistence.save_model")
    version = arrays["format_version"]
    if version.shape != () or version.dtype.kind not in "iu" or version != FORMAT_VERSION:
        raise ValueError(
            f"unsupported format version {version.tolist()!r} (this version of sklearn_rnn "
            f"reads version {FORMAT_VERSION})"
        )
    name = _text(arrays, "estimator")
    if name not in _ESTIMATORS:
        raise ValueError(f"unknown estimator class {name!r}; expected one of {sorted(_ESTIMATORS)}")
    estimator = _estimator_from_params(_ESTIMATORS[name], _json(arrays, "params"))
    state = _json(arrays, "state")
    attributes = _checked_attributes(estimator, state["attributes"])
    vars(estimator).update(attributes)   # _initialize needs the input dimensions
    n_outputs, loss = _restore_targets(estimator, state, arrays)
    rng = np.random.RandomState(0)   # its state is replaced below
    estimator._initialize(n_outputs, loss, rng)   # the dropout layers share ``rng``
    _restore_weights(estimator, state, arrays)
    vars(estimator).update(attributes)   # _initialize reset the training history
    estimator.loss_curve_ = _array(arrays, "loss_curve", ndim=1, kinds="f").tolist()
    estimator.validation_scores_ = (
        _array(arrays, "validation_scores", ndim=1, kinds="f").tolist()
        if "validation_scores" in arrays else None
    )
    if "feature_names_in" in arrays:
        names = _array(arrays, "feature_names_in", ndim=1, kinds="U")
        if len(names) != estimator.n_features_in_:
            raise ValueError("feature_names_in does not match n_features_in_")
        estimator.feature_names_in_ = names.astype(object)
    keys = _array(arrays, "rng_keys", ndim=1, kinds="u")
    if keys.shape != (624,):
        raise ValueError(f"rng_keys holds {len(keys)} values; an MT19937 state has 624")
    rng.set_state(("MT19937", keys, *state["random_state"]))
    estimator._random_state = rng
    return estimator


def _estimator_from_params(cls, params):
    if not isinstance(params, dict):
        raise ValueError("the stored hyperparameters are not a mapping")
    if isinstance(params.get("dense_layers"), list):
        params["dense_layers"] = tuple(params["dense_layers"])
    estimator = cls(**params)
    estimator._validate_params()
    return estimator


def _checked_attributes(estimator, stored):
    """The scalar fitted attributes that ``estimator`` needs, type-checked."""
    kind = type(estimator).__name__
    attributes = {}
    for attr, (types, needed_by) in _ATTRIBUTES.items():
        if needed_by not in ("all", kind) and not (
                needed_by == "embedding" and estimator.embedding_dim is not None):
            continue
        value = stored[attr]
        if not isinstance(value, types) or (types is not bool and isinstance(value, bool)):
            raise ValueError(f"attribute {attr} has an invalid value {value!r}")
        attributes[attr] = value
    return attributes


def _restore_targets(estimator, state, arrays):
    """Set the label encoding of a classifier; return ``(n_outputs, loss)``."""
    if not isinstance(estimator, ScratchRNNClassifier):
        return estimator.n_outputs_, SquaredError()
    stored = state["label_binarizer"]
    y_type = stored["y_type_"]
    if y_type not in _CLASSIFIER_LOSSES:
        raise ValueError(f"unknown target type {y_type!r}")
    classes = _array(arrays, "classes", ndim=1, kinds="biufU")
    if len(classes) < 2:
        raise ValueError("a classifier needs at least 2 classes")
    binarizer = LabelBinarizer()
    binarizer.classes_ = classes
    binarizer.y_type_ = y_type
    binarizer.sparse_input_ = bool(stored["sparse_input_"])
    estimator._label_binarizer = binarizer
    estimator.classes_ = classes
    loss, n_outputs = _CLASSIFIER_LOSSES[y_type]
    return n_outputs(len(classes)), loss()


def _restore_weights(estimator, state, arrays):
    """Copy the network's parameters and the optimizer state in."""
    params = estimator.network_.params
    if state["n_params"] != len(params):
        raise ValueError(
            f"it holds {state['n_params']} parameter arrays; the network built from "
            f"its hyperparameters has {len(params)}"
        )
    for i, param in enumerate(params):
        _copy_checked(param, arrays, f"param_{i}")
    optimizer = estimator._optimizer
    stored = state["optimizer"]
    if stored["slots"] != list(optimizer.state):
        raise ValueError(f"optimizer slots {stored['slots']} do not match {list(optimizer.state)}")
    iterations = stored["iterations"]
    if not isinstance(iterations, Integral) or isinstance(iterations, bool):
        raise ValueError(f"invalid optimizer iteration count {iterations!r}")
    for slot, targets in optimizer.state.items():
        for i, target in enumerate(targets):
            _copy_checked(target, arrays, f"optimizer_{slot}_{i}")
    optimizer.iterations = iterations


def _copy_checked(target, arrays, key):
    source = arrays[key]
    if source.shape != target.shape or source.dtype != target.dtype:
        raise ValueError(
            f"{key} has shape {source.shape} and dtype {source.dtype}; the network "
            f"needs shape {target.shape} and dtype {target.dtype}"
        )
    np.copyto(target, source)


def _array(arrays, key, *, ndim, kinds):
    array = arrays[key]
    if array.ndim != ndim or array.dtype.kind not in kinds:
        raise ValueError(f"{key} has an invalid shape {array.shape} or dtype {array.dtype}")
    return array


def _text(arrays, key):
    return str(_array(arrays, key, ndim=0, kinds="U"))


def _json(arrays, key):
    try:
        return json.loads(_text(arrays, key))
    except json.JSONDecodeError as exc:
        raise ValueError(f"{key} is not valid JSON ({exc})") from exc
