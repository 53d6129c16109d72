"""Losses computed on the output layer's pre-activations (logits).

Every loss is the weighted mean over rows ``i`` of a per-row loss ``l_i``::

    L = sum_i w_i l_i / sum_i w_i

where a row is a sample (many-to-one) or a time step of a sample
(many-to-many) and ``w_i`` is its sample weight times its mask.  Working on
logits fuses the output non-linearity with the loss, which is both stable
(``logsumexp``/``softplus``, no ``log(0)``) and gives the familiar simple
gradient ``dL/dz_i = w_i (prediction_i - target_i) / sum_i w_i``.

Examples
--------
>>> import numpy as np
>>> from sklearn_rnn.nn.losses import SoftmaxCrossEntropy
>>> loss, grad = SoftmaxCrossEntropy().loss_and_gradient(
...     np.array([[0.0, 0.0]]), np.array([1]), np.array([1.0]))
>>> round(float(loss), 6), grad
(0.693147, array([[ 0.5, -0.5]]))
"""

import numpy as np
from scipy.special import expit

from .activations import log_sigmoid, log_softmax, softmax


def _normalized_weights(weights, dtype):
    total = weights.sum(dtype=np.float64)
    if total <= 0:
        raise ValueError("The sum of the sample weights of a batch must be positive.")
    return (weights / total).astype(dtype, copy=False)


class SoftmaxCrossEntropy:
    """Multinomial cross-entropy of ``softmax(z)`` against integer class labels.

    ``target`` holds class indices of shape (n_rows,).
    """

    def predict(self, logits):
        """Class probabilities ``softmax(logits)``."""
        return softmax(logits)

    def loss_and_gradient(self, logits, target, weights):
        """Return ``(L, dL/dlogits)`` for logits (n_rows, n_classes)."""
        w = _normalized_weights(weights, logits.dtype)
        log_p = log_softmax(logits)
        rows = np.arange(len(target))
        loss = -np.dot(w, log_p[rows, target])
        grad = np.exp(log_p)
        grad[rows, target] -= 1.0
        grad *= w[:, None]
        return float(loss), grad


class SigmoidBinaryCrossEntropy:
    """Binary cross-entropy of independent ``sigmoid(z_k)`` outputs.

    Serves binary classification (one output) and multilabel classification
    (one output per label).  ``target`` is a 0/1 array shaped like the logits.
    """

    def predict(self, logits):
        """Per-output probabilities ``sigmoid(logits)``."""
        return expit(logits)

    def loss_and_gradient(self, logits, target, weights):
        """Return ``(L, dL/dlogits)`` for logits (n_rows, n_outputs)."""
        w = _normalized_weights(weights, logits.dtype)
        # -[y log s(z) + (1 - y) log s(-z)] = -log s(z) + (1 - y) z
        per_row = ((1.0 - target) * logits - log_sigmoid(logits)).sum(axis=1)
        grad = expit(logits) - target
        grad *= w[:, None]
        return float(np.dot(w, per_row)), grad.astype(logits.dtype, copy=False)


class SquaredError:
    """Half squared error ``0.5 * ||z - y||**2`` of an identity output."""

    def predict(self, logits):
        """The identity: regression outputs are the logits."""
        return logits

    def loss_and_gradient(self, logits, target, weights):
        """Return ``(L, dL/dlogits)`` for outputs (n_rows, n_outputs)."""
        w = _normalized_weights(weights, logits.dtype)
        grad = logits - target
        loss = 0.5 * np.dot(w, (grad * grad).sum(axis=1))
        grad *= w[:, None]
        return float(loss), grad.astype(logits.dtype, copy=False)
