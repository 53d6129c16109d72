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

    ``target`` holds class indices of shape (n_rows,).  The loss of a row
    is ``-log softmax(z)[y]``, computed with a ``logsumexp`` (no overflow),
    and its gradient is ``softmax(z) - onehot(y)`` times the row's
    normalised weight.  The output of a multiclass classifier.

    See Also
    --------
    SigmoidBinaryCrossEntropy : Independent binary outputs.
    SquaredError : The loss of regression.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_rnn.nn.losses import SoftmaxCrossEntropy
    >>> loss = SoftmaxCrossEntropy()
    >>> loss.predict(np.array([[0.0, np.log(3.0)]]))
    array([[0.25, 0.75]])
    >>> value, grad = loss.loss_and_gradient(
    ...     np.array([[0.0, 0.0]]), np.array([1]), np.array([1.0]))
    >>> round(value, 6), grad
    (0.693147, array([[ 0.5, -0.5]]))
    """

    def predict(self, logits):
        """Return the class probabilities ``softmax(logits)``.

        Parameters
        ----------
        logits : ndarray of shape (n_rows, n_classes)
            The output layer's pre-activations.

        Returns
        -------
        ndarray of shape (n_rows, n_classes)
            The probabilities of the classes; each row sums to 1.
        """
        return softmax(logits)

    def loss_and_gradient(self, logits, target, weights):
        """Return the weighted mean loss and its gradient ``dL/dlogits``.

        Parameters
        ----------
        logits : ndarray of shape (n_rows, n_classes)
            The output layer's pre-activations.
        target : ndarray of shape (n_rows,)
            The class index of each row.
        weights : ndarray of shape (n_rows,)
            The weight of each row (zero on padding).

        Returns
        -------
        loss : float
            The weighted mean of the rows' losses.
        gradient : ndarray of shape (n_rows, n_classes)
            The gradient of ``loss`` with respect to the logits.

        Raises
        ------
        ValueError
            If the weights do not have a positive sum.
        """
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
    The loss of a row is the sum over its outputs of
    ``-[y log s(z) + (1 - y) log s(-z)]``, computed with ``log_sigmoid``
    (no ``log(0)``).

    See Also
    --------
    SoftmaxCrossEntropy : One class out of several.
    SquaredError : The loss of regression.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_rnn.nn.losses import SigmoidBinaryCrossEntropy
    >>> loss = SigmoidBinaryCrossEntropy()
    >>> loss.predict(np.array([[0.0, 2.0]])).round(4)
    array([[0.5   , 0.8808]])
    >>> value, grad = loss.loss_and_gradient(
    ...     np.array([[0.0]]), np.array([[1.0]]), np.array([1.0]))
    >>> round(value, 6), grad
    (0.693147, array([[-0.5]]))
    """

    def predict(self, logits):
        """Return the per-output probabilities ``sigmoid(logits)``.

        Parameters
        ----------
        logits : ndarray of shape (n_rows, n_outputs)
            The output layer's pre-activations.

        Returns
        -------
        ndarray of shape (n_rows, n_outputs)
            The probability of each output being 1.
        """
        return expit(logits)

    def loss_and_gradient(self, logits, target, weights):
        """Return the weighted mean loss and its gradient ``dL/dlogits``.

        Parameters
        ----------
        logits : ndarray of shape (n_rows, n_outputs)
            The output layer's pre-activations.
        target : ndarray of shape (n_rows, n_outputs)
            The 0/1 targets.
        weights : ndarray of shape (n_rows,)
            The weight of each row (zero on padding).

        Returns
        -------
        loss : float
            The weighted mean of the rows' losses.
        gradient : ndarray of shape (n_rows, n_outputs)
            The gradient of ``loss`` with respect to the logits, of their
            dtype.

        Raises
        ------
        ValueError
            If the weights do not have a positive sum.
        """
        w = _normalized_weights(weights, logits.dtype)
        # -[y log s(z) + (1 - y) log s(-z)] = -log s(z) + (1 - y) z
        per_row = ((1.0 - target) * logits - log_sigmoid(logits)).sum(axis=1)
        grad = expit(logits) - target
        grad *= w[:, None]
        return float(np.dot(w, per_row)), grad.astype(logits.dtype, copy=False)


class SquaredError:
    """Half squared error ``0.5 * ||z - y||**2`` of an identity output.

    The loss of a row is half the squared Euclidean distance between its
    outputs and its targets, so its gradient is ``z - y`` times the row's
    normalised weight.  The output of a regressor.

    See Also
    --------
    SoftmaxCrossEntropy : The loss of multiclass classification.
    SigmoidBinaryCrossEntropy : The loss of binary and multilabel outputs.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_rnn.nn.losses import SquaredError
    >>> value, grad = SquaredError().loss_and_gradient(
    ...     np.array([[1.0], [3.0]]), np.array([[0.0], [1.0]]), np.ones(2))
    >>> value                             # (0.5 * 1 + 0.5 * 4) / 2
    1.25
    >>> grad
    array([[0.5],
           [1. ]])
    """

    def predict(self, logits):
        """Return the regression outputs, which are the logits.

        Parameters
        ----------
        logits : ndarray of shape (n_rows, n_outputs)
            The output layer's values.

        Returns
        -------
        ndarray of shape (n_rows, n_outputs)
            ``logits`` itself (the identity).
        """
        return logits

    def loss_and_gradient(self, logits, target, weights):
        """Return the weighted mean loss and its gradient ``dL/dlogits``.

        Parameters
        ----------
        logits : ndarray of shape (n_rows, n_outputs)
            The output layer's values.
        target : ndarray of shape (n_rows, n_outputs)
            The regression targets.
        weights : ndarray of shape (n_rows,)
            The weight of each row (zero on padding).

        Returns
        -------
        loss : float
            The weighted mean of the rows' losses.
        gradient : ndarray of shape (n_rows, n_outputs)
            The gradient of ``loss`` with respect to the outputs, of their
            dtype.

        Raises
        ------
        ValueError
            If the weights do not have a positive sum.
        """
        w = _normalized_weights(weights, logits.dtype)
        grad = logits - target
        loss = 0.5 * np.dot(w, (grad * grad).sum(axis=1))
        grad *= w[:, None]
        return float(loss), grad.astype(logits.dtype, copy=False)
