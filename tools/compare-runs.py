#!/usr/bin/env python3
"""Run the bundled scenarios with two reluflow binaries and compare what they write
(needs pandas).

    tools/compare-runs.py BEFORE_BINARY AFTER_BINARY [SCENARIO ...]

Without scenarios it takes every scenarios/**/*.yaml except the *-paper ones (but
orthogonal-data/fig1-paper.yaml, which takes 0.2 s). For each it compares the timelines
(event kinds, neurons, samples and order exactly; times to 1e-12 relative) and the summaries
(status exactly, final time and final loss to 1e-12 relative), reading both through
tools/reluflow_runs.py. Prints one line per scenario and exits 1 if any differ.
"""
import subprocess
import sys
import tempfile
from pathlib import Path

import reluflow_runs

ROOT = Path(__file__).resolve().parent.parent
TOLERANCE = 1e-12


def default_scenarios():
    return [path for path in sorted((ROOT / "scenarios").rglob("*.yaml"))
            if not path.stem.endswith("-paper") or path.match("orthogonal-data/fig1-paper.yaml")]


def close(a, b):
    return a == b or abs(a - b) <= TOLERANCE * max(abs(a), abs(b))


def differences(before, after):
    """What differs between two run folders, as short phrases."""
    found = []
    for key in ("kind", "neuron", "sample"):
        if before.timeline[key].astype(object).tolist() != after.timeline[key].astype(object).tolist():
            found.append(f"timeline {key}s")
    if len(before.timeline) == len(after.timeline):
        far = [(a, b) for a, b in zip(before.timeline["t"], after.timeline["t"]) if not close(a, b)]
        if far:
            found.append(f"{len(far)} event times, e.g. {far[0][0]!r} against {far[0][1]!r}")
    if before.summary["status"] != after.summary["status"]:
        found.append(f"status {before.summary['status']} against {after.summary['status']}")
    for key in ("final_time", "final_loss"):
        if not close(before.summary[key], after.summary[key]):
            found.append(f"{key} {before.summary[key]!r} against {after.summary[key]!r}")
    return found


def main():
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    binaries = sys.argv[1:3]
    scenarios = [Path(arg) for arg in sys.argv[3:]] or default_scenarios()
    failed = 0
    with tempfile.TemporaryDirectory() as scratch:
        for scenario in scenarios:
            folders = []
            for side, binary in zip(("before", "after"), binaries):
                folder = Path(scratch) / side / scenario.stem
                subprocess.run([binary, "run", str(scenario), "--out", str(folder), "--quiet"],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
                folders.append(folder)
            name = scenario.relative_to(ROOT / "scenarios") if scenario.is_relative_to(ROOT / "scenarios") else scenario
            if not all((folder / "summary.json").exists() for folder in folders):
                print(f"{name}: no summary.json from {'both' if not any((f / 'summary.json').exists() for f in folders) else 'one'}")
                failed += 1
                continue
            before, after = (reluflow_runs.load_run(folder) for folder in folders)
            found = differences(before, after)
            failed += bool(found)
            print(f"{name}: " + ("; ".join(found) if found else
                                 f"same ({len(before.timeline)} entries, loss {before.summary['final_loss']:.12g})"))
    print(f"{len(scenarios) - failed} of {len(scenarios)} the same")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
