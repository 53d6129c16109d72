"""Recurrent cells: the maths of one time step (see :mod:`.base` for the contract)."""

from .base import Cell
from .gru import GRUCell
from .lstm import LSTMCell
from .simple_rnn import SimpleRNNCell

CELLS = {"rnn": SimpleRNNCell, "gru": GRUCell, "lstm": LSTMCell}

__all__ = ["CELLS", "Cell", "GRUCell", "LSTMCell", "SimpleRNNCell"]
