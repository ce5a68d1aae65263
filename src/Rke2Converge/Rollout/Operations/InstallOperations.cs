using Rke2Converge.Model;
using Rke2Converge.Remote;

namespace Rke2Converge.Rollout.Operations;

/// <summary>
/// Installs RKE2 the way the official script does with the tarball method: verify, unpack under /usr/local, reload
/// units, and where SELinux is enabled relabel the binaries and units (the script's do_restorecon_tar; it relabels
/// when the rke2-selinux package is installed, rke2c whenever SELinux is enabled and restorecon is there).
/// </summary>
internal static class InstallOperations
{
    public const string StagingDirectory = Rke2Paths.StateDirectory + "/artifacts";

    /// <summary>What unpacking the release tarball writes below <see cref="Rke2Paths.InstallPrefix"/> (a trailing '/' marks a directory tree).</summary>
    public static readonly IReadOnlyList<string> UnpackedPaths =
    [
        "bin/rke2", "bin/rke2-killall.sh", "bin/rke2-uninstall.sh",
        "lib/systemd/system/rke2-server.service", "lib/systemd/system/rke2-agent.service",
        "lib/systemd/system/rke2-server.env", "lib/systemd/system/rke2-agent.env",
        "share/rke2/",
    ];

    private const string ReceiveScript = "set -eu\ndir=$1 name=$2 bytes=$3\n" + SymlinkGuard.Functions + StdinTransfer.ReceiveFunction + """
        refuse_links "$dir/$name"
        mkdir -p "$dir"
        part=$(mktemp "$dir/$name.part.XXXXXX")
        trap 'rm -f "$part"' EXIT
        receive "$part" "$bytes"
        chmod 0644 "$part"
        mv -f "$part" "$dir/$name"
        trap - EXIT
        """;

    private const string FetchScript = "set -eu\ndir=$1 url=$2 name=$3\n" + SymlinkGuard.Functions + """
        refuse_links "$dir/$name"
        mkdir -p "$dir"
        part=$(mktemp "$dir/$name.part.XXXXXX")
        trap 'rm -f "$part"' EXIT
        curl -fsSL --retry 3 --max-time 600 -o "$part" "$url/$name"
        chmod 0644 "$part"
        mv -f "$part" "$dir/$name"
        trap - EXIT
        """;

    private const string VerifyAndUnpackScript = "set -eu\ndir=$1 arch=$2 prefix=$3\n" + SymlinkGuard.Functions + """
        refuse_links "$prefix"
        tarball="rke2.linux-$arch.tar.gz"
        sums="$dir/sha256sum-$arch.txt"
        expected=$(grep " $tarball\$" "$sums" | awk '{print $1}')
        if [ -z "$expected" ]; then echo "no checksum for $tarball in $sums" >&2; exit 1; fi
        actual=$(sha256sum "$dir/$tarball" | awk '{print $1}')
        if [ "$expected" != "$actual" ]; then
          echo "checksum mismatch for $tarball: expected $expected, got $actual" >&2
          exit 1
        fi
        mkdir -p "$prefix"
        tar xzf "$dir/$tarball" -C "$prefix"
        if [ "$prefix" != /usr/local ]; then
          sed -i "s|/usr/local|$prefix|" "$prefix"/lib/systemd/system/rke2-*.service "$prefix"/bin/rke2-uninstall.sh
          mv -f "$prefix"/lib/systemd/system/rke2-*.service /etc/systemd/system/
        fi
        systemctl daemon-reload
        if command -v selinuxenabled >/dev/null 2>&1 && selinuxenabled && command -v restorecon >/dev/null 2>&1; then
          restorecon -R -i "$prefix"/bin/rke2* "$prefix"/lib/systemd/system/rke2* /etc/systemd/system/rke2*
        fi
        """;

    public static string TarballName(string arch) => $"rke2.linux-{arch}.tar.gz";

    public static string ChecksumName(string arch) => $"sha256sum-{arch}.txt";

    public static string StagingFor(Rke2Version version) => $"{StagingDirectory}/{version}";

    private const string StagedScript = """
        set -eu
        file=$1/$2
        [ -f "$file" ] || exit 1
        [ "$(sha256sum "$file" | cut -d ' ' -f 1)" = "$3" ]
        """;

    /// <summary>Pushes one artifact file from the machine running rke2c (the air-gapped case), streamed from disk.</summary>
    public static RemoteCommand Push(Rke2Version version, string name, string localFile)
    {
        var bytes = new FileInfo(localFile).Length;
        return new($"push {name} ({bytes / 1024} KiB)", ReceiveScript)
        {
            Arguments = [StagingFor(version), name, bytes.ToString(System.Globalization.CultureInfo.InvariantCulture)],
            StdinFile = localFile,
            Timeout = TimeSpan.FromMinutes(10),
        };
    }

    /// <summary>Read-only: exits 0 when the node already holds the artifact with this SHA-256 (a re-run after a failure).</summary>
    public static RemoteCommand IsStaged(Rke2Version version, string name, string sha256) =>
        new($"check staged {name}", StagedScript)
        {
            Arguments = [StagingFor(version), name, sha256],
            Timeout = TimeSpan.FromMinutes(2),
        };

    /// <summary>Fetches one artifact on the node from a mirror laid out like the release downloads.</summary>
    public static RemoteCommand Fetch(Rke2Version version, Uri mirror, string name) =>
        new($"download {name}", FetchScript)
        {
            Arguments = [StagingFor(version), ReleaseUrl(mirror, version), name],
            Timeout = TimeSpan.FromMinutes(11),
        };

    /// <summary>Where a mirror keeps one release's files: BASE/VERSION, with the '+' escaped as in GitHub's download URLs.</summary>
    public static string ReleaseUrl(Uri mirror, Rke2Version version) => $"{mirror.ToString().TrimEnd('/')}/{version.UrlSegment}";

    /// <summary>
    /// Unpacks under <paramref name="prefix"/>; outside /usr/local it does what the install script's do_install_tar
    /// does: rewrites /usr/local in the units and rke2-uninstall.sh, and moves the units to /etc/systemd/system.
    /// </summary>
    public static RemoteCommand VerifyAndUnpack(Rke2Version version, string arch, string prefix = Rke2Paths.InstallPrefix) =>
        new($"verify and unpack rke2 {version}", VerifyAndUnpackScript)
        {
            Arguments = [StagingFor(version), arch, prefix],
            Timeout = TimeSpan.FromMinutes(5),
        };
}
