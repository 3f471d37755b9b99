#!/usr/bin/env python3
"""Flow against GD, from a `reluflow compare` folder (needs matplotlib).

    tools/plot-compare.py DIR

writes DIR/compare.png: the flow's loss (DIR/flow/trajectory.csv) and GD's loss at each step
size against time t = eta*k on log-log axes, with the flow's events as ticks and each GD run's
matched flips as dots on its curve.
"""
import csv
import json
import sys
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    folder = Path(sys.argv[1])
    report = json.loads((folder / "compare.json").read_text())
    rows = list(csv.reader((folder / "flow" / "trajectory.csv").open()))[1:]
    flow_t = [float(r[0]) for r in rows if float(r[0]) > 0]
    flow_loss = [float(r[1]) for r in rows if float(r[0]) > 0]
    events = [json.loads(line) for line in (folder / "flow" / "timeline.jsonl").read_text().splitlines() if line]
    fig, ax = plt.subplots(figsize=(9, 4.8))
    ax.plot(flow_t, flow_loss, color="black", lw=2, label="gradient flow")
    for run in report["runs"]:
        curve = [(t, l) for t, l in run["gd_loss"] if t > 0 and l > 0]
        line, = ax.plot([t for t, _ in curve], [l for _, l in curve], lw=1, ls="--", label=f"GD, eta = {run['learning_rate']:g}")
        for match in run["events"]:
            t = run["learning_rate"] * match["gd_iteration"]
            nearest = min(curve, key=lambda point: abs(point[0] - t))
            ax.plot([t], [nearest[1]], "o", color=line.get_color(), ms=4)
    for event in events:
        if event.get("sample") is not None and event["t"] > 0:
            ax.axvline(event["t"], ymax=0.05, color="tab:red", lw=1)
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("time t (GD: t = eta * k)")
    ax.set_ylabel("loss")
    order = report.get("observed_order_trajectory")
    ax.set_title("flow vs GD" + (f" (trajectory gap order {order:.2f} in eta)" if order else ""))
    ax.legend(fontsize=8, frameon=False)
    fig.tight_layout()
    fig.savefig(folder / "compare.png", dpi=120)
    print(folder / "compare.png")


if __name__ == "__main__":
    main()
