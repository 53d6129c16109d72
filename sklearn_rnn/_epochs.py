"""The epoch loop of the recurrent estimators: train, track the stopping
criterion, keep the best weights, as scikit-learn's MLP and skorch's
``fit_loop`` do."""

import time
import warnings

import numpy as np
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import train_test_split

from ._training import TrainingData, divergence_message, run_epoch
from ._validation import Sequences
from .exceptions import TrainingDivergedError

#: ``learning_rate="adaptive"`` divides the rate by this after each plateau
#: (scikit-learn's MLP: 5) ...
ADAPTIVE_FACTOR = 5.0
#: ... and stops training at a plateau once the rate would fall below this
#: fraction of ``learning_rate_init``.
ADAPTIVE_MIN_SCALE = 1e-2


class EpochLoopMixin:
    """``_train``: the epochs of one ``fit`` (or the one of ``partial_fit``).

    Needs the estimator's ``network_``, ``_optimizer``, ``_random_state``,
    training history attributes and the ``_validation_score`` hook.
    """

    def _split_validation(self, sequences, target, sample_weight):
        stratify = self._stratify_labels(target)
        values, mask = sequences
        arrays = [values, target, sample_weight] + ([] if mask is None else [mask])
        split = train_test_split(
            *arrays,
            test_size=self.validation_fraction,
            random_state=self._random_state,
            stratify=stratify,
        )
        train, val = split[0::2], split[1::2]
        for part, weights, use in (
            ("training", train[2], "learn from"),
            ("validation", val[2], "score"),
        ):
            if not weights.sum() > 0:
                raise ValueError(
                    f"early_stopping: every sample of the {part} split "
                    f"(validation_fraction={self.validation_fraction}) has "
                    f"sample_weight 0, leaving nothing to {use}. Give more samples "
                    "a positive sample_weight, or change validation_fraction or "
                    "random_state."
                )

        def as_sequences(part):
            return Sequences(part[0], None if mask is None else part[3])

        return (as_sequences(train), train[1], train[2]), (
            as_sequences(val),
            val[1],
            val[2],
        )

    def _stratify_labels(self, target):
        return None

    def _train(
        self,
        sequences,
        target,
        sample_weight,
        *,
        max_epochs,
        early_stopping,
        callbacks,
        checkpoint,
    ):
        """The epoch loop: train, track the stopping criterion, keep the best."""
        # The weights early stopping restores: parameters and buffers
        # (batch normalisation's running statistics go with their weights).
        weights = self.network_.params + self.network_.buffers
        if early_stopping:
            (sequences, target, sample_weight), validation = self._split_validation(
                sequences, target, sample_weight
            )
            best_weights = [w.copy() for w in weights]
            constant = self._constant_candidate(*validation)
            if constant is not None and self.n_iter_ == 0:
                # A constant model is the first candidate (the regressor's:
                # the training mean); a fit whose epochs all score lower on
                # the validation data becomes that constant.
                self.best_validation_score_ = constant
                best_weights = self._constant_weights(best_weights)
        data = TrainingData(
            sequences, target, sample_weight, per_step=self.return_sequences
        )
        batch_size = self._batch_size(data.n_samples)
        stalled = diverged = stopped_by_callback = False
        for _ in range(max_epochs):
            start = time.perf_counter()
            epoch = callbacks.subcontext(task_name="epoch")
            epoch.call_on_fit_task_begin(estimator=self)
            try:
                loss, score = self._run_epoch(
                    data, batch_size, checkpoint, validation if early_stopping else None
                )
            except TrainingDivergedError as exc:
                if not early_stopping:
                    raise
                # Early stopping holds finite best weights: keep them, stop here.
                warnings.warn(
                    "Training diverged; stopped and restored the weights of the "
                    f"best epoch. {exc}",
                    ConvergenceWarning,
                    stacklevel=4,
                )
                diverged = True
                break
            self.n_iter_ += 1
            self.t_ += data.n_samples
            self.loss_curve_.append(loss)
            message = f"Epoch {self.n_iter_}: loss={loss:.6f}"
            if early_stopping:
                self.validation_scores_.append(score)
                message += f", validation score={score:.6f}"
                if score > self.best_validation_score_:
                    best_weights = [w.copy() for w in weights]
                stalled = self._update_no_improvement_count(
                    score, higher_is_better=True
                )
            else:
                stalled = self._update_no_improvement_count(
                    loss, higher_is_better=False
                )
            if stalled and self._reduce_learning_rate():
                message += f"; learning rate divided by {ADAPTIVE_FACTOR:g}"
                stalled = False
            if self.verbose:
                print(f"{message}, {time.perf_counter() - start:.2f} s")
            stopped_by_callback = epoch.call_on_fit_task_end(
                estimator=self, reconstruction_attributes=self._fitted_attributes
            )
            if stopped_by_callback or (stalled and max_epochs > 1):
                break
        if early_stopping:
            for weight, best in zip(weights, best_weights):
                np.copyto(weight, best)
        if max_epochs > 1 and not (stalled or diverged or stopped_by_callback):
            warnings.warn(
                f"{type(self).__name__}: maximum iterations ({max_epochs}) reached "
                "and the optimization hasn't converged yet.",
                ConvergenceWarning,
                stacklevel=4,
            )

    def _weight_constraints(self):
        """``(weight, max spectral norm)`` of every recurrent kernel, with
        ``recurrent_max_norm`` set (see :mod:`sklearn_rnn.nn.constraints`)."""
        if self.recurrent_max_norm is None:
            return []
        return [
            (weight, self.recurrent_max_norm)
            for name, weight in self.network_.named_params().items()
            if name.endswith("recurrent_kernel")
        ]

    def _reduce_learning_rate(self):
        """With ``learning_rate="adaptive"``, divide the rate by
        ``ADAPTIVE_FACTOR`` after a plateau, unless it is below
        ``ADAPTIVE_MIN_SCALE`` times the initial rate: True if divided (the
        plateau count starts again), False if training should stop."""
        if (
            self.learning_rate != "adaptive"
            or self._learning_rate_scale / ADAPTIVE_FACTOR < ADAPTIVE_MIN_SCALE
        ):
            return False
        self._learning_rate_scale /= ADAPTIVE_FACTOR
        self._no_improvement_count = 0
        return True

    def _run_epoch(self, data, batch_size, checkpoint, validation):
        """One epoch at the scheduled learning rate; ``(loss, validation score)``."""
        # The schedule counts the epochs so far, partial_fit included.
        self._optimizer.start_epoch(self.n_iter_)
        self._optimizer.learning_rate *= self._learning_rate_scale
        try:
            loss = run_epoch(
                self.network_,
                self._optimizer,
                data,
                batch_size,
                self._random_state,
                self.shuffle,
                self.clip_norm,
                checkpoint,
                constraints=self._weight_constraints(),
            )
            changed = (
                self.network_.params
                if checkpoint is None
                else checkpoint.changed_values()
            )
            if not all(np.isfinite(values).all() for values in changed):
                raise TrainingDivergedError("weights")
        except TrainingDivergedError as exc:
            raise TrainingDivergedError(divergence_message(str(exc), self)) from None
        score = None if validation is None else self._validation_score(*validation)
        return loss, score

    def _update_no_improvement_count(self, value, *, higher_is_better):
        """Count epochs without a ``tol`` improvement; True past ``n_iter_no_change``.

        Tracks ``best_validation_score_`` (higher is better) or
        ``best_loss_`` (lower is better), as scikit-learn's MLP does.
        """
        if higher_is_better:
            improved = value > self.best_validation_score_ + self.tol
            self.best_validation_score_ = max(self.best_validation_score_, value)
        else:
            improved = value < self.best_loss_ - self.tol
            self.best_loss_ = min(self.best_loss_, value)
        self._no_improvement_count = 0 if improved else self._no_improvement_count + 1
        return self._no_improvement_count > self.n_iter_no_change
