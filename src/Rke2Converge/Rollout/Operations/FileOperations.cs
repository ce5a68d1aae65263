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
            Timeout = TimeSpan.FromSeconds(30),
        };
}
