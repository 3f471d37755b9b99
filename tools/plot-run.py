#!/usr/bin/env python3
"""Pictures of a reluflow run folder (needs matplotlib: pip install matplotlib).

    tools/plot-run.py DIR

writes next to the run files:
  DIR/loss.png    loss against time on log-log axes, the detected plateaus as shaded bands,
                  a tick for every timeline event (coloured by kind) along the bottom, and
                  for orthogonal-data runs Algorithm 1's plateau levels and jump times;
  DIR/events.png  the event raster: one row per neuron, a mark per event at its time,
                  coloured by kind (activation, deactivation, slides, deaths);
  DIR/params.png  every parameter against time (log time axis), events as faint lines (for
                  two_layer_orthogonal the pre-activations <w_j, x_i>, not the scaled state);
  DIR/norms.png   two_layer_orthogonal runs only: log10 of every neuron's norm against time
                  (the paper's Fig. 3), with the predicted jump times;
  DIR/knots.png   univariate models only: the knot positions b_k (or b_k/a_k) against time,
                  with the sample positions as dotted lines when DIR/data.csv exists
                  (run with --dump-init).
"""
import csv
import json
import math
import sys
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

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
    """The events that belong to neurons (not plateau bounds), each with its kind as a legend
    label the first time that kind appears, else None."""
    seen = set()
    for event in events:
        kind = event["kind"]
        if kind in PLATEAU_KINDS:
            continue
        yield event, (kind if kind not in seen else None)
        seen.add(kind)


def read_run(folder):
    with open(folder / "trajectory.csv") as handle:
        rows = list(csv.reader(handle))
    header, values = rows[0], [[float(v) for v in row] for row in rows[1:]]
    events = [json.loads(line) for line in (folder / "timeline.jsonl").read_text().splitlines() if line]
    summary = json.loads((folder / "summary.json").read_text())
    return header, values, events, summary


def positive_time(t, smallest):
    return t if t > 0 else smallest


def plot_loss(folder, header, values, events, summary):
    times = [row[0] for row in values]
    losses = [row[1] for row in values]
    smallest = min((t for t in times if t > 0), default=1e-6) / 2
    fig, ax = plt.subplots(figsize=(9, 4.5))
    ax.plot([positive_time(t, smallest) for t in times], [max(l, 1e-300) for l in losses], color="0.2", lw=1.2)
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("flow time t")
    ax.set_ylabel("loss")
    ax.set_title(f"{Path(summary['scenario']).name}: {summary['model']}, {len(events)} events")
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
    for event, label in labelled_events(events):
        ax.axvline(positive_time(event["t"], smallest), ymax=0.06, color=COLOURS.get(event["kind"], "gray"), lw=1,
                   label=label)
    if ax.get_legend_handles_labels()[0]:
        ax.legend(loc="upper right", fontsize=8, frameon=False)
    ax.set_ylim(bottom=low)
    if prediction:
        # Saddle-to-saddle jumps come at t ~ log(1/λ)·τ_k, close together on a log axis.
        ax.set_xscale("linear")
        ax.set_xlim(0, min(summary["final_time"], 1.3 * prediction["jumps"][-1]["t_predicted"]) if prediction["jumps"] else None)
    fig.tight_layout()
    fig.savefig(folder / "loss.png", dpi=120)
    plt.close(fig)


def plot_events(folder, events, summary):
    fig, ax = plt.subplots(figsize=(9, 3.5))
    times = [e["t"] for e in events if e["t"] > 0]
    smallest = min(times, default=1e-6) / 2
    for event, label in labelled_events(events):
        kind = event["kind"]
        marker = "x" if kind.startswith("neuron_") else "|"
        ax.scatter([positive_time(event["t"], smallest)], [event.get("neuron", 0)], color=COLOURS.get(kind, "gray"),
                   marker=marker, s=60, label=label)
    ax.set_xscale("log")
    ax.set_xlabel("flow time t")
    ax.set_ylabel("neuron")
    ax.set_title("events by neuron")
    if ax.get_legend_handles_labels()[0]:
        ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.22), fontsize=8, frameon=False, ncol=8)
    fig.tight_layout()
    fig.savefig(folder / "events.png", dpi=120)
    plt.close(fig)


def plain_coordinates(header, values):
    """two_layer_orthogonal stores u_ji = <w_j, x_i>/λ_j: show <w_j, x_i> = e^κ_j u_ji instead
    (and drop the constant κ, s, q columns)."""
    names = header[2:]
    kappa = {name: 2 + names.index("log_scale" + name[len("component"):].split("_")[0])
             for name in names if name.startswith("component")}
    columns = [n for n in names if n.startswith("component")]
    new_header = header[:2] + [f"<w{n[len('component'):].split('_')[0]},x{n.split('_')[1]}>" for n in columns]
    indices = [2 + names.index(n) for n in columns]
    new_values = [row[:2] + [math.exp(row[kappa[n]]) * row[i] for n, i in zip(columns, indices)] for row in values]
    return new_header, new_values


