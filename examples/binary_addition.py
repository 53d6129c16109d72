"""Binary addition with an RNN, and the course's hyperparameter study as a GridSearchCV.
=====================================================================================

An RNN reads two 8-bit numbers bit by bit, least significant bit first, and
outputs the bits of their sum; it must learn to carry. The script

1. trains one ``ScratchRNNClassifier(return_sequences=True)`` and prints sums,
2. runs ``GridSearchCV`` over hidden size, recurrent activation, initializer
   and learning rate (the course's study) and prints the best parameters,
3. saves the loss curves of every activation x initializer (at the best hidden
   size and learning rate) to ``binary_addition_loss_curves.png`` when
   matplotlib is installed (``pip install -e ".[plots]"``).

Run: ``python examples/binary_addition.py`` (about a minute on 2 cores).
"""

import itertools
import time
import warnings

import numpy as np
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import GridSearchCV

from sklearn_rnn import ScratchRNNClassifier
from sklearn_rnn.datasets import (
    decode_bits,
    encode_binary_addition,
    make_binary_addition,
)

#: The course's model: an Elman SimpleRNN, whose ``activation`` the study varies.
BASE = dict(
    cell="rnn", return_sequences=True, batch_size=32, max_iter=25, random_state=0
)
GRID = {
    "hidden_size": [8, 16],
    "activation": ["sigmoid", "tanh", "relu"],
    "init": ["normal", "xavier", "he"],
    "learning_rate_init": [0.01, 0.05],
}


def sum_accuracy(estimator, X, y):
    """Fraction of sums with every bit right (the course's criterion)."""
    return float(np.mean((estimator.predict(X) == y).all(axis=1)))


def show_sums(clf, rng):
    a, b = rng.randint(0, 128, 5), rng.randint(0, 128, 5)
    X, _ = encode_binary_addition(a, b)
    for x_a, x_b, bits in zip(a, b, clf.predict(X)):
        predicted = int(decode_bits(bits[None])[0])
        print(
            f"  {x_a:3d} + {x_b:3d} = {predicted:3d}  "
            f"{'ok' if predicted == x_a + x_b else 'WRONG'}"
        )


def save_loss_curves(X, y, best, path="binary_addition_loss_curves.png"):
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        print("matplotlib is not installed: no figure (pip install -e '.[plots]').")
        return
    fig, axes = plt.subplots(1, 3, figsize=(13, 3.8), sharey=True)
    for ax, activation in zip(axes, GRID["activation"]):
        for init in GRID["init"]:
            params = {**BASE, **best, "activation": activation, "init": init}
            try:
                clf = ScratchRNNClassifier(**params).fit(X, y)
                ax.plot(np.arange(1, clf.n_iter_ + 1), clf.loss_curve_, label=init)
            except ValueError as exc:  # a diverged setting, reported not hidden
                print(f"  {activation}/{init}: {exc}")
        ax.set(title=f"activation={activation}", xlabel="epoch", yscale="log")
        ax.legend(title="init")
    axes[0].set_ylabel("training loss")
    fig.suptitle(
        f"hidden_size={best['hidden_size']}, "
        f"learning_rate_init={best['learning_rate_init']}"
    )
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    print(f"saved {path}")


def main():
    # Every setting gets the same fixed epoch budget, as in the course's study.
    warnings.simplefilter("ignore", ConvergenceWarning)
    X, y = make_binary_addition(1500, n_bits=8, random_state=0)
    rng = np.random.RandomState(1)

    start = time.perf_counter()
    clf = ScratchRNNClassifier(
        hidden_size=16, learning_rate_init=0.01, **{**BASE, "max_iter": 60}
    ).fit(X, y)
    a, b = (g.ravel() for g in np.meshgrid(np.arange(128), np.arange(128)))
    X_all, y_all = encode_binary_addition(a, b)
    print(
        f"trained in {time.perf_counter() - start:.1f} s ({clf.n_iter_} epochs); "
        f"all 128 x 128 sums right: {sum_accuracy(clf, X_all, y_all):.4f}"
    )
    show_sums(clf, rng)

    start = time.perf_counter()
    search = GridSearchCV(
        ScratchRNNClassifier(**BASE),
        GRID,
        scoring=sum_accuracy,
        cv=2,
        n_jobs=2,
        error_score=np.nan,
    )
    search.fit(X, y)
    n_settings = len(list(itertools.product(*GRID.values())))
    print(
        f"\nGridSearchCV over {n_settings} settings in "
        f"{time.perf_counter() - start:.0f} s"
    )
    results = search.cv_results_
    order = np.argsort(results["rank_test_score"])
    print(f"{'rank':>4}  {'sum accuracy':>12}  params")
    for i in order[:10]:
        print(
            f"{results['rank_test_score'][i]:>4}  "
            f"{results['mean_test_score'][i]:>12.4f}  "
            f"{results['params'][i]}"
        )
    print(f"best parameters: {search.best_params_}")
    best = {k: search.best_params_[k] for k in ("hidden_size", "learning_rate_init")}
    save_loss_curves(X, y, best)


if __name__ == "__main__":
    main()
