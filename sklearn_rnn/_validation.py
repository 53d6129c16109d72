"""Validation of sequence input: dense 2-D / 3-D arrays, ragged lists, token ids.

Input rules (see the README's "Input" section):

- 3-D ``X`` of shape (n_samples, n_timesteps, n_features) is a batch of
  sequences; the number of time steps may differ between calls, the number of
  features per step may not.
- 2-D ``X`` of shape (n_samples, n_timesteps) is a batch of univariate
  sequences and keeps scikit-learn's column contract: predict needs as many
  columns as fit saw.
- A list of arrays of different lengths (each (n_timesteps_i,) or
  (n_timesteps_i, n_features)) is ragged input; it is post-padded internally
  and the padding is masked.
- With an embedding, ``X`` holds integer token ids, 2-D or ragged 1-D; id 0 is
  padding.
- ``data_format="channels_first"`` reads 3-D ``X`` as (n_samples, n_features,
  n_timesteps) (sktime's numpy3D) and a ragged list's items as (n_features,
  n_timesteps_i); both are transposed once, here, so everything downstream
  sees (n_samples, n_timesteps, n_features).
- pandas panels of sktime (a MultiIndex DataFrame, or one with a pd.Series in
  each cell) are refused with an error that points to
  :mod:`sklearn_rnn.sktime`.
"""

import warnings
from collections import namedtuple

import numpy as np
from sklearn.utils.validation import _check_feature_names, check_array, validate_data

from ._ragged import as_sequence_list, is_ragged, pad_ragged, rectangular
from ._text_values import check_not_text
from .nn.layers import Embedding

#: ``values`` is batch-major: (N, T, D) floats or (N, T) token ids; ``mask``
#: (N, T) is False on padding, or None when no step is padding.
Sequences = namedtuple("Sequences", ["values", "mask"])


def _check_not_sktime_panel(X):
    """Refuse sktime's pandas panels, which a DataFrame row-per-sequence misreads."""
    index = getattr(X, "index", None)
    if not hasattr(X, "iloc") or index is None or getattr(X, "ndim", 0) != 2:
        return
    if getattr(index, "nlevels", 1) > 1:
        layout = (
            "a DataFrame with a MultiIndex (sktime's 'pd-multiindex' panel: one "
            "row per (instance, time point))"
        )
    elif X.shape[0] and X.shape[1] and hasattr(X.iloc[0, 0], "iloc"):
        layout = (
            "a DataFrame with a pandas Series in each cell (sktime's 'nested_univ' "
            "panel)"
        )
    else:
        return
    raise ValueError(
        f"X is {layout}; this estimator reads a DataFrame as one row per "
        "sequence. Use the sktime estimators sklearn_rnn.sktime.RNNClassifier / "
        "RNNRegressor, which take every sktime panel layout, or convert X with "
        "sktime.datatypes.convert_to(X, 'numpy3D') and pass "
        "data_format='channels_first'."
    )


def _to_channels_last(X, data_format):
    """``X`` with each sequence as (n_timesteps, n_features), as the engine reads."""
    if data_format == "channels_last":
        return X
    if isinstance(X, (list, tuple)):
        return [
            (item if hasattr(item, "ndim") else np.asarray(item, dtype=object)).T
            for item in X
        ]
    values = X if hasattr(X, "ndim") else np.asarray(X, dtype=object)
    if values.ndim != 3:  # 2-D (n_samples, n_timesteps) is univariate either way
        return X
    return np.ascontiguousarray(values.transpose(0, 2, 1))


def _warn_single_step(values, data_format):
    """Warn when a 3-D X reads as one time step of several features."""
    if values.shape[1] == 1 and values.shape[2] > 1:
        other = "channels_first" if data_format == "channels_last" else "channels_last"
        warnings.warn(
            f"X is read as 1 time step of {values.shape[2]} features "
            f"(data_format={data_format!r}). If its last axis is time, as in "
            f"sktime's numpy3D (n_instances, n_channels, n_timepoints), pass "
            f"data_format={other!r}.",
            UserWarning,
            stacklevel=5,
        )


