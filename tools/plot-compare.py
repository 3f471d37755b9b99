#!/usr/bin/env python3
"""Flow against GD, from a `reluflow compare` folder (needs pandas and matplotlib).

    tools/plot-compare.py DIR

reads the folder with tools/reluflow_runs.py and writes DIR/compare.png: on top, the flow's
loss and GD's loss at each step size against time t = eta*k on log-log axes, with the flow's
events as ticks and each GD run's matched flips as dots on its curve; below, the four
parameters of the network where flow and GD part most, flow solid, GD dashed.
"""
import argparse

import matplotlib
import reluflow_runs

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402


def plot_parameters(ax, comparison):
    """The parameters with the largest flow-GD gap at the smallest step size's grid points."""
    if not comparison.gd:
        ax.set_visible(False)
        return
    eta = min(comparison.gd)
    flow = comparison.flow.trajectory.sort_values("t")
    finest = comparison.gd[eta].trajectory
    columns = list(flow.columns[2:])
    sample = finest.iloc[:: max(1, len(finest) // 100)]
    # The flow's row nearest in time to each sampled GD iterate.
    nearest = flow.set_index("t").reindex(sample["t"], method="nearest")
    gaps = (sample.set_index("t")[columns] - nearest[columns]).abs().max()
    chosen = list(gaps.sort_values(ascending=False).index[:4])
    colours = plt.rcParams["axes.prop_cycle"].by_key()["color"]
    for number, name in enumerate(chosen):
        colour = colours[number % len(colours)]
        shown = flow[flow["t"] > 0]
        ax.plot(shown["t"], shown[name], color=colour, lw=1.8, label=f"{name} (flow)")
        for index, rate in enumerate(sorted(comparison.gd, reverse=True)):
            rows = comparison.gd[rate].trajectory
            rows = rows[rows["t"] > 0]
            ax.plot(rows["t"], rows[name], color=colour, lw=0.9, ls=["--", ":", "-."][index % 3],
                    label=f"{name} (GD, eta = {rate:g})" if number == 0 else None)
    ax.set_xscale("log")
    ax.set_xlabel("time t (GD: t = eta * k)")
    ax.set_ylabel("parameter")
    ax.set_title(f"the {len(chosen)} parameters where GD (eta = {eta:g}) parts most from the flow")
    ax.legend(fontsize=7, frameon=False, ncol=2)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("folder", metavar="DIR", help="a folder written by reluflow compare")
    comparison = reluflow_runs.load_compare(parser.parse_args().folder)
    flow = comparison.flow.trajectory
    flow = flow[flow["t"] > 0]
    fig, (ax, params) = plt.subplots(2, 1, figsize=(9, 8.5))
    ax.plot(flow["t"], flow["loss"], color="black", lw=2, label="gradient flow")
    for rate, curve in comparison.gd_loss.groupby("learning_rate", sort=False):
        curve = curve[(curve["t"] > 0) & (curve["loss"] > 0)]
        line, = ax.plot(curve["t"], curve["loss"], lw=1, ls="--", label=f"GD, eta = {rate:g}")
        for match in comparison.matches[comparison.matches["learning_rate"] == rate].itertuples():
            t = rate * match.gd_iteration
            nearest = curve.iloc[(curve["t"] - t).abs().argmin()]
            ax.plot([t], [nearest["loss"]], "o", color=line.get_color(), ms=4)
    events = comparison.flow.timeline
    for t in events[events["sample"].notna() & (events["t"] > 0)]["t"]:
        ax.axvline(t, ymax=0.05, color="tab:red", lw=1)
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("time t (GD: t = eta * k)")
    ax.set_ylabel("loss")
    order = comparison.report.get("observed_order_trajectory")
    ax.set_title("flow vs GD" + (f" (trajectory gap order {order:.2f} in eta)" if order else ""))
    ax.legend(fontsize=8, frameon=False)
    plot_parameters(params, comparison)
    fig.tight_layout()
    fig.savefig(comparison.folder / "compare.png", dpi=120)
    print(comparison.folder / "compare.png")


if __name__ == "__main__":
    main()
