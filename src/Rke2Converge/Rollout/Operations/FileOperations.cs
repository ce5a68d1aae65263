using System.Globalization;
using System.Text;
using Rke2Converge.Model;
using Rke2Converge.Remote;

namespace Rke2Converge.Rollout.Operations;

public static class FileOperations
{
    // Backups are named after the path and a timestamp; a directory or file being removed is moved there whole.
    private const string BackupFunction = """
        backup() {
          mkdir -p "$backups" && chmod 700 "$backups"
          printf '%s/%s.%s' "$backups" "$(printf '%s' "$1" | tr / _)" "$stamp"
        }

        """;

    private const string WriteAtomicallyScript =
        "set -eu\npath=$1 mode=$2 backups=$3 stamp=$4 owner=$5 bytes=$6\n" + BackupFunction + StdinTransfer.ReceiveFunction + """
        mkdir -p "$(dirname "$path")"
        tmp=$(mktemp "$path.rke2c.XXXXXX")
        trap 'rm -f "$tmp"' EXIT
        receive "$tmp" "$bytes"
        chmod "$mode" "$tmp"
        if [ -n "$owner" ]; then chown "$owner" "$tmp"; fi
        if [ -e "$path" ]; then cp -p "$path" "$(backup "$path")"; fi
        mv -f "$tmp" "$path"
        trap - EXIT
        """;

    private const string RemoveScript = "set -eu\npath=$1 backups=$2 stamp=$3\n" + BackupFunction + """
        if [ -e "$path" ] || [ -L "$path" ]; then mv -f "$path" "$(backup "$path")"; fi
        """;

    private const string DirectoryScript = """
        set -eu
        path=$1 mode=$2 owner=${3:-}
        if [ -e "$path" ] && [ ! -d "$path" ]; then echo "$path exists and is not a directory" >&2; exit 1; fi
        mkdir -p "$path"
        chmod "$mode" "$path"
        if [ -n "$owner" ]; then chown "$owner" "$path"; fi
        """;

    /// <summary>Writes a file through a temp file in the same directory and a rename, keeping the previous version under the backup directory.</summary>
    public static RemoteCommand WriteAtomically(string path, string content, string mode, string? owner = null)
    {
        var bytes = Encoding.UTF8.GetBytes(content);
        return new($"write {path}", WriteAtomicallyScript)
        {
            Arguments = [path, mode, Rke2Paths.BackupDirectory, Stamp(), owner ?? "", StdinTransfer.ByteCount(bytes)],
            Stdin = bytes,
            StampArgument = 3,
            TargetFile = path,
            Timeout = TimeSpan.FromSeconds(30),
        };
    }

    /// <summary>Removes a file or directory by moving it into the backup directory (one rename, nothing lost).</summary>
    public static RemoteCommand Remove(string path) =>
        new($"remove {path} (kept under {Rke2Paths.BackupDirectory})", RemoveScript)
        {
            Arguments = [path, Rke2Paths.BackupDirectory, Stamp()],
            StampArgument = 2,
            Timeout = TimeSpan.FromSeconds(30),
        };

    /// <summary>Creates the directory (and parents) and sets its mode and owner; also mends mode or owner of an existing one.</summary>
    public static RemoteCommand EnsureDirectory(string path, string mode, string? owner = null) =>
        new($"directory {path} ({mode}{(owner is null ? "" : " " + owner)})", DirectoryScript)
        {
            Arguments = [path, mode, owner ?? ""],
            Timeout = TimeSpan.FromSeconds(30),
        };

    /// <summary>Mode and owner of an existing file whose content is right.</summary>
    public static RemoteCommand SetAttributes(string path, string mode, string? owner = null) =>
        new($"chmod {mode}{(owner is null ? "" : ", chown " + owner)} {path}", """
            set -eu
            chmod "$2" "$1"
            if [ -n "${3:-}" ]; then chown "$3" "$1"; fi
            """)
        {
            Arguments = [path, mode, owner ?? ""],
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

    private static string Stamp() => DateTimeOffset.UtcNow.ToString(RemoteCommand.StampFormat, CultureInfo.InvariantCulture);
}
