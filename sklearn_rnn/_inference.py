"""Prediction, ``transform`` and per-step scoring of the recurrent estimators.

Inference writes nothing to the estimator or its layers, so predicting from
one thread while another thread trains neither crashes the training nor
changes what it learns; the public methods read the committed state (see
:mod:`sklearn_rnn._concurrency`), never a call's half-trained weights.
"""

import numpy as np
from sklearn.base import TransformerMixin
from sklearn.utils import gen_batches
from sklearn.utils._set_output import _get_output_config
from sklearn.utils.validation import check_is_fitted

from ._concurrency import reads_committed_state
from ._params import resolved_conv_filters
from ._targets import per_step_target
from .exceptions import TrainingDivergedError
from .nn._blas import SINGLE_THREAD_STEP_SIZE, single_blas_thread
from .nn.cells import CELLS

#: Working memory (bytes) of one prediction chunk; see README "Errors and limits".
PREDICT_CHUNK_BYTES = 64 * 2**20


def conv_working_floats(built, n_steps, width_in):
    """The convolutional branch's share of a sequence's working memory at
    inference, in floats, for the architecture ``built``: the standardised
    copy and both views of the input; per layer, its zero-padded input, the
    convolution's output and product, the normalised and rectified outputs;
    the pooled features."""
    filters = resolved_conv_filters(built)
    if not filters:
        return 0
    floats = 3 * n_steps * width_in
    widths = (2 * width_in, *filters)
    for kernel, c_in, c_out in zip(built["conv_kernel_sizes"], widths, filters):
        floats += (n_steps + kernel) * c_in + 4 * n_steps * c_out
    return floats + filters[-1]


