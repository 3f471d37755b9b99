#!/usr/bin/env python3
"""Flow against GD, from a `reluflow compare` folder (needs matplotlib).

    tools/plot-compare.py DIR

writes DIR/compare.png: on top, the flow's loss (DIR/flow/trajectory.csv) and GD's loss at
each step size against time t = eta*k on log-log axes, with the flow's events as ticks and each
GD run's matched flips as dots on its curve; below, the four parameters where flow and GD part
most (from DIR/gd-eta-*/trajectory.csv), flow solid, GD dashed.
"""
import csv
import json
import sys
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402


def read_csv(path):
    rows = list(csv.reader(path.open()))
    return rows[0], [[float(v) for v in row] for row in rows[1:]]


def plot_parameters(ax, folder, report, flow_rows):
    """The parameters with the largest flow-GD gap at the smallest step size's grid points."""
    header = list(csv.reader((folder / "flow" / "trajectory.csv").open()))[0]
    flow = [[float(v) for v in row] for row in flow_rows]
    runs = [(run["learning_rate"], read_csv(folder / f"gd-eta-{run['learning_rate']}" / "trajectory.csv")[1])
            for run in report["runs"] if (folder / f"gd-eta-{run['learning_rate']}" / "trajectory.csv").exists()]
    if not runs:
        ax.set_visible(False)
        return
    eta, finest = min(runs, key=lambda run: run[0])
    flow_times = [row[0] for row in flow]

    def flow_at(t):
        index = min(range(len(flow_times)), key=lambda i: abs(flow_times[i] - t))
        return flow[index]

    gaps = [0.0] * (len(header) - 2)
    for row in finest[:: max(1, len(finest) // 100)]:
        reference = flow_at(row[0])
        for k in range(2, len(header)):
            gaps[k - 2] = max(gaps[k - 2], abs(row[k] - reference[k]))
    chosen = sorted(range(len(gaps)), key=lambda k: -gaps[k])[:4]
    colours = plt.rcParams["axes.prop_cycle"].by_key()["color"]
    for number, k in enumerate(chosen):
        colour = colours[number % len(colours)]
        ax.plot([r[0] for r in flow if r[0] > 0], [r[k + 2] for r in flow if r[0] > 0], color=colour, lw=1.8,
                label=f"{header[k + 2]} (flow)")
        for index, (rate, rows) in enumerate(sorted(runs, key=lambda run: -run[0])):
            ax.plot([r[0] for r in rows if r[0] > 0], [r[k + 2] for r in rows if r[0] > 0], color=colour, lw=0.9,
                    ls=["--", ":", "-."][index % 3], label=f"{header[k + 2]} (GD, eta = {rate:g})" if number == 0 else None)
    ax.set_xscale("log")
    ax.set_xlabel("time t (GD: t = eta * k)")
    ax.set_ylabel("parameter")
    ax.set_title(f"the {len(chosen)} parameters where GD (eta = {eta:g}) parts most from the flow")
    ax.legend(fontsize=7, frameon=False, ncol=2)


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    folder = Path(sys.argv[1])
    report = json.loads((folder / "compare.json").read_text())
    rows = list(csv.reader((folder / "flow" / "trajectory.csv").open()))[1:]
    flow_t = [float(r[0]) for r in rows if float(r[0]) > 0]
    flow_loss = [float(r[1]) for r in rows if float(r[0]) > 0]
    events = [json.loads(line) for line in (folder / "flow" / "timeline.jsonl").read_text().splitlines() if line]
    fig, (ax, params) = plt.subplots(2, 1, figsize=(9, 8.5))
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
    plot_parameters(params, folder, report, rows)
    fig.tight_layout()
    fig.savefig(folder / "compare.png", dpi=120)
    print(folder / "compare.png")


if __name__ == "__main__":
    main()
