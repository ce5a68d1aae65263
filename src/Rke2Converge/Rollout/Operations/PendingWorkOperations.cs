using Rke2Converge.Facts;
using Rke2Converge.Model;
using Rke2Converge.Remote;

namespace Rke2Converge.Rollout.Operations;

/// <summary>Writes and clears the marker that lets a re-run finish what an interrupted or failed rollout started.</summary>
public static class PendingWorkOperations
{
    private const string MarkScript = """
        set -eu
        marker=$1 stage=$2
        mkdir -p "$(dirname "$marker")"
        printf '%s\n' "$stage" > "$marker.tmp"
        mv -f "$marker.tmp" "$marker"
        """;

    public static RemoteCommand Mark(PendingWork stage) =>
        new($"mark {stage.ToString().ToLowerInvariant()} pending", MarkScript)
        {
            Arguments = [Rke2Paths.PendingWorkMarker, stage == PendingWork.Restart ? "restart" : "verify"],
            Timeout = TimeSpan.FromSeconds(15),
        };

    public static RemoteCommand Clear() =>
        new("clear pending work", "rm -f \"$1\"")
        {
            Arguments = [Rke2Paths.PendingWorkMarker],
            Timeout = TimeSpan.FromSeconds(15),
        };
}
