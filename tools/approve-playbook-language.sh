#!/usr/bin/env bash
# Approves a change to the playbook language: rewrites the approved public API
# (tests/Rke2Converge.Tests/Playbooks/Language/Rke2Converge.approved.txt) and the generated reference page
# (docs/reference/playbook-api.md) from the engine as built now. Review `git diff` on both, then commit them with the change.
set -euo pipefail
cd "$(dirname "$0")/.."
RKE2C_APPROVE=1 dotnet test tests/Rke2Converge.Tests --filter "FullyQualifiedName~Playbooks.Language.PlaybookLanguageTests" "$@"
git --no-pager diff --stat -- tests/Rke2Converge.Tests/Playbooks/Language/Rke2Converge.approved.txt docs/reference/playbook-api.md
