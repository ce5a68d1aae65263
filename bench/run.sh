#!/usr/bin/env bash
# Side-by-side benchmark, in one run on the same lab hosts, columns alternated round by round so machine drift
# spreads over all of them:
#   - warm `rke2c plan` (no drift; compiled playbook cached, SSH masters up) on each size in BENCH_SIZES, over the
#     OpenSSH transport and over SSH.NET (--transport sshnet), and a cold OpenSSH plan (rke2c's masters closed first:
#     every connection fresh, as SSH.NET's always are); SSH.NET once more with a classical key exchange chosen in
#     ssh_config (KexAlgorithms curve25519-sha256) to show what the default post-quantum one costs in managed code;
#   - `ansible-playbook --check bench/ansible/reads.yml`: the same reads (pipelining, ControlPersist, forks = hosts);
#   - three floors: N parallel one-shot `ssh host true`, and N parallel one-shot `ssh host <the fact command rke2c
#     sends>` (captured from rke2c's own ssh invocations), both on fresh connections; and the warm floor, that same
#     fact command sent in parallel over the ssh masters rke2c's warm plan left open: what a warm plan cannot go
#     below, so the ratio to it is what rke2c itself adds;
#   - start-up: `rke2c --version` and a cached `rke2c validate`, the single-file binary (tools/release.sh, or
#     BENCH_BINARY) against the `dotnet tool install` of the same version;
#   - a scale point: BENCH_BIG fresh hosts (no RKE2: a plan of fresh hosts reads the same facts), with its floors, over
#     as many labs of at most 250 hosts as it takes (nets BENCH_BIG_NET, BENCH_BIG_NET+1, ...), and the load average
#     beside it;
#   - peak RSS and CPU (user + system) of every rke2c run, and rollout overhead per node (converge time minus gate
#     waits) from the bootstrap.
# Prints one table (runs, median, min-max, CPU, peak RSS) with ratios, and the load average before and after.
#   BENCH_SIZES="20 50" BENCH_RUNS=5 BENCH_ANSIBLE_RUNS=3 BENCH_BIG=200 bash bench/run.sh
# BENCH_BIG=0 skips the scale point; BENCH_ANSIBLE_RUNS=0 skips Ansible; BENCH_STARTUP=0 skips the start-up rows.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
sizes=(${BENCH_SIZES:-20 50})
runs=${BENCH_RUNS:-5}
ansible_runs=${BENCH_ANSIBLE_RUNS:-3}
big=${BENCH_BIG:-200}
net=${BENCH_NET:-40}
big_net=${BENCH_BIG_NET:-41}
startup=${BENCH_STARTUP:-1}
largest=$(printf '%s\n' "${sizes[@]}" | sort -n | tail -n 1)
load_before=$(cut -d' ' -f1-3 /proc/loadavg)

