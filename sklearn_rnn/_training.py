"""The mini-batch training loop shared by the estimators."""

import numpy as np
from sklearn.utils import gen_batches

from .exceptions import TrainingDivergedError
from .nn.optimizers import clip_by_global_norm


class TrainingData:
    """Training sequences held time-major once, so a mini-batch is one take.

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
        values, mask = sequences
        self.x = np.ascontiguousarray(np.swapaxes(values, 0, 1))
        self.mask = None if mask is None else np.ascontiguousarray(mask.T)
        self.sample_weight = sample_weight
        self.per_step = per_step
        if per_step:
            self.target = np.ascontiguousarray(np.swapaxes(target, 0, 1))
            steps = np.ones(self.x.shape[:2], dtype=bool) if self.mask is None else self.mask
            self.weights = steps * sample_weight.astype(self.x.dtype if self.x.dtype.kind == "f" else np.float32)
        else:
            self.target = target
            self.weights = sample_weight

    @property
    def n_samples(self):
        return len(self.sample_weight)

    def batch(self, idx):
        """``(x, mask, target, weights)`` of the samples ``idx``, time-major."""
        mask = None if self.mask is None else self.mask[:, idx]
        if self.per_step:
            return self.x[:, idx], mask, self.target[:, idx], self.weights[:, idx]
        return self.x[:, idx], mask, self.target[idx], self.weights[idx]


def divergence_message(what):
    return (
        f"Training diverged: the {what} became infinite or NaN. Lower "
        "learning_rate_init, set clip_norm (e.g. 1.0), or use a smaller-scale init "
        "(e.g. 'xavier') or a bounded activation ('tanh' instead of 'relu')."
    )


def run_epoch(network, optimizer, data, batch_size, rng, shuffle, clip_norm):
    """One pass over ``data`` in mini-batches; returns the mean training loss.

    Raises
    ------
    TrainingDivergedError
        If a loss or gradient is not finite (checked before the update, so no
        non-finite value ever reaches the parameters).
    """
    n = data.n_samples
    order = rng.permutation(n) if shuffle else np.arange(n)
    total_loss = total_weight = 0.0
    for batch in gen_batches(n, batch_size):
        idx = order[batch]
        batch_weight = float(data.sample_weight[idx].sum())
        if batch_weight == 0:
            continue
        x, mask, target, weights = data.batch(idx)
        if not weights.any():
            continue
        loss = network.loss_and_gradients(x, target, weights, mask)
        if not np.isfinite(loss):
            raise TrainingDivergedError(divergence_message("loss"))
        norm = clip_by_global_norm(network.grads, clip_norm)
        if not np.isfinite(norm):
            raise TrainingDivergedError(divergence_message("gradient"))
        optimizer.step(network.grads)
        total_loss += loss * batch_weight
        total_weight += batch_weight
    return total_loss / total_weight if total_weight else np.nan
