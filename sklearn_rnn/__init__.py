"""sklearn_rnn: from-scratch NumPy recurrent neural networks as scikit-learn estimators."""

__version__ = "0.1.0"
