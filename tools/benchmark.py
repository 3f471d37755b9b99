#!/usr/bin/env python3
"""ReLUFlow's benchmark suite: wall time, work and memory per case, optionally beside CVODE.

    tools/benchmark.py [--cases p1,p7,L,e5-paper,...] [--repeat 3] [--cap 600]
                       [--peers] [--workdir .build-bench] [--markdown FILE]

Cases:
  p1, p7, L            two-layer teacher-student problems written by the peer harness's
                       gen_p1.py (../shared/peers/): P1 to its first slide, P7
                       (d 16, n 300, m 40, seed 7) to its first slide, and L
                       (n = m = 1000, t_end 5e-7). Generated once into WORKDIR/cases/.
  e1-paper, e5-paper, e7-paper, kernel-paper, ma-1L, ma-2L, ma-3L
                       the bundled paper-size scenarios (plateau E1, E5, E7, Williams
                       Fig. 3 kernel, empirical magnitude/angle 1L, 2L, 3L).

Per case it prints the median over --repeat runs of the wall time (the whole process),
and from the run's summary.json the steps, field evaluations, event re-steps, events,
re-steps and evaluations per event, and the peak resident memory (wait4's ru_maxrss).
A run still going after --cap seconds gets SIGINT: the engine then writes what it has,
and the table says how far it got (t reached of t_end).

With --peers the CVODE harness (Adams with rootfinding on all m·n pre-activations) is built
from ../shared/peers/ into WORKDIR/peers/ (never into the project) and run on the same
data.csv / init.json / t_end in the same invocation, alternating with ReLUFlow, and the
table gets CVODE's time, its field evaluations, the ratios ReLUFlow / CVODE and whether the
two event sequences agree (the harness's compare.py on the last runs).
"""
import argparse
import json
import os
import pathlib
import re
import signal
import statistics
import subprocess
import sys
import time

ROOT = pathlib.Path(__file__).resolve().parent.parent
PEERS = (ROOT / ".." / "shared" / "peers").resolve()

GENERATED = {
    "p1": ["P1", "--events", "100000"],
    "p7": ["P7", "--d", "16", "--n", "300", "--m", "40", "--seed", "7", "--events", "100000"],
    "L": ["L", "--n", "1000", "--m", "1000", "--t-end", "5e-7"],
}
BUNDLED = {
    "e1-paper": "plateau/e1-fig1-sin-5pi-paper.yaml",
    "e5-paper": "plateau/e5-fig7-sin-pi-paper.yaml",
    "e7-paper": "plateau/e7-fig10-discontinuous-paper.yaml",
    "kernel-paper": "univariate/fig3-square-wave-kernel-paper.yaml",
    "ma-1L": "magnitude-angle/fig1-1L-small-norm-empirical-paper.yaml",
    "ma-2L": "magnitude-angle/fig1-2L-small-norm-empirical-paper.yaml",
    "ma-3L": "magnitude-angle/fig1-3L-small-norm-empirical-paper.yaml",
}


def timed(command, cap, stdout=subprocess.DEVNULL):
    """Runs a command; SIGINT after `cap` seconds. Returns (seconds, peak RSS in MB, exit status)."""
    start = time.perf_counter()
    process = subprocess.Popen(command, stdout=stdout, stderr=subprocess.DEVNULL)
    deadline = start + cap
    interrupted = False
    while True:
        pid, status, usage = os.wait4(process.pid, os.WNOHANG)
        if pid:
            break
        if not interrupted and time.perf_counter() > deadline:
            process.send_signal(signal.SIGINT)
            interrupted = True
        time.sleep(0.05)
    process.returncode = os.waitstatus_to_exitcode(status)
    return time.perf_counter() - start, usage.ru_maxrss / 1024.0, process.returncode


def generate(case, workdir):
    folder = workdir / "cases" / GENERATED[case][0]
    if not (folder / "scenario.yaml").exists():
        folder.parent.mkdir(parents=True, exist_ok=True)
        print(f"generating {case} (gen_p1.py {' '.join(GENERATED[case])}) ...", file=sys.stderr)
        subprocess.run([sys.executable, str(PEERS / "gen_p1.py"), str(folder), *GENERATED[case][1:]],
                       check=True, stdout=subprocess.DEVNULL)
    return folder


def build_cvode(workdir):
    binary = workdir / "peers" / "cvode_relu"
    if not binary.exists():
        subprocess.run(["bash", str(PEERS / "build.sh"), str(binary.parent)], check=True,
                       stdout=subprocess.DEVNULL)
    return binary


def scenario_end_time(scenario):
    """The scenario's flow.t_end, written as a block (`t_end: 30`) or inside a flow mapping
    (`flow: {t_end: 30.0, rtol: ...}`)."""
    for line in scenario.read_text().splitlines():
        found = re.search(r"(?:^|[{,\s])t_end:\s*([^,}\s]+)", line.split("#")[0])
        if found:
            return found.group(1)
    raise SystemExit(f"{scenario}: no t_end")


def release_binary(binary):
    """`binary`, or the project's release build of reluflow, built first."""
    if binary is not None:
        return binary
    subprocess.run(["swift", "build", "-c", "release", "--product", "reluflow"], cwd=ROOT, check=True,
                   stdout=subprocess.DEVNULL)
    return ROOT / ".build" / "release" / "reluflow"


def print_table(rows, markdown):
    """Prints the Markdown table, and writes it to `markdown` when given."""
    table = "\n".join(rows)
    print()
    print(table)
    if markdown:
        markdown.write_text(table + "\n")


