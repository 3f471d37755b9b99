#!/usr/bin/env python3
"""Pictures of a reluflow run folder (needs pandas and matplotlib: pip install pandas matplotlib).

    tools/plot-run.py DIR

reads the folder with tools/reluflow_runs.py (pandas) and writes next to the run files:
  DIR/loss.png    loss against time on log-log axes, the detected plateaus as shaded bands,
                  a tick for every timeline event (coloured by kind) along the bottom, and
                  for orthogonal-data runs Algorithm 1's plateau levels and jump times;
  DIR/events.png  the event raster: one row per neuron, a mark per event at its time,
                  coloured by kind (activation, deactivation, slides, deaths);
  DIR/params.png  every parameter of the network against time (log time axis), events as
                  faint lines (the network's own weights, as tools/reluflow_runs.py reads them);
  DIR/norms.png   runs with Algorithm 1's prediction (orthogonal data) only: log10 of every
                  neuron's norm against time (the paper's Fig. 3), with the predicted jump times;
  DIR/knots.png   univariate models only: the knot positions b_k (or b_k/a_k) against time,
                  with the sample positions as dotted lines when DIR/data.csv exists
                  (run with --dump-init).
"""
import csv
import math
import sys
from pathlib import Path

import matplotlib
import reluflow_runs

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402

COLOURS = {
    "activation": "tab:green",
    "deactivation": "tab:red",
    "slide_start": "tab:blue",
    "slide_end": "tab:cyan",
    "choice": "tab:purple",
    "chattering": "tab:orange",
    "neuron_death": "black",
    "neuron_revival": "tab:olive",
    "stage": "tab:brown",
    "knot_exit": "tab:pink",
    "knot_entry": "tab:gray",
}
# Entries that belong to the loss curve, not to a neuron: drawn as bands, not ticks.
PLATEAU_KINDS = ("plateau_start", "plateau_end")


def labelled_events(events):
    """The timeline entries that belong to neurons (not plateau bounds), each with its kind as
    a legend label the first time that kind appears, else None."""
    seen = set()
    for event in events.itertuples(index=False):
        if event.kind in PLATEAU_KINDS:
            continue
        yield event, (event.kind if event.kind not in seen else None)
        seen.add(event.kind)


def positive_time(t, smallest):
    return t if t > 0 else smallest


def plot_loss(run):
    times = list(run.trajectory["t"])
    losses = list(run.trajectory["loss"])
    summary = run.summary
    smallest = min((t for t in times if t > 0), default=1e-6) / 2
    fig, ax = plt.subplots(figsize=(9, 4.5))
    ax.plot([positive_time(t, smallest) for t in times], [max(l, 1e-300) for l in losses], color="0.2", lw=1.2)
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("flow time t")
    ax.set_ylabel("loss")
    ax.set_title(f"{Path(summary['scenario']).name}: {summary['model']}, {len(run.timeline)} events")
    low = ax.get_ylim()[0]
    for index, plateau in enumerate(summary.get("plateaus", [])):
        ax.axvspan(positive_time(plateau["start"], smallest), plateau["end"], color="tab:orange", alpha=0.12,
                   label="plateau" if index == 0 else None)
    prediction = summary.get("jump_process")
    if prediction:
        levels = [prediction["initial_loss"]] + [j["loss_after"] for j in prediction["jumps"] if j["loss_after"] > 0]
        for index, level in enumerate(levels):
            ax.axhline(level, color="tab:blue", lw=0.8, ls="--", label="predicted plateau level" if index == 0 else None)
        for index, jump in enumerate(prediction["jumps"]):
            ax.axvline(jump["t_predicted"], color="tab:blue", lw=0.8, ls=":",
                       label="predicted jump (Algorithm 1)" if index == 0 else None)
    for event, label in labelled_events(run.timeline):
        ax.axvline(positive_time(event.t, smallest), ymax=0.06, color=COLOURS.get(event.kind, "gray"), lw=1,
                   label=label)
    if ax.get_legend_handles_labels()[0]:
        ax.legend(loc="upper right", fontsize=8, frameon=False)
    ax.set_ylim(bottom=low)
    if prediction:
        # Saddle-to-saddle jumps come at t ~ log(1/λ)·τ_k, close together on a log axis.
        ax.set_xscale("linear")
        ax.set_xlim(0, min(summary["final_time"], 1.3 * prediction["jumps"][-1]["t_predicted"]) if prediction["jumps"] else None)
    fig.tight_layout()
    fig.savefig(run.folder / "loss.png", dpi=120)
    plt.close(fig)


