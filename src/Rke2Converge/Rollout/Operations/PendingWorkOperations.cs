using Rke2Converge.Model;
using Rke2Converge.Remote;

namespace Rke2Converge.Rollout.Operations;

/// <summary>Writes and clears the marker that lets a re-run finish what an interrupted or failed rollout started.</summary>
internal static class PendingWorkOperations
{
    /// <summary>
    /// Shell function <c>mark_pending MARKER STAGE</c>, for scripts that record a stage as part of their own work.
    /// The temp file has a unique name beside the marker, so the rename is atomic and two writers never share it.
    /// </summary>
    public const string MarkFunction = SymlinkGuard.Functions + """
        mark_pending() {
          refuse_links "$1"
          mkdir -p "$(dirname "$1")"
          pending_tmp=$(mktemp "$1.XXXXXX")
          printf '%s\n' "$2" > "$pending_tmp"
          mv -f "$pending_tmp" "$1"
        }

        """;

    public static RemoteCommand MarkRestart() =>
        new("mark restart pending", "set -eu\n" + MarkFunction + "mark_pending \"$1\" restart")
        {
            Arguments = [Rke2Paths.PendingWorkMarker],
            Timeout = TimeSpan.FromSeconds(15),
        };

    public static RemoteCommand Clear() =>
        new("clear pending work", "rm -f \"$1\"")
        {
            Arguments = [Rke2Paths.PendingWorkMarker],
            Timeout = TimeSpan.FromSeconds(15),
        };
}
