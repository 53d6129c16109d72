"""What flows between the layers of an exported graph."""

from dataclasses import dataclass


@dataclass
class Sequence:
    """A layer's output in the graph.

    Attributes
    ----------
    values : str
        A time-major ``(T, N, width)`` tensor (token ids: ``(T, N)``), or
        ``(N, width)`` once pooled.
    width : int
    mask : str or None
        ``(T, N)`` booleans, false on padding steps; None when every step is
        valid (or once pooled).
    finals : str or None
        Right after a recurrent layer: each direction's final state
        ``(N, width)``, what last-state pooling reads.
    pooled : bool
    """

    values: str
    width: int
    mask: str | None = None
    finals: str | None = None
    pooled: bool = False
