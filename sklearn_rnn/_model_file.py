"""Reading a model file: every entry checked before its data is read.

The safety rules of :mod:`sklearn_rnn.persistence` live here:

- from the archive's directory, before any entry is read: only names the
  format defines (at most :data:`~sklearn_rnn._model_archive.MAX_ENTRIES`),
  stored uncompressed and unencrypted, together no larger than the file;
- JSON documents at most 1 MiB, every integer in them within int64;
- the weights and optimizer slots the hyperparameters imply (the product of
  every layer's widths, gates and directions: ``count_parameters``) bounded
  by the file's size before anything is built;
- each array's name, dtype, shape and finiteness checked from its ``.npy``
  header before its data is read.
"""

import json
import re
import zipfile

import numpy as np

from ._format2 import format2_names
from ._model_archive import MAX_ENTRIES, MAX_NAME_LENGTH
from ._params import SIZE_TUPLES, check_embeddings, check_layer_sizes
from ._state import LIST_ATTRIBUTES, check_scalar_types, weight_arrays
from .nn.naming import ROLES
from .nn.optimizers import OPTIMIZERS
from .nn.sizes import count_buffers, count_parameters

#: Version of the file layout written by :func:`sklearn_rnn.persistence.save_model`:
#: 3 names weights by role and stores the optimizer's ``state_dict``; files of
#: version 2 (positional weight names) are read too.
FORMAT_VERSION = 3
#: The versions :class:`ModelFileReader` reads.
READ_VERSIONS = (2, 3)
MAGIC = "sklearn_rnn.model"
#: Largest JSON document or text entry accepted.
MAX_TEXT_BYTES = 2**20


#: Zip flag bits a model file may have: a data descriptor (3), UTF-8 names (11).
_ALLOWED_FLAGS = 0x08 | 0x800
#: The largest integer a JSON document may hold (int64).
_INT_LIMIT = 2**63


def _bounded_int(digits):
    """A JSON integer, refused beyond int64 (``10**400`` iterations loaded, and
    the next ``partial_fit`` raised an OverflowError)."""
    if len(digits.lstrip("-")) > 19 or not -_INT_LIMIT <= int(digits) < _INT_LIMIT:
        shown = (
            digits if len(digits) <= 30 else f"{digits[:30]}... ({len(digits)} digits)"
        )
        raise ValueError(f"the integer {shown} is out of range")
    return int(digits)


def stored_solver(optimizer_state):
    """The solver whose optimizer has the stored slots (the one the weights
    were trained with; ``solver`` may have been changed since)."""
    slots = optimizer_state.get("slots") if isinstance(optimizer_state, dict) else None
    solver = next(
        (name for name, cls in OPTIMIZERS.items() if list(cls.slots) == slots), None
    )
    if solver is None:
        raise ValueError(f"the optimizer slots {slots!r} match no solver")
    return solver