# ------------------------------------------------------------------------------------------------ prerequisites
"$repo/lab/lab.sh" setup >/dev/null
need=()
command -v /usr/bin/time >/dev/null || need+=(time)
if ((ansible_runs > 0)) && ! command -v ansible-playbook >/dev/null; then need+=(ansible); fi
if ((${#need[@]})); then
  echo "bench: installing ${need[*]}" >&2
  DEBIAN_FRONTEND=noninteractive timeout 600 apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive timeout 900 apt-get install -y --no-install-recommends "${need[@]}" >&2
fi
"$repo/lab/lab.sh" build >/dev/null
publish_log=$(mktemp)
"$repo/tools/publish-rke2c.sh" "$repo/.lab/rke2c" > "$publish_log" 2>&1 || { cat "$publish_log" >&2; echo "bench: publishing rke2c failed" >&2; exit 1; }
rm -f "$publish_log"
rke2c=("$repo/.lab/rke2c/rke2c")
yes=()
"${rke2c[@]}" apply --help 2>/dev/null | grep -q -- '--yes' && yes=(--yes)

work=$(mktemp -d /tmp/rke2c-bench.XXXXXX)
labs=()
cleanup() {
  local name
  for name in "${labs[@]}"; do "$repo/lab/lab.sh" down --name "$name" >/dev/null 2>&1 || true; done
  rm -rf "$work"
}
trap cleanup EXIT

up() { # NAME HOSTS NET
  "$repo/lab/lab.sh" down --name "$1" >/dev/null 2>&1 || true
  labs+=("$1")
  "$repo/lab/lab.sh" up --name "$1" --hosts "$2" --net "$3" --time-scale "${BENCH_TIME_SCALE:-0.02}" >/dev/null
}

now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.3f\n", b - a }'; }

# Every measurement appends "column<TAB>seconds<TAB>rss_kb<TAB>cpu_seconds" to $work/results.
record() { printf '%s\t%s\t%s\t%s\n' "$1" "$2" "${3:-}" "${4:-}" >> "$work/results"; }

# "address key" per host: the first N hosts of the labs named, in order.
host_list() { # N LAB...
  local n=$1 name dir net size i
  shift
  for name in "$@"; do
    dir=$repo/.lab/labs/$name
    net=$(sed -n 's/^RKE2C_LAB_NET=//p' "$dir/env")
    size=$(sed -n 's/^RKE2C_LAB_HOSTS=//p' "$dir/env")
    for ((i = 1; i <= size && n > 0; i++, n--)); do echo "127.${RKE2C_LAB_BLOCK:-0}.$net.$i $dir/id_ed25519"; done
  done
}

ssh_opts() { # KNOWN_HOSTS KEY
  echo -o BatchMode=yes -o StrictHostKeyChecking=yes -o "UserKnownHostsFile=$1" -o ControlMaster=no -o ControlPath=none -i "$2"
}

floor_true() { # COLUMN HOST_LIST KNOWN_HOSTS
  local start address key
  start=$(now)
  while read -r address key; do
    # shellcheck disable=SC2046
    ssh -n $(ssh_opts "$3" "$key") "root@$address" true &
  done < "$2"
  wait
  record "$1" "$(elapsed "$start")"
}

floor_facts() { # COLUMN HOST_LIST KNOWN_HOSTS CAPTURED_DIR
  local start address key
  start=$(now)
  while read -r address key; do
    # shellcheck disable=SC2046
    ssh -n $(ssh_opts "$3" "$key") "root@$address" "$(cat "$4/$address")" >/dev/null &
  done < "$2"
  wait
  record "$1" "$(elapsed "$start")"
}

# The warm floor: the same fact command over already-open masters, so no handshake is paid: the least a warm plan
# can take. The bench opens its own masters first (untimed; rke2c names its sockets by a hash of its own), then times
# the command over them, then closes them.
floor_warm() { # COLUMN HOST_LIST KNOWN_HOSTS CAPTURED_DIR
  local start address key masters
  masters=$(mktemp -d /tmp/rke2c-bench-cm.XXXXXX)
  while read -r address key; do
    ssh -n -o BatchMode=yes -o StrictHostKeyChecking=yes -o "UserKnownHostsFile=$3" -o ControlMaster=auto \
      -o ControlPersist=120 -o "ControlPath=$masters/%C" -i "$key" "root@$address" true >/dev/null 2>&1 &
  done < "$2"
  wait
  start=$(now)
  while read -r address key; do
    ssh -n -o BatchMode=yes -o StrictHostKeyChecking=yes -o "UserKnownHostsFile=$3" -o ControlMaster=no \
      -o "ControlPath=$masters/%C" -i "$key" "root@$address" "$(cat "$4/$address")" >/dev/null &
  done < "$2"
  wait
  record "$1" "$(elapsed "$start")"
  while read -r address key; do
    ssh -o "ControlPath=$masters/%C" -O exit "root@$address" >/dev/null 2>&1 || true
  done < "$2"
  rm -rf "$masters"
}

# One rke2c run timed: wall, peak RSS and CPU. EXPECTED_EXIT checked.
timed() { # COLUMN EXPECTED_EXIT COMMAND...
  local column=$1 expected=$2 start code
  shift 2
  start=$(now)
  set +e
  /usr/bin/time -f '%M %U %S' -o "$work/time" "$@" > "$work/timed.out" 2>&1
  code=$?
  set -e
  local seconds
  seconds=$(elapsed "$start")
  [ "$code" -eq "$expected" ] || { echo "bench: $column exited $code (expected $expected):" >&2; tail -n 20 "$work/timed.out" >&2; exit 1; }
  read -r rss user sys < <(tail -n 1 "$work/time")
  record "$column" "$seconds" "$rss" "$(awk -v u="$user" -v s="$sys" 'BEGIN { printf "%.3f", u + s }')"
}

# rke2c keeps one ssh master per host in a directory per network namespace (OpenSshOptions.DefaultControlDirectory).
masters_dir() { echo "/tmp/rke2c-$(id -u)/cm-$(readlink /proc/self/ns/net | tr -dc 0-9)"; }

masters_up() { find "$(masters_dir)" -maxdepth 1 -type s 2>/dev/null | wc -l; }

close_masters() {
  local socket
  for socket in "$(masters_dir)"/*; do
    [ -S "$socket" ] && timeout 15 ssh -S "$socket" -O exit rke2c-bench >/dev/null 2>&1 &
  done
  wait
}

# A plan with no drift exits 0; fresh hosts (the scale point) exit 2. Anything else stops the bench.
plan() { # COLUMN HOSTS EXPECTED_EXIT PLAYBOOK [ARGS...]
  local column=$1 hosts=$2 expected=$3 playbook=$4
  shift 4
  RKE2C_BENCH_HOSTS=$hosts timed "$column" "$expected" "${rke2c[@]}" plan "$playbook" "$@"
}

ansible_run() { # COLUMN INVENTORY
  local start
  start=$(now)
  ANSIBLE_CONFIG="$work/ansible.cfg" ansible-playbook --check -i "$2" "$repo/bench/ansible/reads.yml" \
    -e "@$work/sysctls.json" > "$work/ansible.out" 2>&1 || { echo "bench: ansible-playbook failed:" >&2; tail -n 30 "$work/ansible.out" >&2; exit 1; }
  record "$1" "$(elapsed "$start")"
}

# The exact command rke2c sends for facts, per host: a PATH wrapper around ssh keeps each invocation's remote command.
capture_fact_commands() { # HOSTS PLAYBOOK EXPECTED_EXIT DIR
  mkdir -p "$4" "$work/wrap"
  cat > "$work/wrap/ssh" <<EOF
#!/usr/bin/env bash
args=("\$@")
for ((i = 0; i < \${#args[@]}; i++)); do
  if [ "\${args[i]}" = "--" ] && ((i + 2 < \${#args[@]})); then
    printf '%s' "\${args[i+2]}" > "$4/\${args[i+1]}.\$\$"
  fi
done
exec /usr/bin/ssh "\$@"
EOF
  chmod +x "$work/wrap/ssh"
  set +e
  PATH="$work/wrap:$PATH" RKE2C_BENCH_HOSTS=$1 "${rke2c[@]}" plan "$2" >/dev/null 2>&1
  local code=$?
  set -e
  [ "$code" -eq "$3" ] || { echo "bench: capturing the fact commands: plan exited $code" >&2; exit 1; }
  # Keep the longest command per host: the fact script (the others are master checks with no command).
  local address
  for address in $(ls "$4" | sed 's/\.[0-9]*$//' | sort -u); do
    ls -S "$4/$address".* | head -n 1 | xargs -I{} mv {} "$4/$address"
    rm -f "$4/$address".*
  done
}

write_inventory() { # NET N FILE
  { echo "[all]"; for ((i = 1; i <= $2; i++)); do echo "h$i ansible_host=127.${RKE2C_LAB_BLOCK:-0}.$1.$i"; done
    echo "[all:vars]"; echo "ansible_user=root"; echo "ansible_ssh_private_key_file=$RKE2C_LAB_KEY"; } > "$3"
}

# ------------------------------------------------------------------------------------------------ the cluster
echo "bench: lab of $largest hosts, bootstrapping 1 server + $((largest - 1)) agents (one at a time)" >&2
up bench "$largest" "$net"
set -a
. "$repo/.lab/labs/bench/env"
set +a
export RKE2C_LAB_ARTIFACTS="$repo/.lab/artifacts" RKE2_TOKEN=bench-token-0123456789 RKE2C_CACHE_DIR="$RKE2C_LAB_DIR/cache"
playbook="$repo/bench/bench.csx"
RKE2C_BENCH_HOSTS=$largest "${rke2c[@]}" apply "$playbook" "${yes[@]}" -o json > "$work/apply.json" 2>"$work/apply.err" \
  || { tail -n 30 "$work/apply.err" >&2; exit 1; }
overhead=$(python3 - "$work/apply.json" <<'PY'
import json, sys, statistics
nodes = [n for n in json.load(open(sys.argv[1]))["result"]["nodes"] if n["outcome"] == "converged"]
overhead = [n["seconds"] - n["gateSeconds"] for n in nodes]
print(f"{len(nodes)} nodes: median {statistics.median(overhead):.2f} s, mean {statistics.mean(overhead):.2f} s, max {max(overhead):.2f} s")
PY
)
sed -e "s|@FORKS@|$largest|" -e "s|@KNOWN_HOSTS@|$RKE2C_LAB_KNOWN_HOSTS|" -e "s|@CONTROL_DIR@|$work/ansible-cp|" \
  "$repo/bench/ansible/ansible.cfg.in" > "$work/ansible.cfg"
python3 - "$work/sysctls.json" <<'PY'
import json, sys
json.dump({"sysctls": {"vm.swappiness": "10", "kernel.panic": "10", "kernel.panic_on_oops": "1",
                       "vm.overcommit_memory": "1", "vm.panic_on_oom": "0"}}, open(sys.argv[1], "w"))
PY
mkdir -p "$work/classical/.ssh"
printf 'Host *\n  KexAlgorithms curve25519-sha256\n' > "$work/classical/.ssh/config"
for n in "${sizes[@]}"; do
  host_list "$n" bench > "$work/hosts-$n"
  write_inventory "$net" "$n" "$work/inventory-$n"
  capture_fact_commands "$n" "$playbook" 0 "$work/facts-$n"
  RKE2C_BENCH_HOSTS=$n "${rke2c[@]}" plan "$playbook" >/dev/null 2>&1 || true                      # warm: masters up
  RKE2C_BENCH_HOSTS=$n "${rke2c[@]}" plan "$playbook" --transport sshnet >/dev/null 2>&1 || true
  HOME=$work/classical RKE2C_BENCH_HOSTS=$n "${rke2c[@]}" plan "$playbook" --transport sshnet >/dev/null 2>&1 || true
  if ((ansible_runs > 0)); then ansible_run "warmup" "$work/inventory-$n"; fi
done
sed -i '/^warmup\t/d' "$work/results" 2>/dev/null || true

for ((r = 1; r <= runs; r++)); do
  echo "bench: round $r of $runs (load $(cut -d' ' -f1 /proc/loadavg))" >&2
  for n in "${sizes[@]}"; do
    floor_true "$n|floor: ssh true" "$work/hosts-$n" "$RKE2C_LAB_KNOWN_HOSTS"
    # Cold first, with every master closed (they cannot be told apart by host); the warm run then finds this size's up.
    close_masters
    plan "$n|rke2c plan (openssh, cold)" "$n" 0 "$playbook"
    up_before=$(masters_up)
    ((up_before >= n)) || echo "bench: only $up_before ssh masters up before the warm $n-host plan" >&2
    plan "$n|rke2c plan (openssh)" "$n" 0 "$playbook"
    floor_warm "$n|warm floor: fact script over open masters" "$work/hosts-$n" "$RKE2C_LAB_KNOWN_HOSTS" "$work/facts-$n"
    floor_facts "$n|floor: ssh fact script" "$work/hosts-$n" "$RKE2C_LAB_KNOWN_HOSTS" "$work/facts-$n"
    plan "$n|rke2c plan (sshnet)" "$n" 0 "$playbook" --transport sshnet
    HOME=$work/classical plan "$n|rke2c plan (sshnet, curve25519 kex)" "$n" 0 "$playbook" --transport sshnet
    if ((r <= ansible_runs)); then ansible_run "$n|ansible-playbook --check" "$work/inventory-$n"; fi
  done
done

# ------------------------------------------------------------------------------------------------ start-up
# The same cached playbook through the single-file binary and through the dotnet tool (each with its own cache, warmed
# first): `--version` is the bare start-up, `validate` adds loading the compiled playbook and checking the model.
if ((startup)); then
  version=$(sed -n 's:.*<Version>\(.*\)</Version>.*:\1:p' "$repo/Directory.Build.props")
  binary=${BENCH_BINARY:-}
  if [[ -z $binary ]]; then
    echo "bench: building the single-file binary (tools/release.sh, linux-x64)" >&2
    RKE2C_RELEASE_RIDS=linux-x64 "$repo/tools/release.sh" "$work/dist" > "$work/release.log" 2>&1 || { tail -n 30 "$work/release.log" >&2; exit 1; }
    binary=$work/dist/rke2c-$version-linux-x64
  fi
  echo "bench: installing the dotnet tool" >&2
  dotnet pack "$repo/src/Rke2Converge.Cli" -c Release -o "$work/nupkg" -v quiet -nologo > "$work/pack.log" 2>&1 || { tail -n 30 "$work/pack.log" >&2; exit 1; }
  dotnet tool install rke2c --version "$version" --tool-path "$work/tool" --add-source "$work/nupkg" > "$work/pack.log" 2>&1 \
    || { tail -n 30 "$work/pack.log" >&2; exit 1; }
  for kind in binary tool; do
    if [[ $kind == binary ]]; then exe=$binary; else exe=$work/tool/rke2c; fi
    RKE2C_CACHE_DIR=$work/cache-$kind RKE2C_BENCH_HOSTS=20 "$exe" validate "$playbook" >/dev/null 2>&1 || true
  done
  for ((r = 1; r <= runs; r++)); do
    for kind in binary tool; do
      if [[ $kind == binary ]]; then exe=$binary; else exe=$work/tool/rke2c; fi
      timed "start|rke2c --version ($kind)" 0 "$exe" --version
      RKE2C_CACHE_DIR=$work/cache-$kind RKE2C_BENCH_HOSTS=20 timed "start|rke2c validate, cached ($kind)" 0 "$exe" validate "$playbook"
    done
  done
fi
"$repo/lab/lab.sh" down --name bench >/dev/null 2>&1 || true

# ------------------------------------------------------------------------------------------------ scale point
big_load=""
if ((big > 0)); then
  echo "bench: scale point, $big fresh hosts" >&2
  big_labs=()
  for ((j = 0; j * 250 < big; j++)); do
    size=$((big - j * 250 > 250 ? 250 : big - j * 250))
    up "bench-big-$j" "$size" "$((big_net + j))"
    big_labs+=("bench-big-$j")
  done
  set -a
  . "$repo/.lab/labs/bench-big-0/env"
  set +a
  host_list "$big" "${big_labs[@]}" > "$work/hosts-big"
  RKE2C_BENCH_KNOWN_HOSTS=$work/known_hosts-big
  RKE2C_BENCH_LABS=$(for name in "${big_labs[@]}"; do printf '%s ' "$repo/.lab/labs/$name"; done)
  for name in "${big_labs[@]}"; do cat "$repo/.lab/labs/$name/known_hosts"; done > "$RKE2C_BENCH_KNOWN_HOSTS"
  export RKE2C_CACHE_DIR="$RKE2C_LAB_DIR/cache" RKE2C_BENCH_LABS RKE2C_BENCH_KNOWN_HOSTS
  big_load="load average at the start of the $big-host point $(cut -d' ' -f1-3 /proc/loadavg)"
  capture_fact_commands "$big" "$playbook" 2 "$work/facts-big"
  plan "cold" "$big" 2 "$playbook"
  for ((r = 1; r <= runs; r++)); do
    floor_true "$big|floor: ssh true" "$work/hosts-big" "$RKE2C_BENCH_KNOWN_HOSTS"
    plan "$big|rke2c plan (openssh)" "$big" 2 "$playbook"
    floor_warm "$big|warm floor: fact script over open masters" "$work/hosts-big" "$RKE2C_BENCH_KNOWN_HOSTS" "$work/facts-big"
    floor_facts "$big|floor: ssh fact script" "$work/hosts-big" "$RKE2C_BENCH_KNOWN_HOSTS" "$work/facts-big"
    plan "$big|rke2c plan (openssh, --parallel $big)" "$big" 2 "$playbook" --parallel "$big"
  done
  sed -i '/^cold\t/d' "$work/results"
  big_load="$big_load, at its end $(cut -d' ' -f1-3 /proc/loadavg)"
  for name in "${big_labs[@]}"; do "$repo/lab/lab.sh" down --name "$name" >/dev/null 2>&1 || true; done
  unset RKE2C_BENCH_LABS RKE2C_BENCH_KNOWN_HOSTS
fi

# ------------------------------------------------------------------------------------------------ the table
python3 - "$work/results" "$load_before" "$(cut -d' ' -f1-3 /proc/loadavg)" "$(nproc)" "$overhead" "$big_load" <<'PY'
import sys, statistics, collections
rows = collections.OrderedDict()
for line in open(sys.argv[1]):
    column, seconds, rss, cpu = (line.rstrip("\n").split("\t") + ["", ""])[:4]
    rows.setdefault(column, []).append((float(seconds), int(rss) if rss else None, float(cpu) if cpu else None))
med = {k: statistics.median(s for s, _, _ in v) for k, v in rows.items()}
print(f"\nbench: {sys.argv[4]} cores; load average before {sys.argv[2]}, after {sys.argv[3]}")
if sys.argv[6]: print(f"bench: {sys.argv[6]}")
print(f"{'hosts':>5}  {'what':<44} {'runs':>4} {'median':>8} {'min-max':>14} {'CPU':>7} {'peak RSS':>9}")
for key, values in rows.items():
    hosts, what = key.split("|", 1)
    seconds = [s for s, _, _ in values]
    rss = [r for _, r, _ in values if r]
    cpu = [c for _, _, c in values if c is not None]
    peak = f"{max(rss) // 1024} MB" if rss else ""
    cpu_median = f"{statistics.median(cpu):.2f}s" if cpu else ""
    print(f"{hosts:>5}  {what:<44} {len(values):>4} {med[key]:>7.2f}s {f'{min(seconds):.2f}-{max(seconds):.2f} s':>14} {cpu_median:>7} {peak:>9}")
print("ratios (medians):")
for hosts in dict.fromkeys(k.split("|", 1)[0] for k in rows if not k.startswith("start|")):
    def m(what): return med.get(f"{hosts}|{what}")
    plan, sshnet, ansible = m("rke2c plan (openssh)"), m("rke2c plan (sshnet)"), m("ansible-playbook --check")
    cold = m("rke2c plan (openssh, cold)")
    floor, facts = m("floor: ssh true"), m("floor: ssh fact script")
    warm = m("warm floor: fact script over open masters")
    parts = []
    if plan and warm: parts.append(f"rke2c / warm floor {plan / warm:.2f}")
    if plan and ansible: parts.append(f"Ansible / rke2c {ansible / plan:.1f}x")
    if plan and floor: parts.append(f"rke2c / ssh-true floor {plan / floor:.2f}")
    if plan and facts: parts.append(f"rke2c / fact-script floor {plan / facts:.2f}")
    if cold and sshnet: parts.append(f"sshnet / openssh cold {sshnet / cold:.2f}")
    if plan and sshnet: parts.append(f"sshnet / openssh warm {sshnet / plan:.2f}")
    classical = m("rke2c plan (sshnet, curve25519 kex)")
    if sshnet and classical: parts.append(f"sshnet curve25519 / sshnet default {classical / sshnet:.2f}")
    wide = m(f"rke2c plan (openssh, --parallel {hosts})")
    if plan and wide: parts.append(f"--parallel {hosts} / default {wide / plan:.2f}")
    print(f"  {hosts:>5} hosts: " + "; ".join(parts))
binary, tool = med.get("start|rke2c --version (binary)"), med.get("start|rke2c --version (tool)")
if binary and tool: print(f"  start-up: --version binary / dotnet tool {binary / tool:.2f}")
vb, vt = med.get("start|rke2c validate, cached (binary)"), med.get("start|rke2c validate, cached (tool)")
if vb and vt: print(f"  start-up: cached validate binary / dotnet tool {vb / vt:.2f}")
print(f"rollout overhead per node (converge time minus gate waits), bootstrap one node at a time: {sys.argv[5]}")
PY