class InferenceMixin(TransformerMixin):
    """``transform``, ``get_feature_names_out`` and the helpers of ``predict``."""

    def _working_bytes(self, n_steps):
        """An upper bound on the memory one sequence of ``n_steps`` steps
        takes in a forward pass: every layer's buffers counted at once,
        from every layer's width.

        The input chunk (standardised or embedded, and reversed for a
        backward direction); per recurrent layer and direction, each step's
        gate pre-activations, states, output and concatenation; pooling
        temporaries; the flat branch's gathered and flattened copies; each
        dense layer's output (per step with
        ``return_sequences``), its activation and the output layer's
        probabilities.
        """
        built = self._architecture  # not get_params(): set_params may have changed it
        cell = CELLS[built["cell"]]
        directions = 2 if built["bidirectional"] else 1
        hidden = directions * built["hidden_size"]
        width_in = built["embedding_dim"] or self.n_step_features_
        floats = 2 * n_steps * width_in
        factor = getattr(self, "downsample_", 1)
        if factor > 1:  # the valid steps gathered, then mean, max and min
            floats += n_steps * width_in
            n_steps, width_in = -(-n_steps // factor), 3 * width_in
            floats += 2 * n_steps * width_in
        floats += (
            built["num_layers"] * n_steps * hidden * (cell.gates + cell.state_size + 2)
        )
        floats += 2 * n_steps * hidden  # pooling (masked copies, weights)
        floats += conv_working_floats(built, n_steps, width_in)
        if built["flat_units"]:  # the gathered steps, the flat copy, its layer
            floats += 2 * n_steps * width_in + self.flat_steps_ * width_in
            floats += 2 * built["flat_units"]
        dense_steps = n_steps if built["return_sequences"] else 1
        n_outputs = self.network_.layers[-1].kernel.shape[1]
        floats += 3 * dense_steps * sum((*built["dense_layers"], n_outputs))
        return floats * np.dtype(self.dtype_).itemsize

    def _predict_chunks(self, sequences, output, scaled=False):
        """Run ``output(network, x, mask)`` over chunks of ``sequences``.

        Chunks bound the working memory (see ``PREDICT_CHUNK_BYTES`` and
        :meth:`_working_bytes`; one sequence whose working memory alone
        exceeds the budget is a chunk of its own); each is standardised as
        the network was trained (``scale_input``) unless ``scaled`` (training
        data already are); the results are written batch-major into one
        output array.
        """
        values, mask = sequences
        n, t = values.shape[:2]
        rows = max(1, PREDICT_CHUNK_BYTES // self._working_bytes(t))
        result = None
        small = min(n, rows) * self._architecture["hidden_size"]
        with single_blas_thread(small <= SINGLE_THREAD_STEP_SIZE):
            for chunk in gen_batches(n, rows):
                # A time-major view, not a copy: the engine reads any strides
                # (B256 T100 D32 float32: the copy took 0.6 ms of a 4.7 ms
                # prediction, the view costs nothing and predicts as fast).
                part = values[chunk] if scaled else self._scaled_chunk(values[chunk])
                x = np.swapaxes(part, 0, 1)
                m = None if mask is None else np.ascontiguousarray(mask[chunk].T)
                out = output(self.network_, x, m)
                out = np.swapaxes(out, 0, 1) if out.ndim == 3 else out
                if result is None:
                    result = np.empty((n,) + out.shape[1:], dtype=out.dtype)
                result[chunk] = out
        return result if result is not None else np.empty((0,))

    def _predictions(self, sequences, scaled=False):
        """Output-layer predictions, checked finite: (N, K), or (N, T, K) per step.

        ``scaled``: ``sequences`` are already standardised (training data).
        """
        with np.errstate(over="ignore", invalid="ignore"):
            output = self._predict_chunks(
                sequences, lambda net, x, m: net.predict(x, m), scaled=scaled
            )
        if not np.isfinite(output).all():
            raise TrainingDivergedError(
                "The network's output overflowed to infinity or NaN on this input. Its "
                "values may be far larger than the training data's (scale the input), "
                "or the weights may be unstable (use a bounded activation such as "
                "'tanh', clip_norm or a lower learning_rate_init)."
            )
        return output

    def _network_output(self, X):
        check_is_fitted(self, "network_")
        return self._predictions(self._validate_input(X, reset=False))

    def _weighted_metric(self, truth, predicted, sample_weight, sequences):
        """The metric over samples, or over valid time steps with return_sequences."""
        if not self._architecture["return_sequences"]:
            return self._metric(truth, predicted, sample_weight=sample_weight)
        values, mask = sequences
        valid = np.ones(values.shape[:2], bool) if mask is None else mask
        weights = (
            None
            if sample_weight is None
            else np.broadcast_to(
                np.asarray(sample_weight, dtype=float)[:, None], valid.shape
            )[valid]
        )
        return self._metric(truth[valid], predicted[valid], sample_weight=weights)

    def _per_step_score(self, X, y, sample_weight):
        """``score`` with return_sequences: the metric over the valid steps."""
        check_is_fitted(self, "network_")
        sequences = self._validate_input(X, reset=False)
        y, _ = per_step_target(y, sequences, dtype=self._score_dtype)
        return self._weighted_metric(y, self.predict(X), sample_weight, sequences)

    @reads_committed_state
    def transform(self, X):
        """Return the pooled hidden representation of each sequence.

        The input of the output layer: the pooled recurrent state (after any
        hidden dense layers).

        Parameters
        ----------
        X : array-like of shape (n_samples, n_timesteps, n_features) or list
            Sequences: a 3-D array, a 2-D array of univariate sequences, a
            ragged list of arrays, or token ids with ``embedding_dim`` (see
            the User Guide, "Input layouts and padding").

        Returns
        -------
        features : ndarray of shape (n_samples, n_features_out)
            Or per time step (n_samples, n_timesteps, n_features_out) with
            ``return_sequences=True``.
        """
        check_is_fitted(self, "network_")
        if (
            self._architecture["return_sequences"]
            and _get_output_config("transform", self)["dense"] != "default"
        ):
            raise ValueError(
                "With return_sequences=True, transform returns a 3-D array (n_samples, "
                "n_timesteps, n_features), which cannot be a DataFrame; use "
                "set_output(transform='default')."
            )
        sequences = self._validate_input(X, reset=False)
        return self._predict_chunks(sequences, lambda net, x, m: net.features(x, m))

    @reads_committed_state
    def get_feature_names_out(self, input_features=None):
        """Get the names of the :meth:`transform` output features.

        Parameters
        ----------
        input_features : array-like of str or None, default=None
            Ignored: the features are the network's, not the input's.

        Returns
        -------
        feature_names_out : ndarray of str objects
            ``<classname>0``, ``<classname>1``, ... in lower case.
        """
        check_is_fitted(self, "network_")
        n_out = self.network_.layers[-1].kernel.shape[0]
        prefix = type(self).__name__.lower()
        return np.asarray([f"{prefix}{i}" for i in range(n_out)], dtype=object)
