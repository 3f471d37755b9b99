#!/usr/bin/env python3
"""Read reluflow run folders into pandas DataFrames (needs pandas: pip install pandas).

    import reluflow_runs
    run = reluflow_runs.load("runs/default")          # a run folder (reluflow run)
    run.timeline                                      # one row per timeline.jsonl entry
    run.trajectory                                    # t, loss, the network's own parameters
    run.summary                                       # summary.json as a dict
    run.summary_series                                # its fields as a pandas Series
    cmp = reluflow_runs.load("runs/ex5.2-compare")    # a compare folder (reluflow compare)
    cmp.flow, cmp.gd[0.01]                            # the flow's and each GD step size's Run
    cmp.runs, cmp.matches, cmp.gd_loss                # compare.json as tables
    sweep = reluflow_runs.load_sweep("sweeps-out/fig5")  # DIR/sweep.csv of reluflow sweep
    sweep.table                                       # one row per point (per step size for GD)
    sweep.run(sweep.table["point"][0])                # a point's run or compare folder

The schema is the one the Swift side defines once in Sources/Experiments/RunFolder
(TimelineRecord, RunSummaryRecord, DescentSummaryRecord, TrajectoryTable, CompareRecord),
and for sweep.csv Sources/Sweeps/SweepTable.
The parameter groups and their shapes are read from summary.json's `final_params` (the init
file's keys), not from the model's name or the trajectory's column names; models stored in
other coordinates than the network's weights are converted here, and only here:
`two_layer_log_scale` (log_norm, direction, sign) and `two_layer_orthogonal` (component,
log_scale, sign, outside_span; W in the data's orthonormal basis, W_ji = <w_j, x_i>).

Run as a script, it prints a short account of a folder: tools/reluflow_runs.py DIR
"""
import json
import math
import sys
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

# timeline.jsonl's fields (TimelineRecord), in the order the file writes them, with the
# dtype each column has even when no entry carries the field (or the timeline is empty).
TIMELINE_COLUMNS = {
    "t": "float64",
    "iteration": "Int64",
    "kind": "string",
    "neuron": "Int64",
    "sample": "Int64",
    "exit": "string",
    "side": "string",
    "gate": "float64",
    "position": "float64",
    "chattering": "boolean",
    "projection_floor": "float64",
    "fixed_knot_floor": "float64",
    "loss": "float64",
    "normal_speed_inactive": "float64",
    "normal_speed_active": "float64",
}

# sweep.csv's columns after the axes (SweepTable), with their dtypes; events_<kind> are Int64,
# and the `;`-separated lists become lists of floats. Compare points add learning_rate and
# the columns from gd_iterations on.
SWEEP_COLUMNS = {
    "point": "string",
    "learning_rate": "float64",
    "status": "string",
    "final_time": "float64",
    "final_loss": "float64",
    "plateaus": "Int64",
    "squared_norm": "float64",
    "eq15_squared_norm": "float64",
    "minimum_norm_squared": "float64",
    "gd_iterations": "Int64",
    "matched_events": "Int64",
    "max_event_time_difference": "float64",
    "max_parameter_deviation": "float64",
    "final_parameter_difference": "float64",
    "order_event_time": "float64",
    "order_trajectory": "float64",
    "order_final_point": "float64",
    "order_modified_flow": "float64",
    "steps": "Int64",
    "wall_seconds": "float64",
}
SWEEP_LIST_COLUMNS = ("plateau_levels", "jump_times")
FINISHED_STATUSES = ("completed", "steady_state")


@dataclass
class Run:
    """One run folder: a flow run, or a GD run of a compare folder (summary["method"])."""

    folder: Path
    summary: dict
    timeline: pd.DataFrame
    # t, loss and the parameters as stored (trajectory.csv's own columns).
    stored_trajectory: pd.DataFrame
    # [(group name, shape)] from final_params, in storage order.
    groups: list
    # t, loss and the network's own parameters (W, b, a, w, v, ...).
    trajectory: pd.DataFrame = field(init=False)

    def __post_init__(self):
        self.trajectory = own_parameters(self.stored_trajectory, self.groups)

    @property
    def summary_series(self):
        """summary.json as a pandas Series: one entry per field, nested mappings flattened to
        dotted names (time_mapping.half_sum_time_factor), lists kept as lists, null as None;
        the counts (transitions, start_entries, timeline_entries, steps, ...) stay integers."""
        return summary_series(self.summary)

    @property
    def is_descent(self):
        return self.summary.get("method") == "gradient_descent"

    def neuron_log_norms(self):
        """t and log‖w_j‖ per neuron j (0-based columns), computed in the stored coordinates,
        so it stays finite where the weights underflow (orthogonal data at λ = e^-500)."""
        return neuron_log_norms(self.stored_trajectory, self.groups)

    def plateaus(self):
        """summary.json's plateaus: start, end, level, duration and, for the univariate knot
        model, projection_floor (Q_0) and fixed_knot_floor at the plateau's start."""
        columns = ["start", "end", "level", "duration", "projection_floor", "fixed_knot_floor"]
        return pd.DataFrame(self.summary.get("plateaus", []), columns=columns).astype("float64")

    def knot_positions(self):
        """t and the knot position of each neuron (b_k, or b_k/a_k in the full form), for
        univariate models (groups b and c); None otherwise."""
        names = [name for name, _ in self.groups]
        if "b" not in names or "c" not in names:
            return None
        b = group_columns(self.stored_trajectory, self.groups, "b")
        a = group_columns(self.stored_trajectory, self.groups, "a") if "a" in names else None
        knots = {"t": self.stored_trajectory["t"]}
        for k, column in enumerate(b):
            values = self.stored_trajectory[column]
            if a is not None:
                values = values / self.stored_trajectory[a[k]].where(self.stored_trajectory[a[k]] != 0)
            knots[k] = values
        return pd.DataFrame(knots)


