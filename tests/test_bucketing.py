"""Mini-batches that cost what their sequences hold: trimming and bucketing."""

import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal
from sklearn.utils import gen_batches, gen_even_slices

from sklearn_rnn import ScratchRNNClassifier
from sklearn_rnn._training import BUCKET_POOL_BATCHES, TrainingData
from sklearn_rnn._validation import Sequences
from sklearn_rnn.nn import SoftmaxCrossEntropy, build_network


def ragged(lengths, T, D=2, seed=0, where="post"):
    """Values (N, T, D) whose padding holds garbage, and their mask."""
    rng = np.random.RandomState(seed)
    values = rng.randn(len(lengths), T, D)
    mask = np.zeros((len(lengths), T), bool)
    for n, length in enumerate(lengths):
        if where == "post":
            mask[n, :length] = True
        else:
            mask[n, T - length :] = True
    values[~mask] = 99.0
    return values, mask


@pytest.mark.parametrize("where", ["post", "pre"])
@pytest.mark.parametrize("conv", [False, True])
def test_a_trimmed_batch_gives_the_untrimmed_loss_and_gradients(where, conv):
    values, mask = ragged([3, 5, 2], T=9, where=where)
    target = np.array([0, 1, 1])
    data = TrainingData(Sequences(values, mask), target, np.ones(3), per_step=False)
    x, m, y, w = data.batch(np.arange(3))
    assert x.shape[0] == 5  # the longest sequence's steps, not 9
    full_x = np.ascontiguousarray(values.transpose(1, 0, 2))
    results = []
    for inputs, inputs_mask in ((x, m), (full_x, mask.T.copy())):
        net = build_network(
            2,
            2,
            SoftmaxCrossEntropy(),
            cell="gru",
            hidden_size=3,
            bidirectional=True,
            conv_filters=(3,) if conv else (),
            conv_kernel_sizes=(4,) if conv else (),
            rng=np.random.RandomState(0),
            dtype=np.float64,
        )
        loss = net.loss_and_gradients(inputs, y, w, inputs_mask)
        results.append((loss, [g.copy() for g in net.grads]))
    (loss, grads), (full_loss, full_grads) = results
    assert_allclose(loss, full_loss, rtol=1e-12)
    for g, full in zip(grads, full_grads):
        assert_allclose(g, full, rtol=1e-10, atol=1e-13)


def test_per_step_targets_are_trimmed_with_their_steps():
    values, mask = ragged([2, 3], T=6)
    target = np.arange(12).reshape(2, 6)
    data = TrainingData(Sequences(values, mask), target, np.ones(2), per_step=True)
    x, m, y, w = data.batch(np.array([1, 0]))
    assert x.shape[:2] == y.shape == w.shape == (3, 2)
    assert_array_equal(y, [[6, 0], [7, 1], [8, 2]])
    assert_array_equal(w, [[1, 1], [1, 1], [1, 0]])


def test_equal_lengths_keep_the_plain_shuffled_batches():
    values = np.zeros((70, 4, 1))
    data = TrainingData(Sequences(values, None), np.zeros(70), np.ones(70), False)
    batches = data.batches(16, np.random.RandomState(3), shuffle=True)
    order = np.random.RandomState(3).permutation(70)
    # the fewest batches of at most 16, of even sizes: 14 each, not 16 x 4 + 6
    expected = [order[part] for part in gen_even_slices(70, 5)]
    assert len(batches) == len(expected)
    for got, want in zip(batches, expected):
        assert_array_equal(got, want)


def test_bucketed_batches_hold_similar_lengths_and_every_sample_once():
    rng = np.random.RandomState(0)
    n, batch_size = 1000, 8
    lengths = rng.randint(1, 200, size=n)
    values, mask = ragged(lengths, T=200, D=1)
    data = TrainingData(Sequences(values, mask), np.zeros(n), np.ones(n), False)
    batches = data.batches(batch_size, np.random.RandomState(1), shuffle=True)
    assert_array_equal(np.sort(np.concatenate(batches)), np.arange(n))
    spreads = [np.ptp(lengths[b]) for b in batches]
    # Sorted within pools of BUCKET_POOL_BATCHES batches: a batch spans about
    # 1/16 of the length range, against almost all of it when not bucketed.
    assert np.median(spreads) < 200 / BUCKET_POOL_BATCHES * 2
    plain = [np.ptp(lengths[part]) for part in gen_batches(n, batch_size)]
    assert np.median(plain) > 150
    # Reproducible, and the batch order is shuffled (not sorted by length).
    again = data.batches(batch_size, np.random.RandomState(1), shuffle=True)
    assert all(np.array_equal(a, b) for a, b in zip(batches, again))
    firsts = [lengths[b].min() for b in batches]
    assert not np.all(np.diff(firsts) >= 0)


def test_without_shuffle_batches_keep_the_given_order():
    values, mask = ragged([5, 1, 3, 2], T=5)
    data = TrainingData(Sequences(values, mask), np.zeros(4), np.ones(4), False)
    batches = data.batches(2, np.random.RandomState(0), shuffle=False)
    assert [b.tolist() for b in batches] == [[0, 1], [2, 3]]


def test_fitting_unequal_lengths_reads_each_batch_only_as_long_as_it_is(monkeypatch):
    rng = np.random.RandomState(0)
    X = [rng.randn(length, 1) for length in [4] * 20 + [60] * 20]
    y = np.array([0, 1] * 20)
    seen = []
    original = TrainingData.batch

    def spy(self, idx):
        out = original(self, idx)
        seen.append(out[0].shape[0])
        return out

    monkeypatch.setattr(TrainingData, "batch", spy)
    ScratchRNNClassifier(hidden_size=4, batch_size=10, max_iter=1).fit(X, y)
    # Bucketed: two batches of the short series (4 steps), two of the long.
    assert sorted(seen) == [4, 4, 60, 60]
