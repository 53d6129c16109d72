"""Learning tests: they pass only if the gradients through time are right."""

import numpy as np

from sklearn_rnn import ScratchRNNClassifier, ScratchRNNRegressor
from sklearn_rnn.nn.layers import Recurrent


def order_classifier(**params):
    defaults = dict(
        cell="rnn",  # the Elman cell: grads[1] is its recurrent kernel
        hidden_size=16,
        conv_filters=(),  # the recurrent layer alone must carry the order
        learning_rate_init=0.02,
        max_iter=80,
        batch_size=32,
        random_state=0,
    )
    return ScratchRNNClassifier(**{**defaults, **params})


def test_rnn_learns_the_order_of_events(order_task):
    X, y, X_test, y_test = order_task
    clf = order_classifier().fit(X, y)
    assert clf.score(X_test, y_test) >= 0.97


def test_a_broken_recurrent_gradient_fails_to_learn(order_task, monkeypatch):
    """The same training with the sign of dL/dWh flipped stays near chance:
    the test above depends on the gradient through time being right."""
    X, y, X_test, y_test = order_task
    original = Recurrent.backward

    def wrong_sign_recurrent_gradient(self, dstates):
        dx = original(self, dstates)
        self.grads[1] *= -1.0
        return dx

    monkeypatch.setattr(Recurrent, "backward", wrong_sign_recurrent_gradient)
    clf = order_classifier().fit(X, y)
    assert clf.score(X_test, y_test) < 0.9


def test_regressor_learns_a_running_sum_per_step():
    rng = np.random.RandomState(0)
    X = rng.uniform(-1, 1, size=(300, 8))
    y = np.cumsum(X, axis=1) / 4
    reg = ScratchRNNRegressor(
        hidden_size=8,
        return_sequences=True,
        learning_rate_init=0.01,
        max_iter=100,
        tol=0.0,
        random_state=0,
    ).fit(X, y)
    assert reg.predict(X).shape == (300, 8)
    assert reg.score(X, y) > 0.98
