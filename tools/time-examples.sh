#!/usr/bin/env bash
# Wall time of `reluflow run` on the support-vector examples (release build), best of N runs,
# next to the engine's own time from summary.json.
#   tools/time-examples.sh [N]
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-5}
swift build -c release --product reluflow >/dev/null
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
for scenario in scenarios/support-vectors/*.yaml; do
  python3 - "$scenario" "$out/run" "$runs" <<'PY'
import json, subprocess, sys, time
scenario, folder, runs = sys.argv[1], sys.argv[2], int(sys.argv[3])
best = float("inf")
for _ in range(runs):
    start = time.perf_counter()
    subprocess.run([".build/release/reluflow", "run", scenario, "--out", folder, "--quiet", "--force"], check=True)
    best = min(best, time.perf_counter() - start)
s = json.load(open(f"{folder}/summary.json"))
print(f"{scenario.split('/')[-1]:<34} {best*1e3:6.1f} ms process (best of {runs}); "
      f"{s['wall_seconds']*1e3:.2f} ms engine, {s['steps']} steps, {s['rhs_evaluations']} field evaluations, "
      f"{s['events']} events")
PY
done
