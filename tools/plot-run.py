#!/usr/bin/env python3
"""Pictures of a reluflow run folder (needs pandas and matplotlib: pip install pandas matplotlib).

    tools/plot-run.py DIR

reads the folder with tools/reluflow_runs.py (pandas) and writes next to the run files:
  DIR/loss.png    loss against time on log-log axes, the detected plateaus as shaded bands
                  (only over the drawn curve), a marker for every timeline entry (shape and
                  colour by kind) along the bottom, and for orthogonal-data runs Algorithm 1's
                  plateau levels and jump times on a linear time axis;
  DIR/events.png  the event raster: one row per neuron, a mark per entry at its time, shape and
                  colour by kind (transitions, slides, deaths, knot exits, stages);
  DIR/params.png  the network's parameters against time, one panel per group: each value of a
                  group of at most 8, labelled; per-neuron norms ‖row j‖ for a matrix; the
                  median, 10-90 % and min-max band of a longer vector;
  DIR/norms.png   runs with Algorithm 1's prediction (orthogonal data) only: log10 of every
                  neuron's norm against time (the paper's Fig. 3), with the predicted jump times;
  DIR/knots.png   univariate models only: the knot positions b_k (or b_k/a_k) against time,
                  with the sample positions as dotted lines when DIR/data.csv exists
                  (run with --dump-init);
  DIR/magnitude-angle.png  single-neuron models: ‖w‖ against time and, when DIR/teacher.json
                  has a w* of w's size (a --dump-init run with a single-neuron teacher, in
                  the population loss or labelling the data), the paper's angle φ = π − ∠(w, w*)
                  (the magnitude/angle paper's two quantities).

A log time axis cannot show t = 0: entries and rows at t = 0 (neurons dead from the start,
knots outside the data, the initial state) are drawn in a narrow strip labelled "t = 0" left of
the log axis, which spans the run's own positive times.
"""
import argparse
import csv
import json
import math
from pathlib import Path

import matplotlib
import reluflow_runs

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

# (colour, marker) per timeline kind; deaths and revivals are crosses, never a line.
STYLES = {
    "activation": ("tab:green", "^"),
    "deactivation": ("tab:red", "v"),
    "slide_start": ("tab:blue", ">"),
    "slide_end": ("tab:cyan", "<"),
    "choice": ("tab:purple", "D"),
    "chattering": ("tab:orange", "*"),
    "neuron_death": ("black", "X"),
    "neuron_revival": ("tab:olive", "P"),
    "stage": ("tab:brown", "s"),
    "knot_exit": ("tab:pink", "o"),
    "knot_entry": ("tab:gray", "o"),
}
# Entries that belong to the loss curve, not to a neuron: drawn as bands, not markers.
PLATEAU_KINDS = ("plateau_start", "plateau_end")
CURVE = "tab:blue"


def style(kind):
    return STYLES.get(kind, ("gray", "."))


def neuron_entries(timeline):
    return timeline[~timeline["kind"].isin(PLATEAU_KINDS)]


def time_axes(fig, spec, show_start):
    """(strip, main): a narrow 't = 0' strip (None when nothing sits at t = 0) left of a log
    time axis, sharing y."""
    if not show_start:
        return None, fig.add_subplot(spec)
    inner = spec.subgridspec(1, 2, width_ratios=[1, 14], wspace=0.07)
    strip = fig.add_subplot(inner[0])
    main = fig.add_subplot(inner[1], sharey=strip)
    strip.set_xlim(-1, 1)
    strip.set_xticks([0])
    strip.set_xticklabels(["t = 0"])
    strip.spines["right"].set_visible(False)
    main.spines["left"].set_linestyle(":")
    main.tick_params(which="both", labelleft=False)
    return strip, main


def positive_range(run):
    """The log axis's span: the run's first positive trajectory time to its final time."""
    times = run.trajectory["t"]
    positive = times[times > 0]
    low = positive.min() if len(positive) else run.summary["final_time"] / 10
    return low, max(run.summary["final_time"], low * 10)


