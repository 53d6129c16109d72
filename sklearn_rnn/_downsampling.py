"""``downsample``: how many steps of a long series the network reads as one;
and so how many steps the flat branch (``flat_units``) reads."""

import numpy as np

#: With ``downsample="auto"``, the longest training sequence is read in at
#: most this many steps: the cost of a sequence is bounded whatever its
#: length.
AUTO_STEPS = 128


def auto_downsample(lengths, target=AUTO_STEPS):
    """The smallest factor that reads the longest of ``lengths`` in at most
    ``target`` steps (1 for sequences of at most ``target`` steps).

    Examples
    --------
    >>> auto_downsample([24, 100, 128]), auto_downsample([100, 150, 1460])
    (1, 12)
    """
    return max(1, -(-int(np.max(lengths)) // target))


class DownsamplingMixin:
    """``_fit_downsampling``: the fitted ``downsample_`` and ``flat_steps_``
    of a new network."""

    def _fit_downsampling(self, sequences):
        """Set ``downsample_`` from the ``downsample`` hyperparameter and the
        training sequences' lengths (valid steps), and ``flat_steps_``: the
        longest one's steps after downsampling (0 without a flat branch)."""
        if self.flat_units and self.return_sequences:
            raise ValueError(
                f"flat_units={self.flat_units} cannot be used with "
                "return_sequences=True: the flat branch gives one output per "
                "sequence. Use flat_units=0."
            )
        values, mask = sequences
        longest = values.shape[1] if mask is None else int(mask.sum(1).max())
        self.downsample_ = self._downsample_factor(longest)
        self.flat_steps_ = (
            max(1, -(-longest // self.downsample_)) if self.flat_units else 0
        )

    def _downsample_factor(self, longest):
        """``downsample``, "auto" resolved for a longest sequence of
        ``longest`` valid steps."""
        if self.downsample != "auto":
            if self.downsample > 1 and self.return_sequences:
                raise ValueError(
                    f"downsample={self.downsample} cannot be used with "
                    "return_sequences=True: per-step outputs need every step. "
                    "Use downsample=1."
                )
            return self.downsample
        if self.embedding_dim is not None or self.return_sequences:
            return 1  # token ids, per-step outputs: every step
        return auto_downsample([longest])
