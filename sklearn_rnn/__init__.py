"""sklearn_rnn: from-scratch NumPy recurrent neural networks as scikit-learn estimators.

Examples
--------
>>> from sklearn_rnn import ScratchRNNClassifier, ScratchRNNRegressor
>>> ScratchRNNClassifier(hidden_size=16).get_params()["hidden_size"]
16
"""

from ._classifier import ScratchRNNClassifier
from ._gradient_check import check_gradients
from ._regressor import ScratchRNNRegressor
from .exceptions import TrainingDivergedError

__version__ = "0.1.0"

__all__ = [
    "ScratchRNNClassifier",
    "ScratchRNNRegressor",
    "TrainingDivergedError",
    "__version__",
    "check_gradients",
]