def scatter_entries(strip, main, entries, y_of, size=40):
    """A marker per entry at (t, y_of(entry)): t = 0 in the strip, the rest on the main axis;
    each kind labelled once."""
    for kind, group in entries.groupby("kind", sort=False):
        colour, marker = style(kind)
        ys = [y_of(row) for row in group.itertuples(index=False)]
        at_start = (group["t"] == 0).to_numpy()
        later = ~at_start
        # Knot markers are hollow, so that a death at the same place shows through.
        faces = "none" if kind.startswith("knot_") else colour
        if later.any():
            main.scatter(group["t"][later], np.array(ys)[later], edgecolors=colour, facecolors=faces, marker=marker,
                         s=size, label=kind, linewidths=0.9)
        if at_start.any() and strip is not None:
            jitter = np.linspace(-0.5, 0.5, int(at_start.sum())) if at_start.sum() > 1 else [0]
            strip.scatter(jitter, np.array(ys)[at_start], edgecolors=colour, facecolors=faces, marker=marker, s=size,
                          label=None if later.any() else kind, linewidths=0.9)


def legend(fig, axes):
    handles, labels = [], []
    for ax in axes:
        if ax is None:
            continue
        for handle, label in zip(*ax.get_legend_handles_labels()):
            if label not in labels:
                handles.append(handle)
                labels.append(label)
    if handles:
        fig.legend(handles, labels, loc="lower center", fontsize=8, frameon=False, ncol=min(6, len(labels)))


def plot_loss(run):
    summary = run.summary
    trajectory = run.trajectory
    prediction = summary.get("jump_process")
    entries = neuron_entries(run.timeline)
    fig = plt.figure(figsize=(9, 5))
    spec = fig.add_gridspec(1, 1, bottom=0.22)[0]
    if prediction:
        # Saddle-to-saddle jumps come at t ~ log(1/λ)·τ_k, close together on a log axis: a
        # linear time axis, which shows t = 0 as it is.
        strip, ax = None, fig.add_subplot(spec)
        ax.plot(trajectory["t"], trajectory["loss"], color=CURVE, lw=1.2, label="loss")
    else:
        strip, ax = time_axes(fig, spec, (trajectory["t"] == 0).any() or (entries["t"] == 0).any())
        later = trajectory[trajectory["t"] > 0]
        ax.plot(later["t"], later["loss"].clip(lower=1e-300), color=CURVE, lw=1.2, label="loss")
        if strip is not None:
            strip.scatter([0], trajectory.loc[trajectory["t"] == 0, "loss"].head(1), color=CURVE, s=20)
        ax.set_xscale("log")
        ax.set_xlim(*positive_range(run))
    ax.set_yscale("log")
    drawn = trajectory[trajectory["t"] > 0]["t"] if not prediction else trajectory["t"]
    first, last = (drawn.min(), drawn.max()) if len(drawn) else (0, 0)
    for index, plateau in enumerate(summary.get("plateaus", [])):
        start, end = max(plateau["start"], first), min(plateau["end"], last)
        if start < end:
            ax.axvspan(start, end, color="tab:orange", alpha=0.15, label="plateau" if index == 0 else None)
    if prediction:
        levels = [prediction["initial_loss"]] + [j["loss_after"] for j in prediction["jumps"] if j["loss_after"] > 0]
        for index, level in enumerate(levels):
            ax.axhline(level, color="tab:purple", lw=0.8, ls="--", label="predicted plateau level" if index == 0 else None)
        for index, jump in enumerate(prediction["jumps"]):
            ax.axvline(jump["t_predicted"], color="tab:purple", lw=0.8, ls=":",
                       label="predicted jump (Algorithm 1)" if index == 0 else None)
        if prediction["jumps"]:
            ax.set_xlim(0, min(summary["final_time"], 1.3 * prediction["jumps"][-1]["t_predicted"]))
    low, high = ax.get_ylim()
    floor = low * (high / low) ** 0.03
    scatter_entries(strip, ax, entries, lambda row: floor, size=30)
    ax.set_ylim(low, high)
    ax.set_xlabel("flow time t")
    (strip or ax).set_ylabel("loss")
    ax.set_title(f"{Path(summary['scenario']).name}: {summary['model']}, {summary.get('transitions', '?')} transitions")
    legend(fig, [ax, strip])
    fig.savefig(run.folder / "loss.png", dpi=120)
    plt.close(fig)


