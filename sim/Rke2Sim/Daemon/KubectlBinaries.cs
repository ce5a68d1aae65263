using System.Globalization;
using Rke2Sim.Versions;

namespace Rke2Sim.Daemon;

/// <summary>
/// The genuine kubectl binaries the lab fetched (lab/lab.sh setup: SIM_HOME/kubectl/v1.MINOR/kubectl). A release
/// gets the kubectl of its own minor; a minor the lab has none for gets the nearest one (the higher on a tie), which
/// kubectl's version skew policy supports within one minor of the API server.
/// </summary>
public static class KubectlBinaries
{
    public const string Directory = "kubectl";

    public static string? For(ReleaseInfo release, string simHome)
    {
        var root = Path.Join(simHome, Directory);
        if (!System.IO.Directory.Exists(root)) return null;
        var available = System.IO.Directory.GetDirectories(root)
            .Select(d => (Path: Path.Join(d, "kubectl"), Minor: MinorOf(Path.GetFileName(d))))
            .Where(c => c.Minor is not null && File.Exists(c.Path))
            .ToList();
        return available
            .OrderBy(c => Math.Abs(c.Minor!.Value - release.Minor))
            .ThenByDescending(c => c.Minor)
            .Select(c => c.Path)
            .FirstOrDefault();
    }

    private static int? MinorOf(string directoryName) =>
        directoryName.StartsWith("v1.", StringComparison.Ordinal)
        && int.TryParse(directoryName[3..], NumberStyles.None, CultureInfo.InvariantCulture, out var minor) ? minor : null;
}
