#!/usr/bin/env python3
"""Issue 10's convergence corpus at larger sizes: time to convergence per problem.

    tools/convergence-benchmark.py [--problems p1,ts-m40-n200,...] [--cap 300]
                                   [--workdir .build-convergence] [--binary PATH] [--markdown FILE]

The problems are the families of Tests/ModelsTests/ConvergenceCorpusTests.swift (two-layer
teacher-student and random-label problems on Gaussian inputs, univariate networks in
Williams et al.'s adaptive regime) at sizes beyond CI's, each run with `reluflow run` at the
scenario defaults (rk8pd, rtol 1e-10, atol 1e-12) until the field has converged
(`steady_state: 1e-9`) or to t = 1000; and P1 (gen_p1.py's teacher-student problem, d 10,
n 200, m 50, half_sum) to t = 100 as issue 10 states it, without steady_state. P1's files
are written by ../shared/peers/gen_p1.py into WORKDIR/cases/ (never into the project), the
other scenarios into WORKDIR/scenarios/, the runs into WORKDIR/runs/.

Per problem it prints the run's status, the time reached, the final loss, the transitions
(surface transitions after t = 0), the accepted steps and the wall time of the whole
process, i.e. the time to convergence for a `steady_state` run. A run still going after
--cap seconds gets SIGINT (it then writes what it has) and is reported "not finished in N s".
"""
import argparse
import json
import pathlib
import subprocess
import sys

sys.dont_write_bytecode = True
sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
from benchmark import PEERS, ROOT, print_table, release_binary, timed  # noqa: E402  (the benchmark suite's conventions)

FLOW = "flow: {t_end: 1000, rtol: 1.0e-10, atol: 1.0e-12, stepper: rk8pd, steady_state: 1.0e-9}"


def two_layer(width, samples, dimension, bias, scale, labels, normalization, seed):
    """A two-layer problem on x ~ N(0, I_d); labels 'normal' or a teacher width."""
    label_text = "normal" if labels == "normal" else f"teacher, teacher: {{width: {labels}, bias: true, scale: 1.0}}"
    return (f"model: {{kind: two_layer, width: {width}, bias: {str(bias).lower()}}}\n"
            f"data: {{generator: gaussian, samples: {samples}, dimension: {dimension}, seed: {seed}, "
            f"labels: {label_text}}}\n"
            f"init: {{scheme: gaussian, scale: {scale}, seed: {seed}}}\n"
            f"loss: {{normalization: {normalization}}}\n{FLOW}\n")


def adaptive(width, samples, target, seed):
    """Williams et al.'s adaptive regime: full form, 1/sqrt(m), only (a, b) trained."""
    return (f"model: {{kind: univariate, width: {width}, form: full, scaling: sqrt_m, train: [a, b]}}\n"
            f"data: {{generator: interval, samples: {samples}, lower: -0.9, upper: 0.9, spacing: equispaced, "
            f"target: {target}}}\n"
            f"init: {{scheme: pytorch, seed: {seed}}}\n"
            f"loss: {{normalization: half_sum}}\n{FLOW}\n")


PROBLEMS = {
    "ts-m40-t5-n200-d10-s1e-2-mean": two_layer(40, 200, 10, True, 1e-2, 5, "mean", 31),
    "ts-m60-t10-n300-d20-s1e-3-halfsum": two_layer(60, 300, 20, True, 1e-3, 10, "half_sum", 32),
    "ts-m8-t16-n300-d8-s0.1-under": two_layer(8, 300, 8, False, 0.1, 16, "half_sum", 33),
    "ts-m30-t3-n150-d2-s1e-4-mean": two_layer(30, 150, 2, True, 1e-4, 3, "mean", 34),
    "random-m50-n100-d5-s1e-2-over": two_layer(50, 100, 5, True, 1e-2, "normal", "mean", 35),
    "random-m10-n300-d10-s1-under": two_layer(10, 300, 10, True, 1.0, "normal", "half_sum", 36),
    "adaptive-m60-n20-sine2": adaptive(60, 20, "sine, frequency: 2", 37),
    "adaptive-m100-n30-sine1": adaptive(100, 30, "sine, frequency: 1", 38),
    "adaptive-m50-n16-square1": adaptive(50, 16, "square_wave, frequency: 1", 39),
    "p1-t100": None,   # gen_p1.py P1 --t-end 100
}


def scenario_file(name, workdir):
    if PROBLEMS[name] is None:
        folder = workdir / "cases" / "P1-t100"
        if not (folder / "scenario.yaml").exists():
            folder.parent.mkdir(parents=True, exist_ok=True)
            subprocess.run([sys.executable, str(PEERS / "gen_p1.py"), str(folder), "--t-end", "100"],
                           check=True, stdout=subprocess.DEVNULL)
        return folder / "scenario.yaml"
    path = workdir / "scenarios" / f"{name}.yaml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f"description: convergence corpus at benchmark size, {name}\n" + PROBLEMS[name])
    return path


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter, epilog=__doc__)
    parser.add_argument("--problems", default=",".join(PROBLEMS))
    parser.add_argument("--cap", type=float, default=300.0, help="seconds before a run gets SIGINT")
    parser.add_argument("--workdir", type=pathlib.Path, default=ROOT / ".build-convergence")
    parser.add_argument("--binary", type=pathlib.Path, help="reluflow to run (default: build release)")
    parser.add_argument("--markdown", type=pathlib.Path, help="also write the table to this file")
    args = parser.parse_args()

    names = [p for p in args.problems.split(",") if p]
    unknown = [p for p in names if p not in PROBLEMS]
    if unknown:
        parser.error(f"unknown problem(s) {', '.join(unknown)}; known: {', '.join(PROBLEMS)}")
    binary = release_binary(args.binary)

    rows = ["| problem | status | t reached | final loss | transitions | steps | wall s |", "|---|---|---|---|---|---|---|"]
    for name in names:
        print(f"{name} ...", file=sys.stderr)
        scenario = scenario_file(name, args.workdir)
        folder = args.workdir / "runs" / name
        seconds, _, _ = timed([str(binary), "run", str(scenario), "--out", str(folder), "--quiet", "--force"], args.cap)
        summary = json.loads((folder / "summary.json").read_text())
        status = summary["status"]
        if status == "interrupted":
            status = f"not finished in {args.cap:.0f} s"
        elif status == "failed":
            status = f"failed: {summary.get('error')}"
        rows.append(f"| {name} | {status} | {summary['final_time']:.6g} | {summary['final_loss']:.4g} "
                    f"| {summary['transitions']} | {summary['steps']} | {seconds:.1f} |")
        print(rows[-1], flush=True)
    print_table(rows, args.markdown)


if __name__ == "__main__":
    main()
