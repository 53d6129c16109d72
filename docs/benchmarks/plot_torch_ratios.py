"""Our time over torch's, per case, from the "All cells, 2 threads" tables
of 2026-12-02 in engine.rst."""

import matplotlib.pyplot as plt
from _tables import number, tables_after

fig, axes = plt.subplots(1, 2, sharey=True)
for ax, task in zip(axes, ["Training step", "Inference"]):
    colors = ["tab:blue", "tab:orange", "tab:green"]
    for cell, color in zip(["rnn", "gru", "lstm"], colors):
        heading = {
            "Training step": f"{cell}: Training step (forward, loss, backward, SGD)",
            "Inference": f"{cell}: Inference (forward to probabilities)",
        }[task]
        (table,) = tables_after("engine.rst", heading)
        header, rows = table[0], table[1:]
        column = header.index("ours/torch")
        cases = [row[0].replace(" f32", "") for row in rows]
        ax.plot(
            cases,
            [number(row[column]) for row in rows],
            "o-",
            color=color,
            label={"rnn": "Elman", "gru": "GRU", "lstm": "LSTM"}[cell],
        )
    ax.axhline(1.0, color="grey", linewidth=1, linestyle="--")
    ax.set_title(task)
    ax.tick_params(axis="x", labelrotation=30, labelsize=7)
axes[0].set_ylabel("ours / torch (time)")
axes[0].legend()
fig.tight_layout()
