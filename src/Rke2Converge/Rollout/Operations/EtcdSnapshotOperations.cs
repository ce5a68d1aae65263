using System.Globalization;
using System.Text.RegularExpressions;
using Rke2Converge.Model;
using Rke2Converge.Remote;

namespace Rke2Converge.Rollout.Operations;

/// <summary>A snapshot file on an etcd member.</summary>
internal sealed record SnapshotFile(string Node, string Name, string Path, long Size, DateTimeOffset Modified);

internal static partial class EtcdSnapshotOperations
{
    /// <summary>RKE2's default for <c>etcd-snapshot-dir</c>, under its default <c>data-dir</c>.</summary>
    public const string DefaultDirectory = "/var/lib/rancher/rke2/server/db/snapshots";

    /// <summary><c>rke2 etcd-snapshot save --name NAME</c> on the member: RKE2 appends the node name and a timestamp.</summary>
    public static RemoteCommand Save(string name) =>
        new($"etcd snapshot {name}", Rke2Paths.ResolveRke2Argument + "\"$1\" etcd-snapshot save --name \"$2\" 2>&1")
        {
            Arguments = [Rke2Paths.Rke2Binary, name],
            Timeout = TimeSpan.FromMinutes(5),
        };

    /// <summary>The file name RKE2 reported (<c>Snapshot NAME saved.</c>, k3s pkg/etcd/snapshot.go), or null when it said none.</summary>
    public static string? SavedName(string output) =>
        output.Split('\n').Select(line => SavedLine().Match(line)).LastOrDefault(match => match.Success)?.Groups["name"].Value;

    /// <summary>Where a node keeps its local snapshots: <c>etcd-snapshot-dir</c>, else under <c>data-dir</c>, as RKE2 resolves them.</summary>
    public static string Directory(ConfigMap config) =>
        config["etcd-snapshot-dir"] is string dir && dir.Length > 0 ? dir
        : config["data-dir"] is string data && data.Length > 0 ? $"{data.TrimEnd('/')}/server/db/snapshots"
        : DefaultDirectory;

    /// <summary>Every regular file in the snapshot directory: name, size in bytes, modification time (Unix seconds), tab-separated.</summary>
    public static RemoteCommand List(string directory) =>
        new($"list etcd snapshots in {directory}", """
            [ -d "$1" ] || exit 0
            for file in "$1"/*; do
              [ -f "$file" ] || continue
              stat -c '%s %Y' -- "$file" | { read -r size modified; printf '%s\t%s\t%s\n' "${file##*/}" "$size" "$modified"; }
            done
            """)
        {
            Arguments = [directory],
            Timeout = TimeSpan.FromSeconds(60),
        };

    /// <exception cref="FormatException">A line is not what <see cref="List"/> prints.</exception>
    public static IReadOnlyList<SnapshotFile> ParseList(string node, string directory, string stdout) =>
        [.. stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(line =>
        {
            var fields = line.Split('\t');
            if (fields.Length != 3
                || !long.TryParse(fields[1], NumberStyles.None, CultureInfo.InvariantCulture, out var size)
                || !long.TryParse(fields[2], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var modified))
            {
                throw new FormatException($"{node}: unexpected snapshot listing line '{Model.Validation.Printable.Escape(line)}'");
            }
            return new SnapshotFile(node, fields[0], $"{directory.TrimEnd('/')}/{fields[0]}", size, DateTimeOffset.FromUnixTimeSeconds(modified));
        }).OrderBy(file => file.Modified).ThenBy(file => file.Name, StringComparer.Ordinal)];

    [GeneratedRegex(@"Snapshot (?<name>\S+) saved\.")]
    private static partial Regex SavedLine();
}
