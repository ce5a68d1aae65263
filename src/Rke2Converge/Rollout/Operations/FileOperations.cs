using System.Globalization;
using System.Text;
using Rke2Converge.Model;
using Rke2Converge.Remote;

namespace Rke2Converge.Rollout.Operations;

public static class FileOperations
{
    private const string WriteAtomicallyScript = """
        set -eu
        path=$1 mode=$2 backups=$3 stamp=$4
        mkdir -p "$(dirname "$path")"
        tmp=$(mktemp "$path.rke2c.XXXXXX")
        trap 'rm -f "$tmp"' EXIT
        cat > "$tmp"
        chmod "$mode" "$tmp"
        if [ -e "$path" ]; then
          mkdir -p "$backups" && chmod 700 "$backups"
          cp -p "$path" "$backups/$(printf '%s' "$path" | tr / _).$stamp"
        fi
        mv -f "$tmp" "$path"
        trap - EXIT
        """;

    /// <summary>Writes a file through a temp file and a rename, keeping the previous version under the backup directory.</summary>
    public static RemoteCommand WriteAtomically(string path, string content, string mode) =>
        new($"write {path}", WriteAtomicallyScript)
        {
            Arguments = [path, mode, Rke2Paths.BackupDirectory, DateTimeOffset.UtcNow.ToString("yyyyMMddTHHmmssfffZ", CultureInfo.InvariantCulture)],
            Stdin = Encoding.UTF8.GetBytes(content),
            TargetFile = path,
            Timeout = TimeSpan.FromSeconds(30),
        };

    /// <summary>Prints <c>present</c> and the file's content, or <c>absent</c>; changes nothing.</summary>
    public static RemoteCommand Read(string path) =>
        new($"read {path}", """
            if [ -f "$1" ]; then echo present; exec cat -- "$1"; fi
            echo absent
            """)
        {
            Arguments = [path],
            Timeout = TimeSpan.FromSeconds(20),
        };

    /// <summary>The content <see cref="Read"/> found, or null when the file does not exist.</summary>
    public static string? ReadContent(RemoteResult result)
    {
        var newline = result.Stdout.IndexOf('\n', StringComparison.Ordinal);
        var status = newline < 0 ? result.Stdout.Trim() : result.Stdout[..newline];
        return status == "present" ? result.Stdout[(newline + 1)..] : null;
    }
}
