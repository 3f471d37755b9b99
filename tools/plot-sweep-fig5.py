#!/usr/bin/env python3
"""Orthogonal-data Fig. 5 from a sweep's table: ||theta||^2 at the end of the flow and eq. (15)'s
||theta_inf||^2 against n on log-log axes (mean over seeds, min/max band), with ||theta*||^2,
and the ratio ||theta||^2 / ||theta*||^2 below. Usage: tools/plot-sweep-fig5.py DIR
(the sweep of sweeps/fig5-norm-vs-n*.yaml); writes DIR/fig5.png and prints the ratios.
Only finished points (completed, steady_state) are drawn."""
import sys
from pathlib import Path

import matplotlib
matplotlib.use("Agg")
import matplotlib.pyplot as plt
import pandas as pd

folder = Path(sys.argv[1])
table = pd.read_csv(folder / "sweep.csv")
table = table[table["status"].isin(["completed", "steady_state"])]  # failed runs stop part way
table["ratio"] = table["squared_norm"] / table["minimum_norm_squared"]
by_n = table.groupby("data.samples")
figure, (norms, ratios) = plt.subplots(2, 1, figsize=(6, 7), sharex=True, gridspec_kw={"height_ratios": [2, 1]})
for column, label, colour in [("squared_norm", "flow: $\\|\\theta\\|^2$", "C0"),
                              ("eq15_squared_norm", "eq. (15): $\\|\\theta_\\infty\\|^2$", "C1"),
                              ("minimum_norm_squared", "min-norm interpolator $\\|\\theta^*\\|^2$", "C2")]:
    stats = by_n[column].agg(["mean", "min", "max"])
    norms.plot(stats.index, stats["mean"], "o-", color=colour, label=label)
    norms.fill_between(stats.index, stats["min"], stats["max"], color=colour, alpha=0.25)
norms.set_xscale("log", base=2)
norms.set_yscale("log")
norms.set_ylabel("squared norm")
norms.legend()
norms.set_title("Orthogonal data, Fig. 5: norm against n (3 seeds)")
stats = by_n["ratio"].agg(["mean", "min", "max"])
ratios.plot(stats.index, stats["mean"], "o-", color="C0")
ratios.fill_between(stats.index, stats["min"], stats["max"], color="C0", alpha=0.25)
ratios.set_xlabel("n (samples = dimension)")
ratios.set_ylabel("$\\|\\theta\\|^2 / \\|\\theta^*\\|^2$")
figure.tight_layout()
figure.savefig(folder / "fig5.png", dpi=120)
print(stats.to_string())
print(f"wrote {folder / 'fig5.png'}")
