#!/usr/bin/env bash
# Publishes rke2c into DIR, precompiled (ReadyToRun): a CLI started for every plan should not pay for JIT each time.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
out=${1:?usage: tools/publish-rke2c.sh DIR}
dotnet publish "$repo/src/Rke2Converge.Cli" -c Release -r linux-x64 --self-contained false -p:PublishReadyToRun=true \
  -o "$out" -v quiet -nologo
