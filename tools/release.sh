#!/usr/bin/env bash
# Builds the release into DIR (default dist/): rke2c as one self-contained file for linux-x64 and linux-arm64, a
# Debian package for each (/usr/bin/rke2c, bash/zsh/fish completions, the rke2c(1) man page, the documentation,
# the licence and third-party notices), and SHA256SUMS. Needs the .NET SDK and dpkg-deb (Debian's dpkg).
#   tools/release.sh [DIR]          RKE2C_RELEASE_RIDS="linux-x64" to build one architecture only,
#                                   RKE2C_RELEASE_R2R=0 to skip ReadyToRun (a faster build of the same program)
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
dist=$(mkdir -p "${1:-$repo/dist}" && cd "${1:-$repo/dist}" && pwd)
rids=${RKE2C_RELEASE_RIDS:-linux-x64 linux-arm64}
version=$(sed -n 's:.*<Version>\(.*\)</Version>.*:\1:p' "$repo/Directory.Build.props")
[[ -n $version ]] || { echo "release.sh: no <Version> in Directory.Build.props" >&2; exit 1; }
command -v dpkg-deb >/dev/null || { echo "release.sh: dpkg-deb is missing (apt-get install dpkg)" >&2; exit 1; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# One file that needs no .NET on the machine: the runtime, Roslyn and the engine are bundled and run from inside the
# file (nothing is unpacked: playbooks compile against reference assemblies and the engine's metadata held in memory,
# see src/Rke2Converge/Playbooks/PlaybookReferences.cs). ReadyToRun: a CLI started for every plan should not JIT its
# start-up each time; rke2c's and its packages' assemblies are compiled one by one (the runtime's already are; see
# docs/benchmarks.md for composite against not). Cross-compiling for linux-arm64 uses the same
# crossgen2 package (it targets every architecture) and the linux-arm64 runtime and apphost packs from the feed.
publish() {
  local r2r=true
  [[ ${RKE2C_RELEASE_R2R:-1} == 0 ]] && r2r=false
  dotnet publish "$repo/src/Rke2Converge.Cli" -c Release -r "$1" --self-contained true \
    -p:PublishSingleFile=true -p:PublishReadyToRun=$r2r -p:PublishReadyToRunComposite=false \
    -p:DebugType=none -o "$2" -v quiet -nologo
  # A single file means one: anything published beside it would be missing from the .deb.
  local extra
  extra=$(find "$2" -mindepth 1 ! -name rke2c -printf '%f ')
  [[ -z $extra ]] || { echo "release.sh: $1: published files beside rke2c: $extra" >&2; exit 1; }
}

deb_arch() { case $1 in linux-x64) echo amd64 ;; linux-arm64) echo arm64 ;; *) echo "release.sh: no Debian architecture for $1" >&2; exit 1 ;; esac; }

# Texts written by rke2c itself (completions, man page) are the same on every architecture: take them from a build
# this machine can run.
host_rid=linux-x64
publish "$host_rid" "$work/$host_rid"
host_rke2c=$work/$host_rid/rke2c
texts=$work/texts
mkdir -p "$texts"
"$host_rke2c" completion bash > "$texts/rke2c.bash"
"$host_rke2c" completion zsh > "$texts/_rke2c"
"$host_rke2c" completion fish > "$texts/rke2c.fish"
"$host_rke2c" man | gzip -9n > "$texts/rke2c.1.gz"

# Every package bundled into the binary, with the licence its NuGet package declares.
notices() {
  echo "rke2c $version bundles these packages (name, version, licence as declared by the package):"
  echo
  dotnet list "$repo/src/Rke2Converge.Cli" package --include-transitive --format json 2>/dev/null \
    | sed -n 's/.*"id": "\([^"]*\)".*/\1/p; s/.*"resolvedVersion": "\([^"]*\)".*/\1/p' | paste - - | sort -u \
    | while read -r id ver; do
        nuspec=$(find "${NUGET_PACKAGES:-$HOME/.nuget/packages}/${id,,}/$ver" -maxdepth 1 -name '*.nuspec' 2>/dev/null | head -n 1)
        licence=$( [[ -n $nuspec ]] && sed -n 's:.*<license type="expression">\(.*\)</license>.*:\1:p; s:.*<licenseUrl>\(.*\)</licenseUrl>.*:\1:p' "$nuspec" | head -n 1)
        echo "  $id $ver: ${licence:-see the package}"
      done
  echo
  echo "  The .NET runtime (Microsoft.NETCore.App $(dotnet --list-runtimes | sed -n "s/^Microsoft.NETCore.App \([^ ]*\).*/\1/p" | tail -n 1)): MIT, https://github.com/dotnet/runtime"
}

for rid in $rids; do
  arch=$(deb_arch "$rid")
  if [[ $rid == "$host_rid" ]]; then out=$work/$rid; else out=$work/$rid; publish "$rid" "$out"; fi
  cp "$out/rke2c" "$dist/rke2c-$version-$rid"
  root=$work/deb-$arch
  install -d "$root/DEBIAN" "$root/usr/bin" "$root/usr/share/bash-completion/completions" "$root/usr/share/zsh/vendor-completions" \
    "$root/usr/share/fish/vendor_completions.d" "$root/usr/share/man/man1" "$root/usr/share/doc/rke2c"
  install -m 0755 "$out/rke2c" "$root/usr/bin/rke2c"
  install -m 0644 "$texts/rke2c.bash" "$root/usr/share/bash-completion/completions/rke2c"
  install -m 0644 "$texts/_rke2c" "$root/usr/share/zsh/vendor-completions/_rke2c"
  install -m 0644 "$texts/rke2c.fish" "$root/usr/share/fish/vendor_completions.d/rke2c.fish"
  install -m 0644 "$texts/rke2c.1.gz" "$root/usr/share/man/man1/rke2c.1.gz"
  install -m 0644 "$repo/README.md" "$root/usr/share/doc/rke2c/README.md"
  install -m 0644 "$repo/LICENSE" "$root/usr/share/doc/rke2c/LICENSE"
  cp -r "$repo/docs" "$root/usr/share/doc/rke2c/docs"
  notices > "$root/usr/share/doc/rke2c/THIRD-PARTY-NOTICES"
  cat > "$root/usr/share/doc/rke2c/copyright" <<EOF
Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/
Upstream-Name: rke2c (Rke2Converge)

Files: *
Copyright: the Rke2Converge authors
License: Apache-2.0
 On Debian systems the full text of the Apache License 2.0 is in /usr/share/common-licenses/Apache-2.0; it is also
 /usr/share/doc/rke2c/LICENSE. The packages bundled into the binary keep their own licences: THIRD-PARTY-NOTICES.
EOF
  size=$(du -k -s "$root/usr" | cut -f1)
  cat > "$root/DEBIAN/control" <<EOF
Package: rke2c
Version: $version
Architecture: $arch
Maintainer: Rke2Converge <rke2c@localhost>
Installed-Size: $size
Depends: openssh-client
Section: admin
Priority: optional
Description: converge RKE2 clusters from C# script playbooks over SSH
 rke2c reads every host over SSH, shows what differs from the playbook, then
 changes nodes one at a time behind readiness gates and stops the line when a
 gate fails. One self-contained binary: no .NET installation is needed.
EOF
  dpkg-deb --root-owner-group -Zxz --build "$root" "$dist/rke2c_${version}_${arch}.deb" >/dev/null
done
(cd "$dist" && sha256sum rke2c-"$version"-* rke2c_"$version"_*.deb > SHA256SUMS)
echo "release.sh: $dist:" >&2
ls -l "$dist" >&2
