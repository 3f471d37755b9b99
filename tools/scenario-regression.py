#!/usr/bin/env python3
"""Checks that a change left the bundled scenarios' results alone.

Runs every bundled scenario that finishes within `--budget` seconds (5 by default) with a
baseline `reluflow` and with the current one, and compares, per scenario:
  - the timeline: the same entries in the same order, each with the same kind, neuron,
    sample, side and exit, and times equal to 1e-12 relative (absolute near t = 0);
  - the summary: the same status, and the final loss to 1e-12 relative.

    tools/scenario-regression.py (--baseline-ref REF | --baseline-binary PATH) [--budget S]

With `--baseline-ref` the baseline is built from that commit in a scratch git worktree
under `.build-regression/` (release mode). The current tree is built with
`swift build -c release`. Scenarios whose baseline run exceeds the budget are listed as
skipped. Exit status 0 when every compared scenario matches, 1 otherwise.
"""
import argparse
import json
import math
import pathlib
import subprocess
import sys
import tempfile
import time

ROOT = pathlib.Path(__file__).resolve().parent.parent
TIME_RELATIVE = 1e-12
LOSS_RELATIVE = 1e-12
# Fields that identify an entry; everything else (normal speeds, gates, loss at the event)
# is a measured value, compared through the time and the final loss.
IDENTITY_FIELDS = ("kind", "neuron", "sample", "side", "exit")


def build_baseline(ref: str) -> pathlib.Path:
    scratch = ROOT / ".build-regression"
    tree = scratch / "tree"
    if tree.exists():
        subprocess.run(["git", "-C", str(tree), "checkout", "-q", "--detach", ref], check=True)
    else:
        scratch.mkdir(exist_ok=True)
        subprocess.run(["git", "-C", str(ROOT), "worktree", "add", "-q", "--detach", str(tree), ref], check=True)
    subprocess.run(["swift", "build", "-c", "release", "--product", "reluflow"], cwd=tree, check=True,
                   stdout=subprocess.DEVNULL)
    return tree / ".build" / "release" / "reluflow"


def build_current() -> pathlib.Path:
    subprocess.run(["swift", "build", "-c", "release", "--product", "reluflow"], cwd=ROOT, check=True,
                   stdout=subprocess.DEVNULL)
    return ROOT / ".build" / "release" / "reluflow"


def run(binary: pathlib.Path, scenario: pathlib.Path, folder: pathlib.Path, budget: float):
    """Runs one scenario; returns its wall time, or None when it exceeded the budget."""
    start = time.perf_counter()
    try:
        subprocess.run([str(binary), "run", str(scenario), "--out", str(folder), "--quiet"],
                       timeout=budget, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, check=False)
    except subprocess.TimeoutExpired:
        return None
    return time.perf_counter() - start


def read_run(folder: pathlib.Path):
    timeline = [json.loads(line) for line in (folder / "timeline.jsonl").read_text().splitlines() if line]
    summary = json.loads((folder / "summary.json").read_text())
    return timeline, summary


def close(a, b, relative):
    if a is None or b is None:
        return a is b
    return abs(a - b) <= relative * max(1.0, abs(a), abs(b)) or (math.isnan(a) and math.isnan(b))


def differences(base, new):
    """The ways two runs differ, as readable lines (empty when they agree)."""
    (base_timeline, base_summary), (new_timeline, new_summary) = base, new
    found = []
    if len(base_timeline) != len(new_timeline):
        found.append(f"{len(base_timeline)} timeline entries before, {len(new_timeline)} now")
    for index, (old, cur) in enumerate(zip(base_timeline, new_timeline)):
        old_id = tuple(old.get(k) for k in IDENTITY_FIELDS)
        cur_id = tuple(cur.get(k) for k in IDENTITY_FIELDS)
        if old_id != cur_id:
            found.append(f"entry {index}: {dict(zip(IDENTITY_FIELDS, old_id))} before, "
                         f"{dict(zip(IDENTITY_FIELDS, cur_id))} now")
            break
        if not close(old["t"], cur["t"], TIME_RELATIVE):
            found.append(f"entry {index} ({old['kind']}): t = {old['t']!r} before, {cur['t']!r} now")
            break
    for key in ("status",):
        if base_summary.get(key) != new_summary.get(key):
            found.append(f"{key}: {base_summary.get(key)!r} before, {new_summary.get(key)!r} now")
    if not close(base_summary.get("final_loss"), new_summary.get("final_loss"), LOSS_RELATIVE):
        found.append(f"final_loss: {base_summary.get('final_loss')!r} before, {new_summary.get('final_loss')!r} now")
    return found


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    source = parser.add_mutually_exclusive_group(required=True)
    source.add_argument("--baseline-ref", help="git commit to build the baseline from")
    source.add_argument("--baseline-binary", type=pathlib.Path, help="a reluflow binary to use as the baseline")
    parser.add_argument("--candidate-binary", type=pathlib.Path,
                        help="the reluflow to check (default: build the current tree)")
    parser.add_argument("--budget", type=float, default=5.0, help="seconds a baseline run may take (default 5)")
    args = parser.parse_args()

    baseline = args.baseline_binary or build_baseline(args.baseline_ref)
    candidate = args.candidate_binary or build_current()
    scenarios = sorted((ROOT / "scenarios").rglob("*.yaml"))
    compared, failed, skipped = 0, 0, []
    with tempfile.TemporaryDirectory() as scratch:
        scratch = pathlib.Path(scratch)
        for scenario in scenarios:
            name = str(scenario.relative_to(ROOT / "scenarios"))
            base_folder, new_folder = scratch / "base" / name, scratch / "new" / name
            seconds = run(baseline, scenario, base_folder, args.budget)
            if seconds is None or not (base_folder / "summary.json").exists():
                skipped.append(name)
                continue
            run(candidate, scenario, new_folder, 10 * args.budget + 10)
            if not (new_folder / "summary.json").exists():
                print(f"FAIL {name}: no summary.json from the candidate")
                failed += 1
                continue
            base, new = read_run(base_folder), read_run(new_folder)
            found = differences(base, new)
            compared += 1
            if found:
                failed += 1
                print(f"FAIL {name}")
                for line in found:
                    print(f"     {line}")
            else:
                print(f"ok   {name}: {len(base[0])} timeline entries, final loss {base[1].get('final_loss')!r}")
    print(f"skipped (baseline over {args.budget:g} s): {', '.join(skipped) or 'none'}")
    print(f"{compared - failed} passed, {failed} failed")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
