#!/usr/bin/env bash
# Benchmarks, reported in one run on one machine:
#  1. warm `rke2c plan` (compiled playbook cached, SSH masters up, no drift) on 1, 10 and 20 lab hosts, against the
#     floor: 20 parallel plain `ssh host true` (fresh connections, as a script without rke2c would pay);
#     and the same 20-host plan over the in-process SSH.NET transport;
#  2. rollout overhead per node: a node's converge time minus the time its readiness gates spent waiting.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
name=bench
net=${BENCH_NET:-40}
runs=${BENCH_RUNS:-5}

"$repo/lab/lab.sh" setup >/dev/null
"$repo/lab/lab.sh" build >/dev/null
"$repo/tools/publish-rke2c.sh" "$repo/.lab/rke2c" >/dev/null
"$repo/lab/lab.sh" down --name "$name" >/dev/null 2>&1 || true
"$repo/lab/lab.sh" up --name "$name" --hosts 20 --net "$net" --time-scale "${BENCH_TIME_SCALE:-0.02}" >/dev/null
trap '"$repo/lab/lab.sh" down --name "$name" >/dev/null 2>&1 || true' EXIT

set -a
. "$repo/.lab/labs/$name/env"
set +a
export RKE2C_LAB_ARTIFACTS="$repo/.lab/artifacts" RKE2_TOKEN=bench-token-0123456789 RKE2C_CACHE_DIR="$RKE2C_LAB_DIR/cache"
rke2c=("$repo/.lab/rke2c/rke2c")
playbook="$repo/bench/bench.csx"
now() { date +%s.%N; }
median() { sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

echo "== bootstrap: 1 server + 19 agents, agents ${RKE2C_BENCH_BATCH:-1} at a time"
export RKE2C_BENCH_HOSTS=20
"${rke2c[@]}" apply "$playbook" -o json > "$RKE2C_LAB_DIR/apply.json" 2>"$RKE2C_LAB_DIR/apply.err" || { cat "$RKE2C_LAB_DIR/apply.err"; exit 1; }
python3 - "$RKE2C_LAB_DIR/apply.json" <<'PY'
import json, sys, statistics
nodes = [n for n in json.load(open(sys.argv[1]))["result"]["nodes"] if n["outcome"] == "converged"]
overhead = [n["seconds"] - n["gateSeconds"] for n in nodes]
print(f"rollout overhead per node (converge time minus time waiting in gates), {len(nodes)} nodes: "
      f"mean {statistics.mean(overhead):.2f}s, median {statistics.median(overhead):.2f}s, max {max(overhead):.2f}s")
PY

floor() {
  local start end
  start=$(now)
  for i in $(seq 1 20); do
    ssh -o BatchMode=yes -o StrictHostKeyChecking=yes -o UserKnownHostsFile="$RKE2C_LAB_KNOWN_HOSTS" \
        -o ControlMaster=no -o ControlPath=none -i "$RKE2C_LAB_KEY" "root@127.0.$net.$i" true &
  done
  wait
  end=$(now)
  awk -v a="$start" -v b="$end" 'BEGIN { print b - a }'
}

plan_time() {
  local start end code
  start=$(now)
  set +e
  RKE2C_BENCH_HOSTS=$1 "${rke2c[@]}" plan "$playbook" -o json "${@:2}" > /dev/null 2>&1
  code=$?
  set -e
  end=$(now)
  if [ "$code" -ne 0 ]; then echo "plan on $1 hosts exited $code (expected 0: no drift)" >&2; exit 1; fi
  awk -v a="$start" -v b="$end" 'BEGIN { print b - a }'
}

RKE2C_BENCH_HOSTS=20 "${rke2c[@]}" plan "$playbook" >/dev/null 2>&1 || true   # warm: compile cache and SSH masters
floor_s=$(for r in $(seq "$runs"); do floor; done | median)
echo "floor: 20 parallel 'ssh host true': median ${floor_s}s over $runs runs"
for n in 1 10 20; do
  t=$(for r in $(seq "$runs"); do plan_time "$n"; done | median)
  ratio=$(awk -v t="$t" -v f="$floor_s" 'BEGIN { printf "%.2f", t / f }')
  echo "warm plan, $n host(s), no drift: median ${t}s over $runs runs (${ratio}x the floor)"
done
# The in-process transport has no master connections to reuse: every run opens (and key-exchanges) 20 connections.
t=$(for r in $(seq "$runs"); do plan_time 20 --transport sshnet; done | median)
ratio=$(awk -v t="$t" -v f="$floor_s" 'BEGIN { printf "%.2f", t / f }')
echo "plan over SSH.NET (--transport sshnet), 20 hosts, no drift: median ${t}s over $runs runs (${ratio}x the floor)"
/usr/bin/time -f "peak RSS of a warm 20-host plan: %M KB" env RKE2C_BENCH_HOSTS=20 "${rke2c[@]}" plan "$playbook" >/dev/null
