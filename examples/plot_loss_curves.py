"""Loss curves: per epoch, and per mini-batch within few epochs.
=============================================================

:class:`~sklearn_rnn.inspection.LossCurveDisplay` draws ``loss_curve_``, the
mean training loss of each epoch. A fit of two or three epochs makes a curve
of two or three points, which says little of how training went; the
estimators also record the loss of every mini-batch step
(``batch_loss_curve_``) and how many steps each epoch took
(``batches_per_epoch_``), and the display draws them within the epochs, with
the validation score of early stopping at the end of each epoch.

Run: ``python examples/plot_loss_curves.py`` (a few seconds).
"""

import warnings

import matplotlib.pyplot as plt
import numpy as np
from sklearn.exceptions import ConvergenceWarning

from sklearn_rnn import ScratchRNNClassifier
from sklearn_rnn.inspection import LossCurveDisplay

warnings.simplefilter("ignore", ConvergenceWarning)  # fixed budgets of epochs

# %%
# Sequences whose label is the sign of their sum: 2,000 sequences of 20
# steps, trained for three epochs in mini-batches of 32, with 10% held out
# for the validation score.
rng = np.random.RandomState(0)
X = rng.randn(2000, 20, 1)
y = (X.sum(axis=(1, 2)) > 0).astype(int)
clf = ScratchRNNClassifier(
    hidden_size=16, max_iter=3, early_stopping=True, tol=0.0, random_state=0
)
clf.fit(X, y)
print(f"{clf.n_iter_} epochs of {clf.batches_per_epoch_} mini-batch steps")

# %%
# Few epochs: the mini-batch losses are drawn within them (``per_batch="auto"``
# draws them below 5 epochs), as means of runs of batches when there are many
# (``batch_window``).
fig, (left, right) = plt.subplots(1, 2, figsize=(11, 4))
LossCurveDisplay.from_estimator(clf, ax=left, name="every mini-batch")
LossCurveDisplay.from_estimator(
    clf, ax=right, batch_window=8, name="means of 8 mini-batches"
)
fig.tight_layout()

# %%
# Many epochs: the epoch means alone tell the story.
long = ScratchRNNClassifier(hidden_size=16, max_iter=30, random_state=0)
long.fit(X[:400], y[:400])
display = LossCurveDisplay.from_estimator(long)
plt.show()
