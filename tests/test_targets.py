"""Target checks (``_targets.py``): one target per sequence, or per time step."""

import re

import numpy as np
import pytest
from numpy.testing import assert_array_equal

from sklearn_rnn import ScratchRNNClassifier
from sklearn_rnn._targets import check_target_length, per_step_target
from sklearn_rnn._validation import Sequences

FAST = dict(hidden_size=6, max_iter=4, random_state=0)
RAGGED = Sequences(  # two sequences of 3 and 1 steps, post-padded
    np.zeros((2, 3, 1)), np.array([[True, True, True], [True, False, False]])
)
DENSE = Sequences(np.zeros((2, 3, 1)), None)


def test_check_target_length():
    assert check_target_length(np.ones(2), DENSE) is None
    with pytest.raises(
        ValueError,
        match=r"^X and y have inconsistent numbers of samples: 2 sequences but 3 "
        r"targets\.$",
    ):
        check_target_length(np.ones(3), DENSE)


def test_ragged_per_step_targets_are_post_padded_and_valid_is_the_mask():
    y, valid = per_step_target([[1.0, 2.0, 3.0], [4.0]], RAGGED, np.float64)
    assert y.dtype == np.float64
    assert_array_equal(y, [[1.0, 2.0, 3.0], [4.0, 0.0, 0.0]])
    assert valid is RAGGED.mask


def test_per_step_labels_keep_their_type_with_dtype_none():
    y, _ = per_step_target([["a", "b", "c"], ["d"]], RAGGED, None)
    assert_array_equal(y, [["a", "b", "c"], ["d", "", ""]])


def test_without_a_mask_every_step_is_valid_and_outputs_are_kept():
    y, valid = per_step_target(np.ones((2, 3, 2)), DENSE, np.float32)
    assert y.shape == (2, 3, 2) and y.dtype == np.float32
    assert_array_equal(valid, np.ones((2, 3), dtype=bool))


@pytest.mark.parametrize("shape", [(2, 4), (2,)])
def test_per_step_targets_of_the_wrong_shape_name_the_expected_shape(shape):
    message = (
        "With return_sequences=True, y needs one target per time step: shape "
        f"(2, 3) or (2, 3, n_outputs); got {shape}."
    )
    with pytest.raises(ValueError, match=f"^{re.escape(message)}$"):
        per_step_target(np.ones(shape), DENSE, np.float64)


def test_per_step_targets_for_other_samples_are_an_error():
    with pytest.raises(ValueError, match="2 sequences but 3 targets"):
        per_step_target(np.ones((3, 3)), DENSE, np.float64)


def test_return_sequences_classifier_with_ragged_targets():
    rng = np.random.RandomState(4)
    seqs = [rng.randn(n, 1) for n in (3, 5, 4, 6) * 5]
    y = [(s[:, 0] > 0).astype(int) for s in seqs]
    clf = ScratchRNNClassifier(return_sequences=True, **FAST).fit(seqs, y)
    assert clf.predict(seqs).shape == (20, 6)
    assert clf.predict_proba(seqs).shape == (20, 6, 2)
    assert 0.0 <= clf.score(seqs, y) <= 1.0
    with pytest.raises(ValueError, match="one target per time step"):
        clf.fit(np.zeros((4, 3, 1)), np.zeros((4, 2)))
