"""Test accuracy of the defaults against MLPClassifier per data set, from
the table of "Defaults, and why" in time_series.rst."""

import re

import matplotlib.pyplot as plt
import numpy as np
from _tables import tables_after

(table,) = tables_after("time_series.rst", "Defaults, and why")
header = table[0]
rows = {row[0]: row[1:] for row in table[1:]}


def mean_std(cells):
    pairs = [re.findall(r"[0-9.]+", cell) for cell in cells]
    return np.array([[float(m), float(s)] for m, s in pairs]).T


names = header[1:]
x = np.arange(len(names))
fig, ax = plt.subplots()
mlp = next(key for key in rows if key.startswith("MLPClassifier"))
for offset, (label, key) in zip(
    (-0.2, 0.2),
    [("ScratchRNNClassifier()", "defaults"), ("MLPClassifier(), flattened", mlp)],
):
    mean, std = mean_std(rows[key])
    ax.bar(x + offset, mean, 0.4, yerr=std, capsize=3, label=label)
ax.set_xticks(x, names)
ax.set_ylim(0.5, 1.02)
ax.set_ylabel("test accuracy (mean ± sd, 3 seeds)")
ax.legend(loc="lower left")
fig.tight_layout()