def plot_events(run):
    entries = neuron_entries(run.timeline)
    fig = plt.figure(figsize=(9, 4))
    spec = fig.add_gridspec(1, 1, bottom=0.3)[0]
    strip, ax = time_axes(fig, spec, (entries["t"] == 0).any())
    scatter_entries(strip, ax, entries, lambda row: -1 if row.neuron is pd.NA else row.neuron, size=45)
    ax.set_xscale("log")
    ax.set_xlim(*positive_range(run))
    ax.set_xlabel("flow time t")
    (strip or ax).set_ylabel("neuron")
    counts = f"{run.summary.get('transitions', '?')} transitions, {run.summary.get('start_entries', '?')} start entries"
    ax.set_title(f"timeline by neuron ({counts}; -1: no neuron)")
    if entries.empty:
        ax.text(0.5, 0.5, "no timeline entries", transform=ax.transAxes, ha="center")
    legend(fig, [ax, strip])
    fig.savefig(run.folder / "events.png", dpi=120)
    plt.close(fig)


def group_panels(run):
    """(y label, {label: series}, band) per parameter group of the network's own parameters."""
    trajectory = run.trajectory
    panels = []
    own_groups = {}
    for column in trajectory.columns[2:]:
        name = column.rstrip("0123456789_")
        own_groups.setdefault(name, []).append(column)
    log_norms = run.neuron_log_norms()
    for name, columns in own_groups.items():
        is_matrix = "_" in columns[0][len(name):]
        if is_matrix and len(log_norms.columns) > 1:
            label = "‖(w_j, b_j)‖" if "b" in own_groups and name == "W" else f"‖{name}_j‖ (row j)"
            # Norms over more than 3 decades (small initialisations) as log10, where they stay finite.
            spread = (log_norms.iloc[:, 1:].max().max() - log_norms.iloc[:, 1:].min().min()) / math.log(10)
            if spread > 3:
                label = f"log10 {label}"
                lines = {f"neuron {j}": log_norms[j] / math.log(10) for j in log_norms.columns[1:]}
            else:
                lines = {f"neuron {j}": log_norms[j].map(math.exp) for j in log_norms.columns[1:]}
            panels.append((label, lines, None, len(lines) > 8))
        elif len(columns) <= 8:
            panels.append((name, {column: trajectory[column] for column in columns}, None, False))
        else:
            values = trajectory[columns]
            band = (values.quantile(0.1, axis=1), values.quantile(0.9, axis=1), values.min(axis=1), values.max(axis=1))
            panels.append((f"{name} ({len(columns)} values)", {"median": values.median(axis=1)}, band, False))
    return panels


def plot_parameters(run):
    trajectory = run.trajectory
    panels = group_panels(run)
    fig = plt.figure(figsize=(9, 2.6 * len(panels) + 0.8))
    specs = fig.add_gridspec(len(panels), 1, hspace=0.45)
    # Saddle-to-saddle runs (Algorithm 1's prediction): a linear time axis, as in loss.png.
    log_time = not run.summary.get("jump_process")
    start = (trajectory["t"] == 0) & log_time
    later = trajectory[~start]
    for index, (label, lines, band, many) in enumerate(panels):
        strip, ax = time_axes(fig, specs[index], start.any())
        colours = plt.get_cmap("viridis")(np.linspace(0, 0.9, len(lines))) if many else [None] * len(lines)
        for (name, series), colour in zip(lines.items(), colours):
            ax.plot(later["t"], series[~start], lw=1, color=colour, label=None if many else name)
            if strip is not None:
                strip.scatter([0], series[start].head(1), s=12, color=colour or ax.get_lines()[-1].get_color())
        if band is not None:
            low, high, smallest, largest = (part[~start] for part in band)
            ax.fill_between(later["t"], smallest, largest, color="tab:blue", alpha=0.12, label="min-max")
            ax.fill_between(later["t"], low, high, color="tab:blue", alpha=0.3, label="10-90 %")
        if many:
            ax.text(0.01, 0.95, f"{len(lines)} neurons, coloured by index (dark: 0)", transform=ax.transAxes,
                    fontsize=8, va="top")
        else:
            ax.legend(fontsize=7, frameon=False, ncol=4, loc="best")
        if log_time:
            ax.set_xscale("log")
            ax.set_xlim(*positive_range(run))
        else:
            ax.set_xlim(0, run.summary["final_time"])
        (strip or ax).set_ylabel(label)
        if index == len(panels) - 1:
            ax.set_xlabel("flow time t")
    fig.suptitle(f"parameters of {run.summary['model']} (the network's own weights)", y=0.995)
    fig.savefig(run.folder / "params.png", dpi=120, bbox_inches="tight")
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
    start = knots["t"] == 0
    fig = plt.figure(figsize=(9, 4.5))
    strip, ax = time_axes(fig, fig.add_gridspec(1, 1)[0], start.any())
    data_file = run.folder / "data.csv"
    if data_file.exists():
        for row in list(csv.reader(data_file.open()))[1:]:
            for axis in (ax, strip):
                if axis is not None:
                    axis.axhline(float(row[0]), color="0.7", lw=0.6, ls=":")
    for k in knots.columns[1:]:
        ax.plot(knots["t"][~start], knots[k][~start], lw=1.2)
        if strip is not None:
            strip.scatter([0], knots[k][start].head(1), s=8, color=ax.get_lines()[-1].get_color())
    ax.set_xscale("log")
    ax.set_xlim(*positive_range(run))
    ax.set_xlabel("flow time t")
    (strip or ax).set_ylabel("knot position")
    ax.set_ylim(-1.6, 1.6)
    ax.set_title("knot positions (dotted: the samples)")
    fig.savefig(run.folder / "knots.png", dpi=120, bbox_inches="tight")
    plt.close(fig)
    return run.folder / "knots.png"


