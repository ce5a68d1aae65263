using System.Globalization;
using Rke2Converge.Model;
using Rke2Converge.Remote;

namespace Rke2Converge.Rollout.Operations;

/// <summary>
/// Stages an air-gap images tarball where RKE2 imports it at start (<see cref="Rke2Paths.AgentImagesDirectory"/>), as
/// the install script's install_airgap_tarball does: received into a hidden temp file beside it (RKE2 reads only
/// names ending in .tar, .tar.gz, .tar.zst, ...), its SHA-256 checked on the host, then renamed into place, and
/// relabelled where SELinux is enabled (the script's do_restorecon_tar relabels /var/lib/rancher/rke2).
/// </summary>
internal static class ImageOperations
{
    private const string StageScript = "set -eu\ndir=$1 name=$2 bytes=$3 sha=$4\n" + SymlinkGuard.Functions + StdinTransfer.ReceiveCheckedFunction + """
        refuse_links "$dir/$name"
        mkdir -p "$dir"
        receive_checked "$dir" "$name" "$bytes" "$sha"
        chmod 0644 "$part"
        mv -f "$part" "$dir/$name"
        trap - EXIT
        if command -v selinuxenabled >/dev/null 2>&1 && selinuxenabled && command -v restorecon >/dev/null 2>&1; then
          restorecon -i "$dir/$name"
        fi
        """;

    /// <summary>Pushes one images tarball from the machine running rke2c, streamed from disk, verified on the host against <paramref name="sha256"/>.</summary>
    public static RemoteCommand Stage(string name, string localFile, string sha256)
    {
        var bytes = new FileInfo(localFile).Length;
        return new($"stage {name} ({bytes / 1024} KiB)", StageScript)
        {
            Arguments = [Rke2Paths.AgentImagesDirectory, name, bytes.ToString(CultureInfo.InvariantCulture), sha256],
            StdinFile = localFile,
            StdinSha256 = sha256,
            Timeout = TimeSpan.FromMinutes(20),
        };
    }
}