@dataclass
class Compare:
    """A compare folder: the flow's run, one GD run per step size, and compare.json as tables."""

    folder: Path
    report: dict
    flow: Run
    # step size -> its GD run
    gd: dict
    # one row per step size: compare.json's scalar fields
    runs: pd.DataFrame
    # learning_rate, surface, into, flow_t, gd_iteration, time_difference
    matches: pd.DataFrame
    # learning_rate, t, loss: GD's loss on the comparison grid
    gd_loss: pd.DataFrame


@dataclass
class Sweep:
    """A sweep folder (reluflow sweep --out DIR): its table and its points' folders."""

    folder: Path
    # sweep.csv: the axis and derived columns (as pandas infers them; text as "string"), then
    # SWEEP_COLUMNS typed, events_<kind> as Int64, and SWEEP_LIST_COLUMNS as lists of floats.
    table: pd.DataFrame
    # the axis and derived keys, in the table's order (sweep-points.json)
    axes: list

    def run(self, point):
        """The point's run folder (a Run), or compare folder (a Compare) for a GD point."""
        return load(self.folder / "runs" / point)

    @property
    def finished(self):
        """The rows whose run finished its integration (completed or steady_state)."""
        return self.table[self.table["status"].isin(FINISHED_STATUSES)]


def load_sweep(folder):
    folder = Path(folder)
    axes = json.loads((folder / "sweep-points.json").read_text())["columns"]
    table = pd.read_csv(folder / "sweep.csv", dtype={column: "string" for column in SWEEP_LIST_COLUMNS})
    for column in table.columns:
        if column in SWEEP_COLUMNS:
            table[column] = table[column].astype(SWEEP_COLUMNS[column])
        elif column.startswith("events_"):
            table[column] = table[column].astype("Int64")
        elif column in SWEEP_LIST_COLUMNS:
            table[column] = [[] if pd.isna(text) else [float(item) for item in text.split(";")] for text in table[column]]
        elif table[column].dtype == object:
            table[column] = table[column].astype("string")
    return Sweep(folder=folder, table=table, axes=axes)


def load(folder):
    """A Compare for a folder with compare.json, else a Run."""
    folder = Path(folder)
    return load_compare(folder) if (folder / "compare.json").exists() else load_run(folder)


def load_run(folder):
    folder = Path(folder)
    summary = json.loads((folder / "summary.json").read_text())
    groups = parameter_groups(summary["final_params"])
    return Run(folder=folder, summary=summary, timeline=read_timeline(folder / "timeline.jsonl"),
               stored_trajectory=pd.read_csv(folder / "trajectory.csv"), groups=groups)


def load_compare(folder):
    folder = Path(folder)
    report = json.loads((folder / "compare.json").read_text())
    gd = {}
    for path in sorted(folder.glob("gd-eta-*")):
        if (path / "summary.json").exists():
            run = load_run(path)
            gd[run.summary["learning_rate"]] = run
    scalar = [key for key in (report["runs"][0] if report["runs"] else {}) if key not in ("events", "gd_loss", "gd_plateaus")]
    runs = pd.DataFrame([{key: run.get(key) for key in scalar} for run in report["runs"]], columns=scalar)
    matches = pd.DataFrame(
        [dict(learning_rate=run["learning_rate"], **event) for run in report["runs"] for event in run["events"]],
        columns=["learning_rate", "surface", "into", "flow_t", "gd_iteration", "time_difference"])
    gd_loss = pd.DataFrame([(run["learning_rate"], t, loss) for run in report["runs"] for t, loss in run["gd_loss"]],
                           columns=["learning_rate", "t", "loss"])
    return Compare(folder=folder, report=report, flow=load_run(folder / "flow"), gd=gd, runs=runs, matches=matches,
                   gd_loss=gd_loss)


def read_timeline(path):
    """timeline.jsonl with every TIMELINE_COLUMNS column, null where an entry lacks the field."""
    entries = [json.loads(line) for line in Path(path).read_text().splitlines() if line.strip()]
    frame = pd.DataFrame(entries, columns=list(TIMELINE_COLUMNS))
    return frame.astype(TIMELINE_COLUMNS)


