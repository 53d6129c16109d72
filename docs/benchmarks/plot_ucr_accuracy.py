"""Test accuracy of the defaults, the recipe and MLPClassifier per
classification data set, from the table of "The suite" in time_series.rst."""

import re

import matplotlib.pyplot as plt
import numpy as np
from _tables import tables_after

(table,) = tables_after("time_series.rst", "The suite")
header = table[0]
rows = [row for row in table[1:] if "RMSE" not in row[0]]
columns = {
    "ScratchRNNClassifier()": header.index("ours, default"),
    "recipe: 5 default fits + MLP": header.index("recipe (5 + MLP)"),
    "MLPClassifier(), flattened": header.index("MLP, default"),
}


def mean_std(cell):
    mean, std = re.findall(r"[0-9.]+", cell)[:2]
    return float(mean), float(std)


names = [row[0] for row in rows]
x = np.arange(len(names))
fig, ax = plt.subplots(figsize=(9, 4))
width = 0.8 / len(columns)
for k, (label, column) in enumerate(columns.items()):
    mean, std = np.array([mean_std(row[column]) for row in rows]).T
    offset = (k - (len(columns) - 1) / 2) * width
    ax.bar(x + offset, mean, width, yerr=std, capsize=2, label=label)
ax.set_xticks(x, names, rotation=30, ha="right")
ax.set_ylim(0.3, 1.1)
ax.set_ylabel("test accuracy (mean ± sd, 3 seeds)")
ax.legend(loc="upper center", ncol=3, frameon=False)
fig.tight_layout()
