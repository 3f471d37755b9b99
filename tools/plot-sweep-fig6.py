#!/usr/bin/env python3
"""Orthogonal-data Fig. 6 from two sweeps' tables: ||theta||^2 at the end of the flow against the
width m at n = 32, (a) small balanced init, (b) PyTorch's default init, each beside the optimum
||theta*||^2 of the same data (mean over seeds, min/max band), and the ratios below.
Usage: tools/plot-sweep-fig6.py DIR_A DIR_B [OUT.png] (the sweeps of sweeps/fig6a-norm-vs-m*.yaml
and sweeps/fig6b-norm-vs-m*.yaml, same widths and data seeds); writes OUT.png (default
DIR_A/fig6.png) and prints the mean ratios. (b) has no jump process, so its ratio divides by
(a)'s ||theta*||^2 of the same data seed. Unfinished points are red crosses, left out of means."""
import sys
from pathlib import Path

import matplotlib
matplotlib.use("Agg")
import matplotlib.pyplot as plt

import reluflow_runs
from sweep_plots import band, unfinished_note

small, pytorch = (reluflow_runs.load_sweep(folder).table for folder in sys.argv[1:3])
out = Path(sys.argv[3]) if len(sys.argv) > 3 else Path(sys.argv[1]) / "fig6.png"
optimum = small.dropna(subset=["minimum_norm_squared"]).groupby("data.seed")["minimum_norm_squared"].first()
for table in (small, pytorch):
    table["ratio"] = table["squared_norm"] / table["data.seed"].map(optimum)
figure, axes = plt.subplots(2, 2, figsize=(10, 7), sharex=True, gridspec_kw={"height_ratios": [2, 1]})
for column, (table, title) in enumerate([(small, "(a) small balanced init"), (pytorch, "(b) PyTorch default init")]):
    norms, ratios = axes[0][column], axes[1][column]
    band(norms, table, "model.width", "squared_norm", "C0", "flow: $\\|\\theta\\|^2$")
    # The optimum depends on the data alone: the same for every m, whatever the runs did.
    norms.axhline(optimum.mean(), color="C2", label="optimum $\\|\\theta^*\\|^2$ (mean over data seeds)")
    norms.axhspan(optimum.min(), optimum.max(), color="C2", alpha=0.15)
    norms.set_xscale("log", base=2)
    norms.set_title(f"Orthogonal data, Fig. 6{title}, n = 32")
    norms.set_ylabel("squared norm")
    norms.legend()
    stats = band(ratios, table, "model.width", "ratio", "C0", "flow / optimum")
    ratios.axhline(1, color="grey", lw=0.8)
    ratios.set_xlabel("m (width)")
    ratios.set_ylabel("$\\|\\theta\\|^2 / \\|\\theta^*\\|^2$")
    print(title, "mean ratio by m:", ", ".join(f"{m}: {r:.2f}" for m, r in stats["mean"].items()))
    print(unfinished_note(table) or "every point finished")
figure.tight_layout()
figure.savefig(out, dpi=120)
print(f"wrote {out}")