def summary_series(summary):
    """A summary dict as a Series with dotted names for nested mappings (final_params stays
    one entry: its groups differ by model)."""
    flat = {}

    def add(prefix, value):
        if isinstance(value, dict) and prefix != "final_params":
            for key, item in value.items():
                add(f"{prefix}.{key}" if prefix else key, item)
        else:
            flat[prefix] = value
    add("", summary)
    return pd.Series(flat, dtype=object)


def parameter_groups(final_params):
    """[(name, shape)] from an init-file-shaped dict: a number has shape (), a list (k,), a
    list of lists (r, c)."""
    def shape(value):
        return () if not isinstance(value, list) else (len(value),) + (shape(value[0]) if value else ())
    return [(name, shape(value)) for name, value in final_params.items()]


def column_names(name, shape):
    """trajectory.csv's columns of one group (ParameterLayout.columnNames): 1-based."""
    if len(shape) == 0:
        return [name]
    if len(shape) == 1:
        return [f"{name}{k + 1}" for k in range(shape[0])]
    return [f"{name}{r + 1}_{c + 1}" for r in range(shape[0]) for c in range(shape[1])]


def group_columns(frame, groups, name):
    shape = dict(groups)[name]
    columns = column_names(name, shape)
    missing = [column for column in columns if column not in frame.columns]
    if missing:
        raise ValueError(f"trajectory.csv lacks {missing[:3]} of group {name} {shape}")
    return columns


def own_parameters(stored, groups):
    """t, loss and the network's weights: the stored columns, converted for the models whose
    state is in other coordinates."""
    names = {name for name, _ in groups}
    frame = {"t": stored["t"], "loss": stored["loss"]}
    if {"component", "log_scale", "sign", "outside_span"} <= names:
        width, samples = dict(groups)["component"]
        log_norms = neuron_log_norms(stored, groups)
        for j in range(width):
            scale = stored[f"log_scale{j + 1}"].map(math.exp)
            for i in range(samples):
                frame[f"W{j + 1}_{i + 1}"] = scale * stored[f"component{j + 1}_{i + 1}"]
        for j in range(width):
            frame[f"a{j + 1}"] = stored[f"sign{j + 1}"] * log_norms[j].map(math.exp)
        return pd.DataFrame(frame)
    if {"log_norm", "direction", "sign"} <= names:
        width, dimension = dict(groups)["direction"]
        for j in range(width):
            # w_j = e^{ℓ_j} v_j/‖v_j‖: the stored v_j is along w_j, of norm 1 up to drift.
            length = sum(stored[f"direction{j + 1}_{k + 1}"] ** 2 for k in range(dimension)) ** 0.5
            norm = stored[f"log_norm{j + 1}"].map(math.exp)
            for k in range(dimension):
                frame[f"W{j + 1}_{k + 1}"] = norm * stored[f"direction{j + 1}_{k + 1}"] / length
        for j in range(width):
            frame[f"a{j + 1}"] = stored[f"sign{j + 1}"] * stored[f"log_norm{j + 1}"].map(math.exp)
        return pd.DataFrame(frame)
    for name, _ in groups:
        for column in group_columns(stored, groups, name):
            frame[column] = stored[column]
    return pd.DataFrame(frame)


def neuron_log_norms(stored, groups):
    """t and log‖(w_j, b_j)‖ per neuron j, in the stored coordinates where they need them."""
    names = {name for name, _ in groups}
    frame = {"t": stored["t"]}
    if {"component", "log_scale", "outside_span"} <= names:
        width, samples = dict(groups)["component"]
        for j in range(width):
            u = stored[[f"component{j + 1}_{i + 1}" for i in range(samples)]]
            outside = stored[f"outside_span{j + 1}"]
            largest = pd.concat([u.abs().max(axis=1), outside.pow(0.5)], axis=1).max(axis=1)
            scaled = (u.div(largest, axis=0) ** 2).sum(axis=1) + outside / largest ** 2
            frame[j] = stored[f"log_scale{j + 1}"] + (largest * scaled.pow(0.5)).map(math.log)
    elif "log_norm" in names:
        for j, column in enumerate(group_columns(stored, groups, "log_norm")):
            frame[j] = stored[column]
    elif "W" in names:
        rows, columns = dict(groups)["W"]
        for j in range(rows):
            squares = sum(stored[f"W{j + 1}_{k + 1}"] ** 2 for k in range(columns))
            if "b" in names and dict(groups)["b"] == (rows,):
                squares = squares + stored[f"b{j + 1}"] ** 2
            frame[j] = squares.pow(0.5).map(lambda x: math.log(x) if x > 0 else -math.inf)
    return pd.DataFrame(frame)


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    loaded = load(sys.argv[1])
    runs = [("flow", loaded.flow)] + [(f"gd eta={eta:g}", run) for eta, run in loaded.gd.items()] \
        if isinstance(loaded, Compare) else [("run", loaded)]
    for label, run in runs:
        kinds = run.timeline["kind"].value_counts().to_dict()
        print(f"{label}: {run.summary['status']} at t = {run.summary['final_time']}, loss {run.summary['final_loss']}; "
              f"{len(run.timeline)} entries {kinds}; trajectory {run.trajectory.shape[0]} rows x "
              f"{list(run.trajectory.columns[2:6])}...")


if __name__ == "__main__":
    main()