def _check_step_features(estimator, n_step_features, reset):
    if reset:
        estimator.n_step_features_ = n_step_features
    elif n_step_features != estimator.n_step_features_:
        raise ValueError(
            f"X has {n_step_features} features per time step, but "
            f"{type(estimator).__name__} was fitted with "
            f"{estimator.n_step_features_} features per time step."
        )


#: Token ids are clamped to this before they become ``intp`` indices: an id
#: this large is out of any vocabulary anyway, and larger ones (uint64 ids of
#: 2**63 and up, floats such as 1e20) would wrap around when cast.
ID_CLAMP = 2**62


def _check_token_ids(ids):
    if not np.issubdtype(ids.dtype, np.integer):
        if not np.array_equal(ids, np.floor(ids)):
            raise ValueError(
                "With embedding_dim set, X must hold integer token ids; got "
                "non-integer values."
            )
    if ids.size and ids.min() < 0:
        raise ValueError(
            f"Token ids must be non-negative (0 is padding); got {ids.min()}."
        )
    if ids.size and ids.dtype != np.intp and ids.max() > ID_CLAMP:
        ids = np.minimum(ids, ID_CLAMP)
    return ids.astype(np.intp, copy=False)


def validate_sequences(
    estimator,
    X,
    *,
    reset,
    token_ids,
    dtype,
    mask_value=None,
    data_format="channels_last",
):
    """Validate ``X`` and return :data:`Sequences` (batch-major values, mask).

    Sets ``n_features_in_`` (and ``feature_names_in_``) and
    ``n_step_features_`` when ``reset``, checks them otherwise.
    ``data_format`` says where time is in 3-D ``X`` and in ragged items.
    """
    _check_not_sktime_panel(X)
    X = as_sequence_list(X)
    check_not_text(X, "X")
    value_dtype = "numeric" if token_ids else dtype
    if not token_ids:
        X = _to_channels_last(X, data_format)
    if is_ragged(X):
        values, valid = pad_ragged(X, value_dtype)
        _check_feature_names(estimator, values, reset=reset)
        if reset:
            estimator.n_features_in_ = 1 if values.ndim == 2 else values.shape[2]
            estimator._fitted_on_2d = False
        if token_ids and values.ndim != 2:
            raise ValueError(
                "With embedding_dim set, each sequence must be 1-D token ids."
            )
    else:
        valid = None
        with rectangular("X"):
            values = (
                X
                if hasattr(X, "ndim") or hasattr(X, "iloc")
                else np.asarray(X, dtype=object)
            )
            if getattr(values, "ndim", 2) == 3 and not token_ids:
                values = check_array(X, allow_nd=True, dtype=dtype, input_name="X")
                if values.shape[1] == 0:
                    raise ValueError("X has 0 time steps; at least 1 is required.")
                _check_feature_names(estimator, values, reset=reset)
                if values.shape[2] == 0:
                    raise ValueError(
                        "X has 0 features per time step; at least 1 is required."
                    )
                if reset:
                    estimator.n_features_in_ = values.shape[2]
                    _warn_single_step(values, data_format)
            elif reset or getattr(estimator, "_fitted_on_2d", True) or token_ids:
                values = validate_data(estimator, X, reset=reset, dtype=value_dtype)
                if reset:
                    estimator._fitted_on_2d = True
            else:  # fitted on (N, T, 1) sequences: a 2-D X may have any length
                values = check_array(X, dtype=dtype, input_name="X")
            if reset:
                estimator._fitted_on_2d = values.ndim == 2
    if token_ids:
        values = _check_token_ids(values)
        _check_step_features(estimator, 1, reset)
        mask = Embedding.compute_mask(values)
    else:
        if values.ndim == 2:
            values = values[:, :, None]
        _check_step_features(estimator, values.shape[2], reset)
        mask = None if mask_value is None else np.any(values != mask_value, axis=2)
    if valid is not None:
        mask = valid if mask is None else mask & valid
    if mask is not None and mask.all():
        mask = None
    return Sequences(values, mask)