def summary_fields(path, keys):
    """The top-level `keys` of a summary.json (one key per line), parsed without reading the
    rest: L's summary holds 5·10^5 final pairs, and holding them as Python objects would
    make this process large, and with it the peak memory wait4 reports for the next child
    (Popen's vfork child runs in this process's memory until it executes the binary)."""
    fields = {}
    with open(path) as summary:
        for line in summary:
            key, _, value = line.strip().rstrip(",").partition(": ")
            if key.strip('"') in keys:
                fields[key.strip('"')] = json.loads(value)
    return fields


def run_reluflow(binary, scenario, folder, cap):
    seconds, memory, status = timed([str(binary), "run", str(scenario), "--out", str(folder), "--quiet", "--force"], cap)
    summary = summary_fields(folder / "summary.json",
                             {"status", "final_time", "steps", "rhs_evaluations", "event_resteps", "transitions"})
    return {"seconds": seconds, "memory_mb": memory, "status": summary.get("status"),
            "final_time": summary.get("final_time"), "steps": summary.get("steps"),
            "rhs_evaluations": summary.get("rhs_evaluations"),
            "event_resteps": summary.get("event_resteps"), "events": summary.get("transitions")}


def run_cvode(binary, case_folder, end_time, rtol, atol, cap, out):
    with open(out, "w") as sink:
        seconds, memory, _ = timed([str(binary), str(case_folder / "data.csv"), str(case_folder / "init.json"),
                                    end_time, rtol, atol, "adams", "--max-wall", str(cap)], cap + 30, stdout=sink)
    result = json.loads(pathlib.Path(out).read_text())
    return {"seconds": seconds, "memory_mb": memory, "status": result.get("status"),
            "rhs_evaluations": result.get("rhs_evaluations"), "events": len(result.get("events", []))}


def same_events(cvode_json, run_folder):
    """compare.py's verdict: the same event sequence, times within its tolerance."""
    check = subprocess.run([sys.executable, str(PEERS / "compare.py"), str(cvode_json), str(run_folder)],
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return "yes" if check.returncode == 0 else "NO"


def median_run(runs):
    """The run with the median wall time (its own counts go with it)."""
    ordered = sorted(runs, key=lambda r: r["seconds"])
    return ordered[len(ordered) // 2]


def per_event(value, events):
    return f"{value / events:.1f}" if value is not None and events else "–"


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter, epilog=__doc__)
    parser.add_argument("--cases", default=",".join([*GENERATED, *BUNDLED]))
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--cap", type=float, default=600.0, help="seconds before a run gets SIGINT")
    parser.add_argument("--peers", action="store_true", help="also run CVODE on the generated cases")
    parser.add_argument("--workdir", type=pathlib.Path, default=ROOT / ".build-bench")
    parser.add_argument("--binary", type=pathlib.Path, help="reluflow to time (default: build release)")
    parser.add_argument("--markdown", type=pathlib.Path, help="also write the table to this file")
    args = parser.parse_args()

    cases = [c for c in args.cases.split(",") if c]
    unknown = [c for c in cases if c not in GENERATED and c not in BUNDLED]
    if unknown:
        parser.error(f"unknown case(s) {', '.join(unknown)}; known: {', '.join([*GENERATED, *BUNDLED])}")
    binary = release_binary(args.binary)
    cvode = build_cvode(args.workdir) if args.peers else None

    header = ("| case | status | t reached / t_end | wall s | steps | field evals | re-steps | events "
              "| re-steps/event | evals/event | peak MB |")
    if args.peers:
        header += " CVODE s | CVODE evals | time ratio | evals ratio | same events |"
    rows = [header, "|" + "---|" * (header.count("|") - 1)]
    for case in cases:
        if case in GENERATED:
            folder = generate(case, args.workdir)
            scenario = folder / "scenario.yaml"
        else:
            folder, scenario = None, ROOT / "scenarios" / BUNDLED[case]
        end_time = scenario_end_time(scenario)
        ours, theirs = [], []
        for attempt in range(args.repeat):
            print(f"{case}: run {attempt + 1} of {args.repeat}", file=sys.stderr)
            ours.append(run_reluflow(binary, scenario, args.workdir / "runs" / case, args.cap))
            if cvode and folder is not None:
                theirs.append(run_cvode(cvode, folder, end_time, "1e-10", "1e-12", args.cap,
                                        args.workdir / "runs" / f"{case}-cvode.json"))
        mine = median_run(ours)
        row = (f"| {case} | {mine['status']} | {mine['final_time']:.4g} / {float(end_time):.4g} "
               f"| {statistics.median(r['seconds'] for r in ours):.2f} | {mine['steps']} | {mine['rhs_evaluations']} "
               f"| {mine['event_resteps']} | {mine['events']} | {per_event(mine['event_resteps'], mine['events'])} "
               f"| {per_event(mine['rhs_evaluations'], mine['events'])} | {max(r['memory_mb'] for r in ours):.0f} |")
        if args.peers:
            if theirs:
                peer = median_run(theirs)
                peer_seconds = statistics.median(r["seconds"] for r in theirs)
                our_seconds = statistics.median(r["seconds"] for r in ours)
                verdict = same_events(args.workdir / "runs" / f"{case}-cvode.json", args.workdir / "runs" / case)
                row += (f" {peer_seconds:.2f} | {peer['rhs_evaluations']} | {our_seconds / peer_seconds:.2f} "
                        f"| {mine['rhs_evaluations'] / peer['rhs_evaluations']:.2f} | {verdict} |")
            else:
                row += " – | – | – | – | – |"
        rows.append(row)
        print(row, flush=True)
    print_table(rows, args.markdown)


if __name__ == "__main__":
    main()
