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