#: With ``vocab_size=None``, the embedding table sized from the largest id
#: seen at fit may take at most this many bytes (a stray id of 1e9 would
#: otherwise silently allocate tens of GB).
MAX_INFERRED_TABLE_BYTES = 2**30


def input_float_dtype(X):
    """The dtype ``dtype="auto"`` computes in: float32 for float32 input, else float64.

    Examples
    --------
    >>> input_float_dtype(np.zeros((2, 3), np.float32)), input_float_dtype([[1, 2]])
    (dtype('float32'), dtype('float64'))
    """
    if isinstance(X, (list, tuple)) and X and all(hasattr(item, "dtype") for item in X):
        kinds = {np.dtype(item.dtype) for item in X}
    elif hasattr(X, "dtypes") and not hasattr(X, "dtype"):  # a DataFrame
        kinds = {np.dtype(d) if isinstance(d, np.dtype) else None for d in X.dtypes}
    else:
        kinds = {getattr(X, "dtype", None)}
    return (
        np.dtype(np.float32)
        if kinds == {np.dtype(np.float32)}
        else np.dtype(np.float64)
    )


class SequenceInputMixin:
    """``_validate_input``: sequences in the estimator's dtype, with the fitted
    dimensions set (``reset``) or checked."""

    def _compute_dtype(self, X, reset):
        if not reset:
            return np.dtype(self.dtype_)
        if self.dtype != "auto":
            return np.dtype(self.dtype)
        return (
            np.dtype(np.float32)
            if self.embedding_dim is not None
            else input_float_dtype(X)
        )

    def _validate_input(self, X, reset):
        # A fitted network reads what it was built for (its embedding, its
        # layout), whatever set_params said since.
        embedding_dim = (
            self.embedding_dim if reset else self._architecture["embedding_dim"]
        )
        dtype = self._compute_dtype(X, reset)
        # A value beyond the dtype's range is reported by check_array as a
        # ValueError ("too large for dtype"); the cast's warning is noise.
        with np.errstate(over="ignore", invalid="ignore"):
            sequences = validate_sequences(
                self,
                X,
                reset=reset,
                token_ids=embedding_dim is not None,
                dtype=dtype.type,
                mask_value=(
                    self.mask_value if reset else self._architecture["mask_value"]
                ),
                data_format=(
                    self.data_format if reset else self._architecture["data_format"]
                ),
            )
        if reset:
            self.dtype_ = dtype.name
            self.vocab_size_ = None
        if embedding_dim is None:
            return sequences
        values = sequences.values
        if reset:
            self.vocab_size_ = (
                self.vocab_size
                or (None if self.embeddings is None else len(self.embeddings))
                or self._inferred_vocab_size(values, dtype)
            )
        if values.size and values.max() >= self.vocab_size_:
            # Ids never seen at fit time read the out-of-vocabulary row 1.
            values = np.where(values >= self.vocab_size_, 1, values)
        return Sequences(values, sequences.mask)

    def _inferred_vocab_size(self, ids, dtype):
        largest = int(ids.max()) if ids.size else 0
        rows = max(largest + 1, 2)
        table_bytes = rows * self.embedding_dim * dtype.itemsize
        if table_bytes > MAX_INFERRED_TABLE_BYTES:
            raise ValueError(
                f"X holds the token id {largest}, so with vocab_size=None the "
                "embedding "
                f"table would need {rows} rows x {self.embedding_dim} = "
                f"{table_bytes / 2**30:.1f} GiB. Pass vocab_size (e.g. a fitted "
                "SequenceVectorizer's n_tokens_): larger ids then read the "
                "out-of-vocabulary row 1."
            )
        return rows
