"""Hyperparameters changed with set_params after fit (issue 21, items 1 and 8).

The rules, for every hyperparameter of both estimators:

- predictions, ``transform`` and ``score`` come from the fitted state only,
  so no change alters them;
- a change the README allows between calls (learning rate, solver settings,
  early stopping, ...) saves to a file that loads, predicts identically and
  continues training exactly as the estimator in memory does;
- a change of a hyperparameter that shapes the network (or how it reads X)
  is refused by ``save`` and ``partial_fit`` with a ValueError naming it.
"""

import numpy as np
import pytest
from _persistence_data import saved
from numpy.testing import assert_array_equal

from sklearn_rnn import ScratchRNNClassifier, ScratchRNNRegressor
from sklearn_rnn._params import architecture
from sklearn_rnn.persistence import load_model

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")

RNG = np.random.RandomState(0)
X = RNG.randn(30, 5, 2)
X[::3, :2] = 0.0  # leading steps that mask_value=0.0 would mask
LABELS = RNG.randint(0, 2, 30)
BASE = dict(
    hidden_size=4,
    max_iter=2,
    batch_size=8,
    dropout=0.2,
    conv_filters=(2,),
    conv_kernel_sizes=(3,),
    random_state=0,
)

#: Another valid value of every hyperparameter (several for solver).
CHANGES = [
    ("cell", "lstm"),
    ("hidden_size", 5),
    ("num_layers", 2),
    ("bidirectional", True),
    ("activation", "relu"),
    ("pooling", "mean"),
    ("return_sequences", True),
    ("dense_layers", (3,)),
    ("dense_activation", "tanh"),
    ("conv_filters", (3,)),
    ("conv_kernel_sizes", (2,)),
    ("flat_units", 3),
    ("downsample", 2),
    ("downsample", "auto"),
    ("freeze_embeddings", True),
    ("class_weight", "balanced"),
    ("class_weight", {0: 2.0, 1: 1.0}),
    ("learning_rate", "adaptive"),
    ("dropout", 0.4),
    ("dropout", 0.0),
    ("bptt_truncate", 2),
    ("embedding_dim", 3),
    ("vocab_size", 50),
    ("mask_value", 0.0),
    ("scale_input", False),
    ("init", "he"),
    ("recurrent_init", "xavier"),
    ("solver", "sgd"),
    ("solver", "momentum"),
    ("solver", "adagrad"),
    ("solver", "rmsprop"),
    ("solver", "rprop"),
    ("learning_rate_init", 0.1),
    ("learning_rate_decay", 0.5),
    ("momentum", 0.5),
    ("beta_1", 0.5),
    ("beta_2", 0.9),
    ("epsilon", 1e-3),
    ("alpha", 0.1),
    ("clip_norm", None),
    ("recurrent_max_norm", 1.0),
    ("batch_size", 5),
    ("max_iter", 7),
    ("shuffle", False),
    ("tol", 0.5),
    ("n_iter_no_change", 2),
    ("early_stopping", True),
    ("validation_fraction", 0.3),
    ("random_state", 7),
    ("verbose", True),
    ("warm_start", True),
    ("dtype", "float32"),
    ("data_format", "channels_first"),
    ("scale_target", False),
]
CASES = [
    (Est, name, value)
    for Est in (ScratchRNNClassifier, ScratchRNNRegressor)
    for name, value in CHANGES
    if name in Est().get_params()
]


def test_every_hyperparameter_is_changed_by_some_case():
    for Est in (ScratchRNNClassifier, ScratchRNNRegressor):
        changed = {name for Cls, name, _ in CASES if Cls is Est}
        # the table of a token-id model: test_a_changed_embeddings_table_...
        assert changed | {"embeddings"} == set(Est().get_params())


def fitted(Est):
    y = LABELS if Est is ScratchRNNClassifier else X[:, :, 1].sum(axis=1)
    return Est(**BASE).fit(X, y), y


def outputs(est, y):
    methods = ["predict", "transform"] + (
        ["predict_proba"] if hasattr(est, "predict_proba") else []
    )
    return {name: getattr(est, name)(X) for name in methods} | {
        "score": est.score(X, y)
    }


def assert_same_training_state(a, b):
    assert a.n_iter_ == b.n_iter_ and a.loss_curve_ == b.loss_curve_
    for got, expected in zip(a.network_.params, b.network_.params, strict=True):
        assert_array_equal(got, expected)
    assert type(a._optimizer) is type(b._optimizer)
    assert a._optimizer.iterations == b._optimizer.iterations
    for name, slots in a._optimizer.state.items():
        for got, expected in zip(slots, b._optimizer.state[name], strict=True):
            assert_array_equal(got, expected)


@pytest.mark.parametrize(
    "Est, name, value", CASES, ids=[f"{E.__name__[10:]}-{n}-{v}" for E, n, v in CASES]
)
def test_a_change_after_fit_never_alters_predictions(Est, name, value):
    est, y = fitted(Est)
    expected = outputs(est, y)
    est.set_params(**{name: value})
    for method, result in outputs(est, y).items():
        assert_array_equal(result, expected[method], err_msg=method)


@pytest.mark.parametrize(
    "Est, name, value", CASES, ids=[f"{E.__name__[10:]}-{n}-{v}" for E, n, v in CASES]
)
def test_a_change_after_fit_saves_a_file_that_loads_and_continues(
    Est, name, value, tmp_path
):
    est, y = fitted(Est)
    est.set_params(**{name: value})
    shaping = architecture(est.get_params()) != est._architecture
    if shaping:  # the network no longer matches: refused, and nothing written
        with pytest.raises(ValueError, match=f"cannot be saved.*{name}"):
            est.save(tmp_path / "model.npz")
        assert list(tmp_path.iterdir()) == []
        with pytest.raises(ValueError, match=f"partial_fit cannot continue.*{name}"):
            est.partial_fit(X, y)
        return
    loaded = load_model(saved(est, tmp_path))
    assert loaded.get_params() == est.get_params()
    for method, result in outputs(loaded, y).items():
        assert_array_equal(result, outputs(est, y)[method], err_msg=method)
    assert_same_training_state(loaded, est)
    est.partial_fit(X, y)
    loaded.partial_fit(X, y)
    assert_same_training_state(loaded, est)


@pytest.mark.parametrize("Est", [ScratchRNNClassifier, ScratchRNNRegressor])
def test_a_changed_embeddings_table_initialises_new_networks_only(Est, tmp_path):
    ids = np.random.RandomState(1).randint(1, 9, size=(30, 5))
    y = LABELS if Est is ScratchRNNClassifier else ids.sum(axis=1).astype(float)
    table = np.random.RandomState(2).randn(9, 3)
    est = Est(
        embedding_dim=3, embeddings=table, hidden_size=4, max_iter=2, random_state=0
    ).fit(ids, y)
    expected = est.predict(ids)
    est.set_params(embeddings=table + 1.0)
    assert_array_equal(est.predict(ids), expected)
    loaded = load_model(saved(est, tmp_path))
    assert_array_equal(loaded.embeddings, table + 1.0)
    assert_array_equal(loaded.predict(ids), expected)
    assert_same_training_state(loaded, est)
    est.partial_fit(ids, y)
    loaded.partial_fit(ids, y)
    assert_same_training_state(loaded, est)
