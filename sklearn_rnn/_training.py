"""The mini-batch training loop shared by the estimators."""

import numpy as np
from sklearn.utils import gen_even_slices

from .exceptions import TrainingDivergedError
from .nn.constraints import clip_spectral_norm
from .nn.optimizers import clip_by_global_norm


def _batches(n, batch_size):
    """Slices of ``n`` samples into the fewest batches of at most
    ``batch_size``, of even sizes: 33 samples in batches of 32 are 17 and
    16, not 32 and a batch of one, whose gradient (and batch statistics)
    would weigh as much as a full batch's.

    Examples
    --------
    >>> [s.stop - s.start for s in _batches(33, 32)], len(_batches(64, 32))
    ([17, 16], 2)
    """
    return list(gen_even_slices(n, max(1, -(-n // batch_size))))


#: Bucketing sorts the samples by length within pools of this many batches.
BUCKET_POOL_BATCHES = 16


class TrainingData:
    """Training sequences, from which a mini-batch is taken time-major.

    The data stay batch-major: a mini-batch is one row take (contiguous
    ``T * D`` blocks) then one transposing copy of that batch only, which is
    several times cheaper than transposing the whole data set up front and
    taking strided columns from it.

    **A batch costs what its sequences hold.**  A batch is cut to the steps
    where at least one of its sequences is valid: every layer gives the same
    results on the valid steps without the all-padding steps around them
    (they carry a recurrent state unchanged, read as zeros in a
    convolution, and take no part in normalisation, pooling or the loss).
    With sequences of different lengths and ``shuffle``, the epoch's
    batches are also bucketed by length (as Keras'
    ``bucket_by_sequence_length`` and torchtext's ``BucketIterator`` do): the
    shuffled samples are sorted by length within pools of
    ``BUCKET_POOL_BATCHES`` batches, cut into batches, and the batches are
    shuffled, so a batch holds sequences of similar lengths.

    Parameters
    ----------
    sequences : Sequences
        Batch-major validated input.
    target : ndarray
        Encoded targets, batch-major: (N, ...) or, for per-step targets,
        (N, T, ...).
    sample_weight : ndarray of shape (N,)
    per_step : bool
        Whether ``target`` has a time axis (``return_sequences``).
    """

    def __init__(self, sequences, target, sample_weight, per_step):
        self.values, self.mask = sequences
        self.target = target
        self.sample_weight = sample_weight
        self.per_step = per_step
        kind = self.values.dtype
        self.weight_dtype = kind if kind.kind == "f" else np.dtype(np.float32)
        self.lengths = None if self.mask is None else self.mask.sum(axis=1)
        #: The loss of each mini-batch step of the last epoch (run_epoch).
        self.batch_losses = []

    @property
    def n_samples(self):
        return len(self.sample_weight)

    def batches(self, batch_size, rng, shuffle):
        """The index arrays of one epoch's mini-batches (bucketed by length
        when lengths differ and ``shuffle``)."""
        n = self.n_samples
        order = rng.permutation(n) if shuffle else np.arange(n)
        batches = [order[part] for part in _batches(n, batch_size)]
        lengths = self.lengths
        if not shuffle or lengths is None or lengths.min() == lengths.max():
            return batches
        pool = batch_size * BUCKET_POOL_BATCHES
        batches = [
            bucket[part]
            for start in range(0, n, pool)
            for bucket in [order[start : start + pool]]
            for bucket in [bucket[np.argsort(lengths[bucket], kind="stable")]]
            for part in _batches(len(bucket), batch_size)
        ]
        return [batches[i] for i in rng.permutation(len(batches))]

    def batch(self, idx):
        """``(x, mask, target, weights)`` of the samples ``idx``, time-major,
        cut to the steps where one of them is valid."""
        steps = slice(None)
        if self.mask is not None:
            valid = self.mask[idx].any(axis=0)
            if valid.any():
                first = int(np.argmax(valid))
                steps = slice(first, len(valid) - int(np.argmax(valid[::-1])))
        x = _time_major(self.values[idx, steps])
        mask = None if self.mask is None else _time_major(self.mask[idx, steps])
        if not self.per_step:
            return x, mask, self.target[idx], self.sample_weight[idx]
        weights = self.sample_weight[idx].astype(self.weight_dtype)
        weights = (
            np.broadcast_to(weights, x.shape[:2]) if mask is None else mask * weights
        )
        return x, mask, _time_major(self.target[idx, steps]), weights


class BatchLossMixin:
    """Record the loss of every mini-batch step of the estimator's epochs.

    ``batch_loss_curve_`` lists them in order, ``batches_per_epoch_`` how many
    each epoch of ``loss_curve_`` took (a ``partial_fit`` chunk's epoch has
    its own count), so a display can draw a loss curve within few epochs.
    An epoch that raises records nothing, as ``loss_curve_`` does. Both are
    None for a model loaded from a file written before they were recorded:
    it goes on without them.
    """

    def _run_epoch(self, data, batch_size, checkpoint, validation):
        result = super()._run_epoch(data, batch_size, checkpoint, validation)
        if self.batch_loss_curve_ is not None:
            self.batch_loss_curve_.extend(float(loss) for loss in data.batch_losses)
            self.batches_per_epoch_.append(len(data.batch_losses))
        return result


def normalized_sample_weight(sample_weight):
    """``sample_weight`` divided by its mean, so the weights average 1.

    Every loss, gradient and statistic the estimators compute is a weighted
    mean, unchanged when all weights are scaled alike.  Dividing by the mean
    makes that hold in floating point too: weights scaled by any factor
    normalise to the same values (to float64 rounding, so a float32 model
    sees the same weights; bit for bit when the factor is a power of two),
    and weights such as 1e-46 or 1e39 no longer underflow to 0 or overflow
    to infinity when a float32 model casts them.

    Parameters
    ----------
    sample_weight : ndarray of float64, non-negative, with a positive sum

    Returns
    -------
    ndarray of float64

    Examples
    --------
    >>> normalized_sample_weight(np.array([1e-46, 3e-46]))
    array([0.5, 1.5])
    >>> normalized_sample_weight(np.array([2.0, 2.0, 2.0]))
    array([1., 1., 1.])
    """
    # Through the largest weight, so that neither the sum (of 1e308s) nor
    # the mean (of 5e-324s) leaves the float64 range.
    relative = sample_weight / sample_weight.max()
    return relative / relative.mean()


def power_of_two_scaled(sample_weight):
    """``sample_weight`` times the power of two that brings its mean into [1, 2).

    Exact (every ratio, and every product with other weights, keeps its
    bits), so that weights far from 1 can be checked, multiplied by class
    weights and summed in float64 before :func:`normalized_sample_weight`
    gives them their final scale.

    Examples
    --------
    >>> power_of_two_scaled(np.array([1e-46, 3e-46]))
    array([0.57089908, 1.71269723])
    """
    # The mean's binary exponent, from factors that neither overflow (a sum
    # of 1e308s) nor underflow (a mean of 5e-324s): mean = ratio * largest.
    largest = sample_weight.max()
    ratio, ratio_exponent = np.frexp(np.mean(sample_weight / largest))
    significand, largest_exponent = np.frexp(largest)
    _, product_exponent = np.frexp(ratio * significand)
    exponent = ratio_exponent + largest_exponent + product_exponent
    return np.ldexp(sample_weight, 1 - exponent)  # mean * 2**(1 - exponent)


def _time_major(batch):
    return np.ascontiguousarray(np.swapaxes(batch, 0, 1))


def divergence_message(what, estimator):
    """Why training stopped, and the fixes that are not already in effect.

    ``what`` is the quantity that became non-finite ("loss", "gradient" or
    "weights"); ``estimator`` supplies the current hyperparameters.
    """
    fixes = [f"lower learning_rate_init (now {estimator.learning_rate_init:g})"]
    if not estimator.scale_input and estimator.embedding_dim is None:
        fixes.append("scale_input=True (large raw inputs overflow)")
    if getattr(estimator, "scale_target", True) is False:  # regressors
        fixes.append("scale_target=True (large raw targets overflow)")
    if estimator.clip_norm is None:
        fixes.append("set clip_norm (e.g. 1.0)")
    elif estimator.clip_norm > 1.0:
        fixes.append(f"a smaller clip_norm (now {estimator.clip_norm:g}; e.g. 1.0)")
    if estimator.init in ("he", "normal") or estimator.recurrent_init in (
        "he",
        "normal",
    ):
        fixes.append("the default init='xavier' and recurrent_init='orthogonal'")
    if (
        estimator.cell == "rnn"
        and estimator.activation in ("relu", "identity")
        and estimator.recurrent_max_norm is None
    ):
        fixes.append("recurrent_max_norm=1.0 (no recurrence can then explode)")
    if estimator.activation in ("relu", "identity"):
        fixes.append(
            f"a bounded activation ('tanh' instead of {estimator.activation!r})"
        )
    return (
        f"Training diverged: the {what} became infinite or NaN. Try: "
        + "; ".join(fixes)
        + "."
    )


def run_epoch(
    network,
    optimizer,
    data,
    batch_size,
    rng,
    shuffle,
    clip_norm,
    checkpoint=None,
    constraints=(),
):
    """One pass over ``data`` in mini-batches; returns the mean training loss.

    The loss of each step (its batch's weighted mean, with the L2 penalty)
    is listed in ``data.batch_losses``.

    After each step, every ``(weight, max_norm)`` of ``constraints`` is
    rescaled to a spectral norm of at most ``max_norm``
    (:func:`~sklearn_rnn.nn.constraints.clip_spectral_norm`).

    Row-sparse parameters (embedding tables) get lazy updates of the rows a
    batch uses (see :class:`~sklearn_rnn.nn.optimizers.Optimizer`);
    ``checkpoint`` (a :class:`~sklearn_rnn.nn.checkpoint.Checkpoint`), if
    given, records those rows before each step.

    Raises
    ------
    TrainingDivergedError
        If a loss or gradient is not finite (checked before the update, so no
        non-finite value ever reaches the parameters).
    """
    total_loss = total_weight = 0.0
    data.batch_losses = []
    for idx in data.batches(batch_size, rng, shuffle):
        batch_weight = float(data.sample_weight[idx].sum())
        if batch_weight == 0:
            continue
        x, mask, target, weights = data.batch(idx)
        if not weights.any():
            continue
        loss = network.loss_and_gradients(x, target, weights, mask)
        if not np.isfinite(loss):
            raise TrainingDivergedError("loss")
        rows = network.sparse_rows
        norm = clip_by_global_norm(network.grads, clip_norm, rows)
        if not np.isfinite(norm):
            raise TrainingDivergedError("gradient")
        if checkpoint is not None:
            checkpoint.record(rows)
        optimizer.step(network.grads, rows)
        for weight, max_norm in constraints:
            clip_spectral_norm(weight, max_norm)
        data.batch_losses.append(loss)
        total_loss += loss * batch_weight
        total_weight += batch_weight
    return total_loss / total_weight if total_weight else np.nan