def plot_magnitude_angle(run):
    """‖w‖ and, with DIR/teacher.json, the paper's angle φ = π − ∠(w, w*): for single-neuron models
    (a first-layer group w)."""
    names = [name for name, _ in run.groups]
    if "w" not in names or "W" in names:
        return None
    trajectory = run.trajectory
    columns = [column for column in trajectory.columns[2:] if column.rstrip("0123456789") == "w"]
    w = trajectory[columns].to_numpy()
    norms = np.linalg.norm(w, axis=1)
    teacher_file = run.folder / "teacher.json"
    # A teacher without a w of the student's size (a two-layer teacher) has no angle to w.
    teacher = json.loads(teacher_file.read_text()).get("w") if teacher_file.exists() else None
    teacher = np.array(teacher) if teacher is not None and len(teacher) == len(columns) else None
    panels = 2 if teacher is not None else 1
    fig, axes = plt.subplots(panels, 1, figsize=(9, 3.2 * panels), sharex=True, squeeze=False)
    later = (trajectory["t"] > 0).to_numpy()
    axes[0][0].plot(trajectory["t"][later], norms[later], color=CURVE, lw=1.4, label="‖w‖")
    if teacher is not None:
        axes[0][0].axhline(np.linalg.norm(teacher), color="0.4", ls="--", lw=0.8, label="‖w*‖")
        cosine = (w @ teacher) / np.maximum(norms * np.linalg.norm(teacher), 1e-300)
        # The paper's angle is φ = π − ∠(w, w*) (magnitude/angle notes: φ → π as w aligns).
        phi = math.pi - np.arccos(np.clip(cosine, -1, 1))
        axes[1][0].plot(trajectory["t"][later], phi[later], color="tab:red", lw=1.4)
        axes[1][0].axhline(math.pi, color="0.4", ls="--", lw=0.8)
        axes[1][0].set_ylabel("φ = π − ∠(w, w*) [rad]")
        axes[1][0].set_ylim(0, math.pi)
    axes[0][0].set_ylabel("‖w‖")
    axes[0][0].legend(fontsize=8, frameon=False)
    axes[-1][0].set_xscale("log")
    axes[-1][0].set_xlabel("flow time t")
    fig.suptitle(f"magnitude and angle: {Path(run.summary['scenario']).name}")
    fig.tight_layout()
    fig.savefig(run.folder / "magnitude-angle.png", dpi=120)
    plt.close(fig)
    return run.folder / "magnitude-angle.png"


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("folder", metavar="DIR", help="a run folder written by reluflow run")
    run = reluflow_runs.load_run(parser.parse_args().folder)
    plot_loss(run)
    plot_events(run)
    plot_parameters(run)
    written = [run.folder / name for name in ("loss.png", "events.png", "params.png")]
    for extra in (plot_knots(run), plot_norms(run), plot_magnitude_angle(run)):
        if extra:
            written.append(extra)
    print("\n".join(str(path) for path in written))


if __name__ == "__main__":
    main()