class ModelFileReader:
    """Reads one archive, checking each entry before its data is read."""

    def __init__(self, archive, file_size, classes):
        self.archive, self.file_size, self.classes = archive, file_size, classes
        infos = archive.infolist()
        if len(infos) > MAX_ENTRIES:
            raise ValueError(f"it has {len(infos)} entries, more than {MAX_ENTRIES}")
        names = self._entry_names()
        self.entries = {}
        for info in infos:
            key = info.filename[:-4]
            if (
                len(info.filename) > MAX_NAME_LENGTH
                or not info.filename.endswith(".npy")
                or not names.fullmatch(key)
                or key in self.entries
            ):
                raise ValueError(
                    f"unexpected entry {info.filename[:MAX_NAME_LENGTH]!r}"
                )
            if info.file_size > file_size:
                raise ValueError(
                    f"entry {info.filename!r} would unpack to {info.file_size} "
                    f"bytes, more than the file's {file_size}"
                )
            if (
                info.compress_type != zipfile.ZIP_STORED
                or info.compress_size != info.file_size
                or info.flag_bits & ~_ALLOWED_FLAGS
            ):
                raise ValueError(
                    f"entry {info.filename!r} is compressed or encrypted (method "
                    f"{info.compress_type}, flags {info.flag_bits:#x}); model files "
                    "store their entries as they are"
                )
            self.entries[key] = info
        total = sum(info.file_size for info in infos)
        if total > file_size:
            raise ValueError(
                f"its entries would unpack to {total} bytes, more than the file's "
                f"{file_size}"
            )
        self.used = set()

    def _entry_names(self):
        """The pattern of every name the formats define (``weight:`` names by
        their grammar, format 3's or format 2's: the directory is checked
        before the version is read; the network checks them one by one later)."""
        arrays = {"rng_keys"}.union(
            *(cls._fitted_arrays for cls in self.classes.values())
        )
        slots = {slot for cls in OPTIMIZERS.values() for slot in cls.slots}
        # Format 3: "rnn.0.kernel", "rnn.0.reverse.kernel", "conv.0.norm.gamma"
        by_role = (
            rf"(?:{'|'.join(ROLES)})\.\d{{1,6}}(?:\.(?:reverse|norm))?\.[a-z_]{{1,40}}"
        )
        # Format 2: "0.GRU", and in a branch "0.Parallel.rnn.0.GRU"
        layer = r"\d{1,6}\.[A-Za-z0-9]{1,40}"
        by_position = rf"{layer}(?:\.[a-z]{{1,10}}\.{layer})?\.[a-z_]{{1,40}}"
        return re.compile(
            "format|format_version|estimator|params|state|param:embeddings"
            f"|array:(?:{'|'.join(sorted(arrays))})"
            rf"|weight:(?:(?:{'|'.join(sorted(slots))}):)?(?:{by_role}|{by_position})"
        )

    def estimator(self):
        if self._text("format") != MAGIC:
            raise ValueError("it was not written by sklearn_rnn.persistence.save_model")
        version = self.array("format_version", kinds="iu", shape=()).tolist()
        if version not in READ_VERSIONS:
            raise ValueError(
                f"unsupported format version {version!r} (this sklearn_rnn reads "
                f"versions {' and '.join(map(str, READ_VERSIONS))}; refit and save)"
            )
        self.version = version
        name = self._text("estimator")
        if name not in self.classes:
            raise ValueError(
                f"unknown estimator class {name!r}; expected one of "
                f"{sorted(self.classes)}"
            )
        est = _estimator_from_params(self.classes[name], self._params())
        state = self._json("state")
        if not isinstance(state, dict) or not isinstance(state.get("scalars"), dict):
            raise ValueError("the stored state is not a mapping")
        self._restore_attributes(est, state["scalars"])
        n_outputs, loss = est._target_encoding()
        solver = stored_solver(state.get("optimizer"))
        self._check_size(est, n_outputs, solver)
        rng = np.random.RandomState(0)  # its state is replaced below
        est._build(n_outputs, loss, rng)  # the dropout layers share ``rng``
        self._restore_weights(est, state["optimizer"], solver)
        keys = self.array("array:rng_keys", kinds="u", shape=(624,))
        rng.set_state(("MT19937", keys, *state["scalars"]["_rng_state"]))
        est._random_state = rng
        unused = sorted(set(self.entries) - self.used)
        if unused:
            raise ValueError(f"unexpected entries {unused}")
        return est

    def _params(self):
        """The hyperparameters; ``embeddings`` from its own array entry."""
        params = self._json("params")
        if not isinstance(params, dict):
            raise ValueError("the stored hyperparameters are not a mapping")
        if params.get("embeddings") is not None:
            raise ValueError("embeddings must be stored as the entry param:embeddings")
        if "param:embeddings" in self.entries:
            table = self.array("param:embeddings", kinds="iuf", shape=None)
            if table.ndim != 2:
                raise ValueError("param:embeddings must be 2-D")
            params["embeddings"] = table
        return params

    def _restore_attributes(self, est, scalars):
        scalars = {**ADDED_SCALARS, **scalars}
        check_scalar_types(est._fitted_scalars, scalars)
        rng_state = scalars.get("_rng_state")
        if not (
            isinstance(rng_state, list)
            and len(rng_state) == 3
            and type(rng_state[0]) is int
            and 0 <= rng_state[0] <= 624
            and rng_state[1] in (0, 1)
            and isinstance(rng_state[2], (int, float))
        ):
            raise ValueError("the stored random state is invalid")
        for name in ("n_iter_", "t_", "_no_improvement_count", "flat_steps_"):
            if scalars[name] < 0:
                raise ValueError(f"the fitted attribute {name} is negative")
        if (scalars["flat_steps_"] > 0) != (est.flat_units > 0):
            raise ValueError("flat_steps_ must be positive exactly with flat_units")
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
        # early_stopping may have been set after fit: the curve starts later
        if (est.validation_scores_ is None) != (est.best_validation_score_ is None):
            raise ValueError(
                "validation_scores_ and best_validation_score_ must be both None "
                "or both set"
            )
        _check_batch_losses(est)
        est._check_input_scaling()

    def _check_size(self, est, n_outputs, solver):
        """Refuse hyperparameters whose weights and optimizer slots could not fit
        in this file (every one is stored, uncompressed)."""
        count = count_parameters(
            est.n_step_features_, n_outputs, **est._weight_shapes()
        )
        copies = 1 + len(OPTIMIZERS[solver].slots)
        count = count * copies + count_buffers(est._conv_filters())
        needed = count * np.dtype(est.dtype_).itemsize
        if needed > self.file_size:
            raise ValueError(
                f"its hyperparameters call for at least {needed} bytes of "
                f"weights and optimizer slots, but the file has {self.file_size} "
                "bytes"
            )

    def _restore_weights(self, est, optimizer_state, solver):
        # A solver changed with set_params after fit takes over at the next
        # call, as in memory: until then the optimizer is the one trained with.
        if solver != est.solver:
            est._optimizer = est._make_optimizer(solver)
        network, optimizer = est.network_, est._optimizer
        state = optimizer.state_dict()
        targets = network.named_params() | network.named_buffers()
        position = {name: i for i, name in enumerate(network.param_names)}
        # The name each weight has in this file (format 2: by position).
        stored = (
            format2_names(network)
            if self.version == 2
            else {name: name for name in targets}
        )
        for name, target in weight_arrays(network, optimizer).items():
            slot, _, weight = name.rpartition(":")
            key = f"weight:{slot}{':' if slot else ''}{stored[weight]}"
            values = self.array(key, kinds="f", shape=target.shape, dtype=target.dtype)
            if not np.isfinite(values).all():
                raise ValueError(f"{key} holds non-finite values")
            if not slot:
                np.copyto(target, values)
            else:  # handed to the optimizer below
                state["slots"][slot][position[weight]] = values
        if self.version == 2:  # the settings were not stored: the estimator's
            optimizer_state = {**state, "iterations": optimizer_state.get("iterations")}
        optimizer.load_state_dict({**optimizer_state, "slots": state["slots"]})

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
            return json.loads(self._text(key), parse_int=_bounded_int)
        except json.JSONDecodeError as exc:
            raise ValueError(f"{key} is not valid JSON ({exc})") from None


