"""Shared test fixtures: small sequence tasks generated in code."""

import numpy as np
import pytest

#: tests/data holds fixtures and the script that records them (it needs torch).
collect_ignore = ["data"]


def make_order_task(n_samples, n_timesteps=10, random_state=0):
    """Two one-hot markers at random distinct steps; label: marker A came first.

    Every sequence holds exactly one A and one B, so any order-blind summary
    of the steps (a bag of steps) is identical for both classes.
    """
    rng = np.random.RandomState(random_state)
    X = np.zeros((n_samples, n_timesteps, 2))
    y = np.zeros(n_samples, dtype=int)
    for i in range(n_samples):
        a, b = rng.choice(n_timesteps, size=2, replace=False)
        X[i, a, 0] = X[i, b, 1] = 1.0
        y[i] = int(a < b)
    return X, y


@pytest.fixture(scope="session")
def order_task():
    X, y = make_order_task(600, random_state=0)
    return X[:400], y[:400], X[400:], y[400:]


def make_sum_sign(n_samples, n_timesteps, n_features, scale=1.0, random_state=0):
    """Gaussian sequences ``(n_samples, n_timesteps, n_features)`` times ``scale``;
    label: the sum of feature 0 over the time steps is positive.

    Returns ``X, y`` (y of 0/1 ints).
    """
    X = np.random.RandomState(random_state).randn(n_samples, n_timesteps, n_features)
    X = X * scale
    return X, (X[:, :, 0].sum(axis=1) > 0).astype(int)


@pytest.fixture(scope="session")
def sum_sign():
    """:func:`make_sum_sign`, for the data fixtures of the test modules."""
    return make_sum_sign


@pytest.fixture
def row_sparse_gradient():
    """``(table, grad, rows)``: a (6, 2) table and a gradient that is non-zero
    on ``rows`` (1 and 3) only, as an embedding's after a batch."""
    rows = np.array([1, 3])
    rng = np.random.RandomState(0)
    table = rng.randn(6, 2)
    grad = np.zeros_like(table)
    grad[rows] = rng.randn(2, 2)
    return table, grad, rows


@pytest.fixture
def fail_at_batch(monkeypatch):
    """``fail_at_batch(n, error, every=None)``: training raises ``error`` at its
    ``n``-th mini-batch (counted over calls; with ``every``, at the ``n``-th of
    every ``every``), after the earlier batches' updates. ``monkeypatch.undo()``
    disarms it."""
    import sklearn_rnn._training as training

    def arm(n, error, every=None):
        batches = []
        clip = training.clip_by_global_norm

        def failing(*args):
            batches.append(1)
            if (len(batches) if every is None else len(batches) % every) == n:
                raise error
            return clip(*args)

        monkeypatch.setattr(training, "clip_by_global_norm", failing)

    return arm
