"""Count the ones in a binary sequence with a linear RNN of one unit.
==================================================================

The course's task: ``h_t = w_h h_{t-1} + w_x x_t`` counts the ones exactly when
``w_h = 1`` and ``w_x = 1`` (in the output layer's units). Trained with
full-batch Rprop on sequences of length 10, it generalises to any length.

Run: ``python examples/count_ones.py``
"""

import numpy as np

from sklearn_rnn import ScratchRNNRegressor
from sklearn_rnn.datasets import make_count_ones


def main():
    X, y = make_count_ones(1000, length=10, random_state=0)
    reg = ScratchRNNRegressor(
        cell="rnn",
        hidden_size=1,
        activation="identity",
        conv_filters=(),  # the course's linear RNN alone
        solver="rprop",
        learning_rate_init=0.01,
        scale_input=False,  # the weights are read in the input's units
        scale_target=False,  # and in the target's
        max_iter=1000,
        tol=1e-8,
        random_state=0,
    )
    reg.fit(X[:, :, None], y)  # 3-D input: predict accepts any length
    weights = {
        name: float(w.ravel()[0]) for name, w in reg.network_.named_params().items()
    }
    Wx, Wh = weights["rnn.0.kernel"], weights["rnn.0.recurrent_kernel"]
    b, W_out, b_out = (
        weights["rnn.0.bias"],
        weights["head.0.kernel"],
        weights["head.0.bias"],
    )
    print(f"trained {reg.n_iter_} epochs, final loss {reg.loss_curve_[-1]:.2e}")
    print(f"recurrent weight w_h = {Wh:.4f}")
    print(
        f"input weight w_x = {Wx:.4f}, output weight = {W_out:.4f}, "
        f"w_x * output = {Wx * W_out:.4f}"
    )
    print(f"biases: recurrent {b:.4f}, output {b_out:.4f}")

    long_sequence = np.random.RandomState(1).randint(0, 2, size=36).astype(float)
    prediction = reg.predict(long_sequence[None, :, None])[0]
    print(
        f"length-36 sequence with {int(long_sequence.sum())} ones: "
        f"predicted {prediction:.3f}"
    )


if __name__ == "__main__":
    main()
