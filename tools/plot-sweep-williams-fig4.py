#!/usr/bin/env python3
"""Williams et al. Fig. 4 from a sweep's table: the network's fit of the sinusoid (the sweep's data block: equispaced samples of sin(f pi x)) at the end of
the flow for each point, from the kernel end (only c trained) through the layer rescalings
k = 8 ... 1/8 to the adaptive end (only a, b trained), each with its knots b_k/a_k and the
samples; below, the share of knots (inside the data's interval) sitting on a sample. Usage:
tools/plot-sweep-williams-fig4.py DIR (the sweep of sweeps/williams-fig4-delta*.yaml); writes
DIR/williams-fig4.png and prints the knots on samples per point. A point that did not finish
is drawn where it stopped, its title marked "NOT FINISHED". The fit is
f(x) = (1/sqrt(m)) sum_k c_k relu(a_k x - b_k) (the sweep's scaling: sqrt_m)."""
import math
import sys
from pathlib import Path

import matplotlib
matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
import yaml

import reluflow_runs

# A knot within this distance of a sample sits on it (a sliding knot is on it to rounding).
ON_SAMPLE = 1e-6

folder = Path(sys.argv[1])
sweep = reluflow_runs.load_sweep(folder)
table = sweep.table
columns = 3
rows = math.ceil(len(table) / columns)
figure = plt.figure(figsize=(4 * columns, 3 * rows + 3))
grid = figure.add_gridspec(rows + 1, columns)
x = np.linspace(-1, 1, 801)
on_sample = []
labels = []
for index, row in table.iterrows():
    run = sweep.run(row["point"])
    p = run.summary["final_params"]
    a, b, c = (np.array(p[name]) for name in ("a", "b", "c"))
    trained = row["model.train"].replace(";", ", ")
    label = ("kernel end: c only" if trained == "c" else "adaptive end: a, b only" if trained == "a, b"
             else f"k = {row['init.rescale']:g}")
    labels.append(label)
    fit = (np.maximum(a[:, None] * x[None, :] - b[:, None], 0) * c[:, None]).sum(axis=0) / math.sqrt(len(a))
    data = yaml.safe_load((run.folder / "scenario.yaml").read_text())["data"]  # equispaced sin(f pi x)
    samples = np.linspace(data["lower"], data["upper"], data["samples"])
    target = lambda z: np.sin(data["frequency"] * np.pi * z)
    knots = b[a != 0] / a[a != 0]
    inside = knots[(knots >= samples[0] - ON_SAMPLE) & (knots <= samples[-1] + ON_SAMPLE)]
    sitting = sum(np.min(np.abs(samples - k)) < ON_SAMPLE for k in inside)
    on_sample.append(sitting / max(len(inside), 1))
    axes = figure.add_subplot(grid[index // columns, index % columns])
    axes.plot(x, target(x), color="grey", lw=1, label="target")
    axes.plot(x, fit, color="C0", label="fit")
    axes.plot(samples, target(samples), "ko", ms=4, label="samples")
    axes.plot(knots, np.full_like(knots, -1.35), "|", color="C3", ms=12, mew=1.5, label="knots")
    axes.set_xlim(-1, 1)
    axes.set_ylim(-1.5, 1.3)
    finished = row["status"] in reluflow_runs.FINISHED_STATUSES
    axes.set_title(f"{label}: loss {row['final_loss']:.2g}, {sitting}/{len(inside)} knots on samples"
                   + ("" if finished else f"\nNOT FINISHED ({row['status']} at t = {row['final_time']:.4g})"), fontsize=9,
                   color="black" if finished else "red")
    if index == 0:
        axes.legend(fontsize=7, loc="upper left")
    print(f"{row['point']}: {label}, status {row['status']}, loss {row['final_loss']:.3g}, "
          f"knots on samples {sitting}/{len(inside)}")
share = figure.add_subplot(grid[rows, :])
share.plot(range(len(labels)), on_sample, "o-")
unfinished = [i for i, status in enumerate(table["status"]) if status not in reluflow_runs.FINISHED_STATUSES]
share.plot(unfinished, [on_sample[i] for i in unfinished], "x", color="red", ms=10, mew=2, label="not finished")
if unfinished:
    share.legend(fontsize=8)
share.set_xticks(range(len(labels)), labels, fontsize=8)
share.set_ylabel("share of knots on samples")
share.set_xlabel("delta grows ->  (kernel end, rescaling k, adaptive end)")
figure.suptitle("Williams et al. Fig. 4: sinusoid fit as delta varies (t = %g)" % table["final_time"].max())
figure.tight_layout()
figure.savefig(folder / "williams-fig4.png", dpi=110)
print(f"wrote {folder / 'williams-fig4.png'}")
