"""Recurrent cells: the maths of one time step (see :mod:`.base` for the contract)."""

from .base import Cell
from .simple_rnn import SimpleRNNCell

CELLS = {"rnn": SimpleRNNCell}

__all__ = ["CELLS", "Cell", "SimpleRNNCell"]
