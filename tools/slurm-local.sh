#!/usr/bin/env bash
# A single-node Slurm on this machine, to run a sweep as a real job array:
#   apt-get install slurm-wlm munge   (Debian), then, as root: tools/slurm-local.sh [reluflow binary]
# Starts munged, slurmctld and slurmd (foreground daemons, in the background of this script,
# with a minimal slurm.conf under a scratch folder), submits a 3-task array with
# `reluflow sweep --emit-slurm` for sweeps/teacher-student-seeds.yaml, waits, collects,
# runs the same sweep locally and compares the two sweep.csv tables (all but the wall-time
# column). Stops the daemons it started.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
reluflow=$(readlink -f "${1:-$here/.build/release/reluflow}")
work=$(mktemp -d /tmp/slurm-local.XXXXXX)
conf=$work/slurm.conf
export SLURM_CONF=$conf
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
}
trap cleanup EXIT

node=$(hostname -s)
cpus=$(nproc)
memory=$(( $(awk '/MemTotal/ {print $2}' /proc/meminfo) / 1024 / 2 ))
mkdir -p "$work/state" "$work/spool" "$work/munge"
cat > "$conf" <<CONF
ClusterName=reluflow-local
SlurmctldHost=$node
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
StateSaveLocation=$work/state
SlurmdSpoolDir=$work/spool
SlurmctldPidFile=$work/slurmctld.pid
SlurmdPidFile=$work/slurmd.pid
SlurmctldLogFile=$work/slurmctld.log
SlurmdLogFile=$work/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
ReturnToService=2
MpiDefault=none
NodeName=$node CPUs=$cpus RealMemory=$memory State=UNKNOWN
PartitionName=local Nodes=$node Default=YES MaxTime=INFINITE State=UP
CONF

echo "== starting munged, slurmctld, slurmd ($work)"
munged --foreground --force --socket="$work/munge/munge.socket.2" --pid-file="$work/munge/munged.pid" \
  --log-file="$work/munge/munged.log" --seed-file="$work/munge/munged.seed" &
pids+=($!)
sleep 1
# Slurm's munge plugins find the socket through this option.
echo "AuthInfo=socket=$work/munge/munge.socket.2" >> "$conf"
slurmctld -D -f "$conf" > "$work/slurmctld.out" 2>&1 &
pids+=($!)
slurmd -D -f "$conf" > "$work/slurmd.out" 2>&1 &
pids+=($!)
for _ in $(seq 60); do
  if sinfo -h -o '%T' 2>/dev/null | grep -qE '^idle'; then break; fi
  sleep 1
done
sinfo

sweep=$here/sweeps/teacher-student-seeds.yaml

echo "== emitting and submitting the job array"
"$reluflow" sweep "$sweep" --out "$work/cluster" --emit-slurm "$work/sweep.sbatch" --array-tasks 3 --time 00:10:00 --mem 500M
cat "$work/sweep.sbatch"
sbatch --wait "$work/sweep.sbatch" || echo "(a task exited non-zero: some of its points failed; the table says which)"
echo "== task logs"
for log in "$work"/cluster/slurm/*.out; do echo "--- $(basename "$log")"; cat "$log"; done
echo "== collect"
"$reluflow" sweep collect "$work/cluster" || true
echo "== the same sweep locally"
"$reluflow" sweep "$sweep" --out "$work/local" --quiet || true
strip() { sed 's/,[^,]*$//' "$1"; }
if diff <(strip "$work/cluster/sweep.csv") <(strip "$work/local/sweep.csv"); then
  echo "== RESULT: the Slurm array's sweep.csv equals the local one (wall time aside): $(($(wc -l < "$work/local/sweep.csv") - 1)) points"
else
  echo "== RESULT: the tables DIFFER"; exit 1
fi
