"""Hyperparameters shared by several test modules."""

#: Settings that make training diverge within a few steps (float32, SGD at 1e6,
#: an Elman RNN with ReLU, large initial weights, no clipping).
EXPLODING = dict(
    cell="rnn",
    activation="relu",
    init="normal",
    recurrent_init="he",
    solver="sgd",
    learning_rate_init=1e6,
    clip_norm=None,
    hidden_size=8,
    max_iter=20,
    random_state=0,
    dtype="float32",
)