def _check_batch_losses(est):
    """Both batch-loss lists or neither, the counts adding up to the losses."""
    losses, counts = est.batch_loss_curve_, est.batches_per_epoch_
    if (losses is None) != (counts is None):
        raise ValueError(
            "batch_loss_curve_ and batches_per_epoch_ must be both None or both set"
        )
    if counts is not None and (
        min(counts, default=0) < 0 or sum(counts) != len(losses)
    ):
        raise ValueError("batches_per_epoch_ does not count batch_loss_curve_")


#: Hyperparameters added since model-file format 2 was defined, with the value
#: that gives the model a file saved before them holds.
ADDED_PARAMS = {
    "conv_filters": (),
    "conv_kernel_sizes": (),
    "downsample": 1,
    "flat_units": 0,
    "learning_rate": "constant",
}
#: Fitted scalars added since, likewise.
ADDED_SCALARS = {"_learning_rate_scale": 1.0, "downsample_": 1, "flat_steps_": 0}


def _estimator_from_params(cls, params):
    if not isinstance(params, dict):
        raise ValueError("the stored hyperparameters are not a mapping")
    params = {**ADDED_PARAMS, **params}
    unknown = sorted(set(params) - set(cls._get_param_names()))
    if unknown:
        raise ValueError(f"unknown hyperparameters {unknown}")
    for name in SIZE_TUPLES:
        if isinstance(params.get(name), list):
            params[name] = tuple(params[name])
    if isinstance(params.get("class_weight"), list):  # stored as [label, weight] pairs
        params["class_weight"] = {
            label: weight for label, weight in params["class_weight"]
        }
    estimator = cls(**params)
    estimator._validate_params()
    check_layer_sizes(estimator.get_params(deep=False))
    check_embeddings(
        estimator.embeddings, estimator.embedding_dim, estimator.vocab_size
    )
    return estimator