def plot_events(run):
    fig, ax = plt.subplots(figsize=(9, 3.5))
    times = [t for t in run.timeline["t"] if t > 0]
    smallest = min(times, default=1e-6) / 2
    for event, label in labelled_events(run.timeline):
        marker = "x" if event.kind.startswith("neuron_") else "|"
        neuron = 0 if event.neuron is pd.NA else event.neuron
        ax.scatter([positive_time(event.t, smallest)], [neuron], color=COLOURS.get(event.kind, "gray"),
                   marker=marker, s=60, label=label)
    ax.set_xscale("log")
    ax.set_xlabel("flow time t")
    ax.set_ylabel("neuron")
    ax.set_title("events by neuron")
    if ax.get_legend_handles_labels()[0]:
        ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.22), fontsize=8, frameon=False, ncol=8)
    fig.tight_layout()
    fig.savefig(run.folder / "events.png", dpi=120)
    plt.close(fig)


def plot_parameters(run):
    times = list(run.trajectory["t"])
    smallest = min((t for t in times if t > 0), default=1e-6) / 2
    columns = list(run.trajectory.columns[2:])
    fig, ax = plt.subplots(figsize=(9, 4.5))
    shown = columns if len(columns) <= 40 else columns[:40]
    for name in shown:
        ax.plot([positive_time(t, smallest) for t in times], run.trajectory[name], lw=1,
                label=name if len(shown) <= 12 else None)
    for event in run.timeline.itertuples(index=False):
        ax.axvline(positive_time(event.t, smallest), color=COLOURS.get(event.kind, "gray"), lw=0.5, alpha=0.3)
    ax.set_xscale("log")
    ax.set_xlabel("flow time t")
    ax.set_ylabel("parameters" + (" (first 40)" if len(columns) > 40 else ""))
    if len(shown) <= 12:
        ax.legend(fontsize=8, frameon=False, ncol=2)
    fig.tight_layout()
    fig.savefig(run.folder / "params.png", dpi=120)
    plt.close(fig)


def plot_norms(run):
    """log10‖w_j‖ per neuron, beside Algorithm 1's predicted jump times."""
    prediction = run.summary.get("jump_process")
    if not prediction:
        return None
    norms = run.neuron_log_norms()
    fig, ax = plt.subplots(figsize=(9, 4.5))
    for j in norms.columns[1:]:
        ax.plot(norms["t"], norms[j] / math.log(10), lw=1.2, label=f"neuron {j}")
    for index, jump in enumerate(prediction["jumps"]):
        ax.axvline(jump["t_predicted"], color="tab:blue", lw=0.8, ls=":",
                   label="predicted jump" if index == 0 else None)
    ax.set_xlabel("flow time t")
    ax.set_ylabel("log10 ‖w_j‖")
    ax.set_title("neuron norms (orthogonal-data Fig. 3)")
    ax.legend(fontsize=8, frameon=False, ncol=2)
    fig.tight_layout()
    fig.savefig(run.folder / "norms.png", dpi=120)
    plt.close(fig)
    return run.folder / "norms.png"


def plot_knots(run):
    knots = run.knot_positions()
    if knots is None:
        return None
    times = list(knots["t"])
    smallest = min((t for t in times if t > 0), default=1e-6) / 2
    fig, ax = plt.subplots(figsize=(9, 4.5))
    data_file = run.folder / "data.csv"
    if data_file.exists():
        rows = list(csv.reader(data_file.open()))[1:]
        for row in rows:
            ax.axhline(float(row[0]), color="0.7", lw=0.6, ls=":")
    for k in knots.columns[1:]:
        ax.plot([positive_time(t, smallest) for t in times], knots[k], lw=1.2)
    ax.set_xscale("log")
    ax.set_xlabel("flow time t")
    ax.set_ylabel("knot position")
    ax.set_ylim(-1.6, 1.6)
    fig.tight_layout()
    fig.savefig(run.folder / "knots.png", dpi=120)
    plt.close(fig)
    return run.folder / "knots.png"


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    run = reluflow_runs.load_run(sys.argv[1])
    plot_loss(run)
    plot_events(run)
    plot_parameters(run)
    written = [run.folder / name for name in ("loss.png", "events.png", "params.png")]
    for extra in (plot_knots(run), plot_norms(run)):
        if extra:
            written.append(extra)
    print("\n".join(str(path) for path in written))


if __name__ == "__main__":
    main()
