#!/usr/bin/env bash
# The README's test command: every test, unit and integration (real OpenSSH lab hosts + the RKE2 simulator).
# Ends with one line of totals, "N passed, N failed", summed over every test assembly.
set -uo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
cd "$repo"

"$repo/lab/lab.sh" setup || exit 1
"$repo/lab/lab.sh" build || exit 1
"$repo/lab/lab.sh" down --all >/dev/null 2>&1 || true

log=$(mktemp)
dotnet test Rke2Converge.sln -c Debug --logger "console;verbosity=normal" 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
"$repo/lab/lab.sh" down --all >/dev/null 2>&1 || true

# dotnet test closes each assembly with "Total tests: N" then indented "Passed: N" / "Failed: N" lines.
read -r passed failed assemblies < <(awk '
    /^Total tests:/ { n++; inside = 1; next }
    inside && /^ +Passed: +[0-9]+/ { p += $2 }
    inside && /^ +Failed: +[0-9]+/ { f += $2 }
    inside && !/^ +[A-Za-z ]+: / { inside = 0 }
    END { printf "%d %d %d\n", p, f, n }' "$log")
rm -f "$log"
passed=${passed:-0}
failed=${failed:-0}
# A build failure or a crashed test host prints no summary for its assembly: count it as a failure.
if [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; then failed=1; fi
if [ "$assemblies" -lt 2 ] && [ "$failed" -eq 0 ]; then failed=1; fi
echo
echo "$passed passed, $failed failed"
[ "$status" -eq 0 ] && [ "$failed" -eq 0 ]