def plot_parameters(folder, header, values, events, summary):
    if summary.get("model") == "two_layer_orthogonal":
        header, values = plain_coordinates(header, values)
    times = [row[0] for row in values]
    smallest = min((t for t in times if t > 0), default=1e-6) / 2
    columns = header[2:]
    fig, ax = plt.subplots(figsize=(9, 4.5))
    shown = columns if len(columns) <= 40 else columns[:40]
    for index, name in enumerate(shown):
        ax.plot([positive_time(t, smallest) for t in times], [row[2 + index] for row in values], lw=1,
                label=name if len(shown) <= 12 else None)
    for event in events:
        ax.axvline(positive_time(event["t"], smallest), color=COLOURS.get(event["kind"], "gray"), lw=0.5, alpha=0.3)
    ax.set_xscale("log")
    ax.set_xlabel("flow time t")
    ax.set_ylabel("parameters" + (" (first 40)" if len(columns) > 40 else ""))
    if len(shown) <= 12:
        ax.legend(fontsize=8, frameon=False, ncol=2)
    fig.tight_layout()
    fig.savefig(folder / "params.png", dpi=120)
    plt.close(fig)


def plot_norms(folder, header, values, summary):
    """log10‖w_j‖ = (κ_j + log‖u_j‖)/ln 10 from the scaled data coordinates of two_layer_orthogonal."""
    if summary.get("model") != "two_layer_orthogonal":
        return None
    names = header[2:]
    width = sum(1 for n in names if n.startswith("log_scale"))
    samples = sum(1 for n in names if n.startswith("component1_"))
    times = [row[0] for row in values]
    fig, ax = plt.subplots(figsize=(9, 4.5))
    for j in range(width):
        kappa = 2 + names.index(f"log_scale{j + 1}")
        outside = 2 + names.index(f"outside_span{j + 1}")
        first = 2 + names.index(f"component{j + 1}_1")
        curve = []
        for row in values:
            u = row[first:first + samples]
            largest = max(max(abs(x) for x in u), math.sqrt(row[outside]))
            norm = largest * math.sqrt(sum((x / largest) ** 2 for x in u) + (math.sqrt(row[outside]) / largest) ** 2)
            curve.append((row[kappa] + math.log(norm)) / math.log(10))
        ax.plot(times, curve, lw=1.2, label=f"neuron {j}")
    for index, jump in enumerate(summary["jump_process"]["jumps"]):
        ax.axvline(jump["t_predicted"], color="tab:blue", lw=0.8, ls=":",
                   label="predicted jump" if index == 0 else None)
    ax.set_xlabel("flow time t")
    ax.set_ylabel("log10 ‖w_j‖")
    ax.set_title("neuron norms (orthogonal-data Fig. 3)")
    ax.legend(fontsize=8, frameon=False, ncol=2)
    fig.tight_layout()
    fig.savefig(folder / "norms.png", dpi=120)
    plt.close(fig)
    return folder / "norms.png"


def plot_knots(folder, header, values):
    names = header[2:]
    if not any(n.startswith("c") and n[1:].isdigit() for n in names):
        return None
    width = sum(1 for n in names if n.startswith("c") and n[1:].isdigit())
    has_a = any(n.startswith("a") and n[1:].isdigit() for n in names)
    b_index = 2 + names.index("b1")
    a_index = 2 + names.index("a1") if has_a else None
    times = [row[0] for row in values]
    smallest = min((t for t in times if t > 0), default=1e-6) / 2
    fig, ax = plt.subplots(figsize=(9, 4.5))
    data_file = folder / "data.csv"
    if data_file.exists():
        rows = list(csv.reader(data_file.open()))[1:]
        for row in rows:
            ax.axhline(float(row[0]), color="0.7", lw=0.6, ls=":")
    for k in range(width):
        knots = []
        for row in values:
            b = row[b_index + k]
            a = row[a_index + k] if a_index is not None else 1
            knots.append(b / a if a != 0 else math.nan)
        ax.plot([positive_time(t, smallest) for t in times], knots, lw=1.2)
    ax.set_xscale("log")
    ax.set_xlabel("flow time t")
    ax.set_ylabel("knot position")
    ax.set_ylim(-1.6, 1.6)
    fig.tight_layout()
    fig.savefig(folder / "knots.png", dpi=120)
    plt.close(fig)
    return folder / "knots.png"


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    folder = Path(sys.argv[1])
    header, values, events, summary = read_run(folder)
    plot_loss(folder, header, values, events, summary)
    plot_events(folder, events, summary)
    plot_parameters(folder, header, values, events, summary)
    written = [folder / name for name in ("loss.png", "events.png", "params.png")]
    for extra in (plot_knots(folder, header, values), plot_norms(folder, header, values, summary)):
        if extra:
            written.append(extra)
    print("\n".join(str(path) for path in written))


if __name__ == "__main__":
    main()
