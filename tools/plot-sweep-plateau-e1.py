#!/usr/bin/env python3
"""The plateau paper's E1 (Fig. 1) over the width, from a sweep's table: the loss curves of every
point (log-log, one colour per width n) with their plateaus' levels; below, the plateau count
against n (mean over seeds, min/max band) and every plateau's level against n. Usage:
tools/plot-sweep-plateau-e1.py DIR (the sweep of sweeps/plateau-e1-width*.yaml); writes
DIR/plateau-e1.png and prints the counts and levels. Unfinished points are red crosses in the
count panel, left out of its means, and their loss curves are dashed."""
import sys
from pathlib import Path

import matplotlib
matplotlib.use("Agg")
import matplotlib.pyplot as plt

import reluflow_runs
from sweep_plots import band, unfinished_note

folder = Path(sys.argv[1])
sweep = reluflow_runs.load_sweep(folder)
table = sweep.table
widths = sorted(table["model.width"].unique())
colour = {n: f"C{i}" for i, n in enumerate(widths)}
figure = plt.figure(figsize=(10, 8))
grid = figure.add_gridspec(2, 2, height_ratios=[3, 2])
losses = figure.add_subplot(grid[0, :])
for _, row in table.iterrows():
    run = sweep.run(row["point"])
    curve = run.trajectory[run.trajectory["t"] > 0]
    finished = row["status"] in reluflow_runs.FINISHED_STATUSES
    losses.plot(curve["t"], curve["loss"], color=colour[row["model.width"]], lw=0.9, ls="-" if finished else "--",
                label=f"n = {row['model.width']}" if row["init.seed"] == table["init.seed"].min() else None)
    for plateau in run.summary["plateaus"]:
        losses.hlines(plateau["level"], plateau["start"], plateau["end"], color=colour[row["model.width"]], lw=4, alpha=0.4)
losses.set_xscale("log")
losses.set_yscale("log")
losses.set_xlabel("t")
losses.set_ylabel("loss (mean)")
losses.set_title("Plateau paper E1: sin(5 pi x), loss against t by width n (bars: detected plateaus)")
losses.legend(fontsize=8)
counts = figure.add_subplot(grid[1, 0])
stats = band(counts, table, "model.width", "plateaus", "C0", "plateaus per run")
counts.set_xscale("log", base=2)
counts.set_xlabel("n (knots)")
counts.set_ylabel("plateau count")
counts.legend(fontsize=8)
levels = figure.add_subplot(grid[1, 1])
for _, row in table.iterrows():
    levels.plot([row["model.width"]] * len(row["plateau_levels"]), row["plateau_levels"], "o",
                color=colour[row["model.width"]], alpha=0.6, ms=4)
levels.set_xscale("log", base=2)
levels.set_yscale("log")
levels.set_xlabel("n (knots)")
levels.set_ylabel("plateau levels (loss)")
figure.tight_layout()
figure.savefig(folder / "plateau-e1.png", dpi=110)
print(stats.to_string())
for _, row in table.iterrows():
    print(f"{row['point']}: {row['status']}, {row['plateaus']} plateaus at " + ", ".join(f"{v:.4g}" for v in row["plateau_levels"]))
print(unfinished_note(table) or "every point finished")
print(f"wrote {folder / 'plateau-e1.png'}")
