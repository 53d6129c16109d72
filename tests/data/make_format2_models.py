"""Write model files of format 2 (positional weight names) with the code that
wrote them, for ``tests/test_persistence_format2.py``.

Run once with a checkout of sklearn_rnn that writes format 2 (commit e1f6940,
the last released main before weights were named by role) first on the path::

    git archive e1f6940 | tar -x -C /tmp/format2
    PYTHONPATH=/tmp/format2 python tests/data/make_format2_models.py

It writes ``format2_<name>.npz`` (the model files, each a few kB) and
``format2_expected.npz``: the input of each model and its predictions
(``predict_proba`` for the classifiers, ``predict`` for the regressors) as
the code that saved it computed them.
"""

import os

import numpy as np

import sklearn_rnn
from sklearn_rnn import ScratchRNNClassifier, ScratchRNNRegressor
from sklearn_rnn.persistence import FORMAT_VERSION, save_model

HERE = os.path.dirname(os.path.abspath(__file__))


def models():
    """``{name: (estimator, X, y)}``: every kind of layer, cell and solver."""
    rng = np.random.RandomState(0)
    X = rng.randn(24, 6, 2)
    labels = np.where(X[:, :, 0].sum(1) > 0, "up", "down")
    ids = rng.randint(0, 9, size=(24, 7))
    classes = ids.sum(1) % 3
    targets = np.c_[X.sum((1, 2)), X[:, -1, 1]]
    fast = {"max_iter": 2, "random_state": 0}
    return {
        "gru_adam": (
            ScratchRNNClassifier(hidden_size=3, mask_value=0.0, **fast),
            X,
            labels,
        ),
        "lstm_embedding_bidirectional_momentum": (
            ScratchRNNClassifier(
                cell="lstm",
                hidden_size=3,
                num_layers=2,
                bidirectional=True,
                embedding_dim=4,
                dense_layers=(3,),
                dropout=0.1,
                pooling="mean",
                solver="momentum",
                **fast,
            ),
            ids,
            classes,
        ),
        "rnn_dense_rmsprop": (
            ScratchRNNRegressor(
                cell="rnn",
                hidden_size=3,
                dense_layers=(4,),
                solver="rmsprop",
                **fast,
            ),
            X,
            targets,
        ),
        "gru_per_step_rprop": (
            ScratchRNNRegressor(
                hidden_size=2, return_sequences=True, solver="rprop", **fast
            ),
            X,
            X[:, :, 0].cumsum(1),
        ),
    }


def main():
    assert FORMAT_VERSION == 2, f"{sklearn_rnn.__file__} writes format {FORMAT_VERSION}"
    expected = {}
    for name, (estimator, X, y) in models().items():
        estimator.fit(X, y)
        save_model(estimator, os.path.join(HERE, f"format2_{name}.npz"))
        predict = getattr(estimator, "predict_proba", estimator.predict)
        expected[f"{name}/X"] = X
        expected[f"{name}/y"] = y
        expected[f"{name}/prediction"] = predict(X)
    np.savez(os.path.join(HERE, "format2_expected.npz"), **expected)
    print(f"wrote {len(expected) // 3} format-2 models with {sklearn_rnn.__file__}")


if __name__ == "__main__":
    main()
