#!/usr/bin/env bash
# Runs the test suite (tests/run.sh) next to a CPU hog that keeps every core busy, to check that the suite holds on
# a loaded machine. The hog is one busy loop per core at nice 0 (as busy as the tests themselves), each bounded by
# --max-minutes and killed when this script exits, however it exits.
#   tests/under-load.sh                          # the whole suite
#   tests/under-load.sh --max-minutes 10 -- dotnet test tests/Rke2Converge.IntegrationTests --filter X
# Prints the load average before and after, the wall time and the totals.
set -uo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
cd "$repo"

max_minutes=90
hogs_per_core=1
while (($#)); do
  case $1 in
    --max-minutes) max_minutes=$2; shift 2 ;;
    --hogs-per-core) hogs_per_core=$2; shift 2 ;;
    --) shift; break ;;
    *) echo "usage: tests/under-load.sh [--max-minutes N] [--hogs-per-core N] [-- command...]" >&2; exit 2 ;;
  esac
done
command=("$@")
((${#command[@]})) || command=(bash "$repo/tests/run.sh")

hogs=()
stop_hogs() {
  ((${#hogs[@]})) || return 0
  kill -TERM "${hogs[@]}" 2>/dev/null
  wait "${hogs[@]}" 2>/dev/null
  hogs=()
}
trap stop_hogs EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

cores=$(nproc)
echo "under-load: load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
for ((i = 0; i < cores * hogs_per_core; i++)); do
  timeout "${max_minutes}m" nice -n 0 sh -c 'while :; do :; done' &
  hogs+=($!)
done
echo "under-load: ${#hogs[@]} busy loop(s) on $cores core(s), stopped after ${max_minutes} min at most"
echo "under-load: running ${command[*]}"

log=$(mktemp)
start=$SECONDS
"${command[@]}" 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
elapsed=$((SECONDS - start))
echo
echo "under-load: load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
stop_hogs
totals=$(grep -E '^[0-9]+ passed, [0-9]+ failed$' "$log" | tail -n 1)
rm -f "$log"
echo "under-load: exit $status after $((elapsed / 60))m$((elapsed % 60))s${totals:+; $totals}"
exit "$status"
