#!/usr/bin/env bash
# The 32-point sweep sweeps/teacher-student-seeds.yaml at --jobs 1 and at --jobs 2:
# wall times and their ratio; the issue's target is at most 0.6 on two cores. Usage: tools/sweep-benchmark.sh [reluflow binary]
# (default: .build/release/reluflow). The tables of both runs must agree but for wall time.
set -euo pipefail
reluflow=${1:-$(dirname "$0")/../.build/release/reluflow}
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
sweep=$(dirname "$0")/../sweeps/teacher-student-seeds.yaml
seconds() {
  local start end
  start=$(date +%s.%N)
  "$reluflow" sweep "$sweep" --out "$scratch/jobs$1" --jobs "$1" --quiet > /dev/null || true
  end=$(date +%s.%N)
  echo "$end - $start" | bc -l
}
one=$(seconds 1)
two=$(seconds 2)
strip() { sed 's/,[^,]*$//' "$scratch/jobs$1/sweep.csv"; }
if diff <(strip 1) <(strip 2) > /dev/null; then same=yes; else same=NO; fi
printf 'points: 32   --jobs 1: %.2f s   --jobs 2: %.2f s   ratio: %.2f (target <= 0.60)   same table: %s\n' \
  "$one" "$two" "$(echo "$two / $one" | bc -l)" "$same"
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) cores (other work on the machine slows --jobs 2 more than --jobs 1)"
