"""``embeddings=`` (an initial embedding table) and ``freeze_embeddings``."""

import numpy as np
import pytest
from numpy.testing import assert_array_equal

from sklearn_rnn import ScratchRNNClassifier, ScratchRNNRegressor, check_gradients
from sklearn_rnn.nn.layers import Embedding

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")

RNG = np.random.RandomState(0)
IDS = RNG.randint(0, 20, size=(64, 9))  # ids 0-19: rows 20-29 are never read
Y = (IDS[:, -1] % 2).astype(int)
TABLE = RNG.randn(30, 4)
NAN_IN_ROW_3 = TABLE.copy()
NAN_IN_ROW_3[3, 1] = np.nan
SMALL = dict(embedding_dim=4, hidden_size=4, max_iter=3, batch_size=16, random_state=0)


def table_of(estimator):
    return estimator.network_.params[
        estimator.network_.param_names.index("embedding.0.embeddings")
    ]


def optimizer_slots_of_table(estimator):
    return [slots[0] for slots in estimator._optimizer.state.values()]


@pytest.mark.parametrize("solver", ["adam", "sgd", "rmsprop"])
def test_a_frozen_table_never_changes(solver):
    given = TABLE.copy()
    clf = ScratchRNNClassifier(
        embeddings=given, freeze_embeddings=True, solver=solver, alpha=0.1, **SMALL
    )
    clf.fit(IDS, Y)
    assert_array_equal(table_of(clf), TABLE.astype(np.float32))
    clf.set_params(warm_start=True, max_iter=2).fit(IDS, Y)
    clf.partial_fit(IDS, Y)
    assert_array_equal(table_of(clf), TABLE.astype(np.float32))
    assert all(not slot.any() for slot in optimizer_slots_of_table(clf))
    assert_array_equal(given, TABLE)  # the hyperparameter is never written to
    assert clf.n_iter_ == 6 and clf.loss_curve_[-1] < clf.loss_curve_[0]


def test_an_unfrozen_table_starts_from_the_given_matrix():
    clf = ScratchRNNClassifier(embeddings=TABLE, **SMALL).fit(IDS, Y)
    trained = table_of(clf)
    # Lazy updates: rows never read keep their initial values exactly.
    assert_array_equal(trained[20:], TABLE[20:].astype(np.float32))
    assert_array_equal(trained[0], TABLE[0].astype(np.float32))  # padding
    changed = (trained[1:20] != TABLE[1:20].astype(np.float32)).any(axis=1)
    assert changed.all()  # every row the ids read (1-19) was trained
    random = ScratchRNNClassifier(**SMALL).fit(IDS, Y)
    assert len(table_of(random)) == 20  # sized by the ids, not by TABLE
    assert not np.allclose(table_of(random)[0], TABLE[0])


def test_the_table_is_copied_in_the_layer():
    layer = Embedding(30, 4, weights=TABLE, dtype=np.float64)
    table = layer.embeddings
    assert_array_equal(table, TABLE)
    assert table is not TABLE and not np.shares_memory(table, TABLE)


def test_unfreezing_applies_from_the_next_call():
    clf = ScratchRNNClassifier(embeddings=TABLE, freeze_embeddings=True, **SMALL)
    clf.partial_fit(IDS, Y, classes=[0, 1])
    assert_array_equal(table_of(clf), TABLE.astype(np.float32))
    clf.set_params(freeze_embeddings=False).partial_fit(IDS, Y)
    assert not np.array_equal(table_of(clf)[2:20], TABLE[2:20].astype(np.float32))
    assert_array_equal(table_of(clf)[20:], TABLE[20:].astype(np.float32))


def test_a_failed_call_on_a_frozen_table_is_rolled_back():
    clf = ScratchRNNClassifier(embeddings=TABLE, freeze_embeddings=True, **SMALL)
    clf.partial_fit(IDS, Y, classes=[0, 1])
    before = [p.copy() for p in clf.network_.params]
    clf.set_params(learning_rate_init=1e300, solver="sgd", clip_norm=None)
    with pytest.raises(ValueError, match="diverged"):
        clf.partial_fit(IDS, Y)
    for got, expected in zip(clf.network_.params, before, strict=True):
        assert_array_equal(got, expected)
    assert clf.n_iter_ == 1


def test_the_table_sets_the_vocabulary_size_and_larger_ids_read_row_1():
    clf = ScratchRNNClassifier(embeddings=TABLE[:20], **SMALL).fit(IDS, Y)
    assert clf.vocab_size_ == 20
    unknown, oov = IDS[:3].copy(), IDS[:3].copy()
    unknown[:, -1], oov[:, -1] = 25, 1
    assert_array_equal(clf.predict_proba(unknown), clf.predict_proba(oov))


def test_check_gradients_checks_a_frozen_tables_gradient_too():
    clf = ScratchRNNClassifier(
        embeddings=TABLE, freeze_embeddings=True, **{**SMALL, "max_iter": 1}
    )
    errors = check_gradients(clf, IDS[:8], Y[:8])
    assert 0 < errors["embedding.0.embeddings"] < 1e-6
    assert clf.freeze_embeddings and not hasattr(clf, "network_")


def test_the_regressor_takes_a_frozen_table_too():
    reg = ScratchRNNRegressor(embeddings=TABLE, freeze_embeddings=True, **SMALL)
    reg.fit(IDS, IDS.sum(axis=1))
    assert_array_equal(table_of(reg), TABLE.astype(np.float32))


@pytest.mark.parametrize(
    "params, error, message",
    [
        (
            dict(embedding_dim=3),
            ValueError,
            "embeddings has 4 columns, so embedding_dim",
        ),
        (dict(embedding_dim=None), ValueError, "embedding_dim must be 4; got None"),
        (dict(vocab_size=20), ValueError, "30 rows, so vocab_size must be 30 or None"),
        (dict(embeddings=TABLE[:, 0]), ValueError, r"embeddings must be a 2-D array"),
        (dict(embeddings=TABLE[:1]), ValueError, "at least 2 rows"),
        (dict(embeddings=NAN_IN_ROW_3), ValueError, r"NaN or infinite .*row 3\)"),
        (dict(embeddings=TABLE.astype(str)), TypeError, "embeddings must hold real"),
        (dict(embeddings=TABLE + 1j), TypeError, "embeddings must hold real"),
    ],
)
def test_an_invalid_table_is_refused_by_name(params, error, message):
    clf = ScratchRNNClassifier(**{**SMALL, "embeddings": TABLE, **params})
    with pytest.raises(error, match=message):
        clf.fit(IDS, Y)
    assert not hasattr(clf, "network_")
