#!/usr/bin/env bash
# The README's first command: set up what is missing, build rke2c, start five lab hosts and bootstrap a cluster
# on them from playbooks/lab.csx, showing the plan, the gates passing node by node, and a second, empty plan.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
name=${LAB_NAME:-demo}
net=${LAB_NET:-10}

"$repo/lab/lab.sh" setup
"$repo/lab/lab.sh" build
"$repo/tools/publish-rke2c.sh" "$repo/.lab/rke2c"
"$repo/lab/lab.sh" down --name "$name" >/dev/null 2>&1 || true
"$repo/lab/lab.sh" up --name "$name" --hosts 5 --net "$net"

lab_dir=$(sed -n 's/^RKE2C_LAB_DIR=//p' "$repo/.lab/labs/$name/env")
set -a
# shellcheck disable=SC1091
. "$lab_dir/env"
set +a
export RKE2C_LAB_ARTIFACTS="$repo/.lab/artifacts"
token_file="$lab_dir/token"
[ -s "$token_file" ] || head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n' > "$token_file"
RKE2_TOKEN=$(cat "$token_file")
export RKE2_TOKEN
# The registry mirror's password (playbooks/lab.csx reads it with Secret.FromFile).
[ -s "$lab_dir/registry-password" ] || head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n' > "$lab_dir/registry-password"

rke2c() { "$repo/.lab/rke2c/rke2c" "$@"; }
echo "== rke2c plan playbooks/lab.csx"
rke2c plan "$repo/playbooks/lab.csx" || [ $? -eq 2 ]
echo
echo "== rke2c apply --yes playbooks/lab.csx"
rke2c apply --yes "$repo/playbooks/lab.csx"
echo
echo "== rke2c plan again (expect no changes)"
rke2c plan "$repo/playbooks/lab.csx"
echo
echo "== kubectl get nodes (on server-1)"
"$repo/lab/lab.sh" exec --name "$name" --host 1 -- /var/lib/rancher/rke2/bin/kubectl --kubeconfig /etc/rancher/rke2/rke2.yaml get nodes
echo
echo "The lab is still running. Stop it with: lab/lab.sh down --name $name"
