"""What the persistence tests share: small data sets and a save helper."""

import numpy as np

from sklearn_rnn.persistence import save_model

INVALID = "is not a valid sklearn_rnn model file"
RNG = np.random.RandomState(0)
X3 = RNG.randn(40, 6, 3)  # (N, T, D) float sequences
X2 = RNG.randn(40, 7)  # (N, T) univariate sequences
IDS = RNG.randint(0, 12, size=(40, 9))  # token ids, 0 is padding
BINARY = RNG.randint(0, 2, size=40)
WORDS = RNG.choice(["cat", "dog", "fish"], size=40)
MULTILABEL = RNG.randint(0, 2, size=(40, 3))
PER_STEP = RNG.choice(["lo", "hi"], size=(40, 6))
SMALL = dict(hidden_size=5, max_iter=4, random_state=0)


def saved(estimator, tmp_path, name="model.npz"):
    path = tmp_path / name
    save_model(estimator, path)
    return path
