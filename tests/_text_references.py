"""Plain-Python references the text tests compare the vectorised code to."""

import numpy as np


def reference_pad(sequences, maxlen, padding, truncating):
    """Row-by-row padding, as in keras.utils.pad_sequences."""
    out = np.zeros((len(sequences), maxlen), dtype=np.int64)
    for row, seq in zip(out, sequences):
        kept = seq[max(len(seq) - maxlen, 0) :] if truncating == "pre" else seq[:maxlen]
        if kept:
            if padding == "pre":
                row[maxlen - len(kept) :] = kept
            else:
                row[: len(kept)] = kept
    return out
