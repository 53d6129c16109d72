"""``check_gradients``: finite-difference check of an estimator's backpropagation."""

import warnings

import numpy as np
from sklearn.base import clone
from sklearn.exceptions import ConvergenceWarning
from sklearn.utils.validation import _check_sample_weight

from ._training import TrainingData
from .nn.gradcheck import check_network_gradients


def check_gradients(estimator, X, y, *, sample_weight=None, eps=1e-6):
    """Compare an RNN estimator's backpropagated gradients with finite differences.

    A float64 copy of the estimator's network (with the fitted weights when
    ``estimator`` is fitted, else freshly initialised ones) computes the loss
    and its gradients on all of ``X, y`` through the very code used in
    training, then every parameter is perturbed by ``+-eps`` in turn. Dropout
    masks are replayed identically. Relative errors below about 1e-6 mean the
    gradients are right. A frozen embedding table (``freeze_embeddings``) is
    checked as if it trained: its gradient is what training would apply.

    Parameters
    ----------
    estimator : ScratchRNNClassifier or ScratchRNNRegressor
        The estimator whose network is checked (fitted or not).
    X : array-like of shape (n_samples, n_timesteps, n_features) or list
        Training sequences, as for ``fit`` (keep them few: two loss
        evaluations per parameter entry).
    y : array-like of shape (n_samples,) or (n_samples, n_outputs)
        Training targets, as for ``fit``.
    sample_weight : array-like of shape (n_samples,), default=None
        Weight of each sequence; None weighs every sequence 1.
    eps : float, default=1e-6
        The finite-difference step.

    Returns
    -------
    dict
        Weight name (its role name, e.g. ``"rnn.0.kernel"``; see
        :mod:`sklearn_rnn.nn.naming`) -> relative error
        ``||analytic - numeric|| / (||analytic|| + ||numeric||)``.

    See Also
    --------
    sklearn_rnn.nn.check_network_gradients : The same check of a network.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_rnn import ScratchRNNClassifier, check_gradients
    >>> rng = np.random.RandomState(0)
    >>> X, y = rng.randn(6, 4, 2), np.array([0, 1, 2, 0, 1, 2])
    >>> clf = ScratchRNNClassifier(hidden_size=3, conv_filters=(4, 3),
    ...                            conv_kernel_sizes=(3, 2), random_state=0)
    >>> errors = check_gradients(clf, X, y)
    >>> list(errors)[:3]
    ['rnn.0.kernel', 'rnn.0.recurrent_kernel', 'rnn.0.bias']
    >>> max(errors.values()) < 1e-6
    True
    """
    probe = clone(estimator).set_params(
        dtype="float64",
        max_iter=1,
        early_stopping=False,
        warm_start=False,
        verbose=False,
        freeze_embeddings=False,
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        probe.fit(X, y, sample_weight=sample_weight)  # builds the network and encoders
    if hasattr(estimator, "network_"):
        for mine, fitted in zip(probe.network_.params, estimator.network_.params):
            mine[...] = fitted
    sequences = probe._scale_input(probe._validate_input(X, reset=False), X)
    target = probe._encode_targets(y, sequences, reset=False)[0]
    weights = _check_sample_weight(sample_weight, sequences.values, dtype=np.float64)
    data = TrainingData(sequences, target, weights, per_step=probe.return_sequences)
    x, mask, target, weights = data.batch(np.arange(data.n_samples))
    errors = check_network_gradients(probe.network_, x, target, weights, mask, eps=eps)
    return dict(zip(probe.network_.param_names, errors))
