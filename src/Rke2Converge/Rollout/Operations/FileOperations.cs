using System.Globalization;
using System.Text;
using Rke2Converge.Model;
using Rke2Converge.Remote;

namespace Rke2Converge.Rollout.Operations;

internal static class FileOperations
{
    /// <summary>How many backups of one path are kept when the playbook does not say (<c>KeepBackups(n)</c>).</summary>
    public const int DefaultBackupsKept = 5;

    // Backups are named after the path and a fixed-width UTC timestamp, so names sort oldest first; a directory or file
    // being removed is moved there whole. backup prints the name for the next backup of $1 after pruning the older
    // ones of that same path (the exact name pattern, so /a/b never prunes /a/b.c) to the newest $keep - 1.
    private const string BackupFunction = SymlinkGuard.Functions + """
        refuse_links "$backups"
        backup() {
          mkdir -p "$backups" && chmod 700 "$backups"
          name="$backups/$(printf '%s' "$1" | tr / _)"
          set -- "$name".[0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9]T[0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9]Z
          [ -e "$1" ] || [ -L "$1" ] || shift
          while [ $# -ge "$keep" ]; do rm -rf -- "$1"; shift; done
          printf '%s.%s' "$name" "$stamp"
        }

        """;

    private const string WriteAtomicallyScript =
        "set -eu\npath=$1 mode=$2 backups=$3 stamp=$4 owner=$5 bytes=$6 keep=$7\n" + BackupFunction + StdinTransfer.ReceiveFunction + """
        refuse_links "$path"
        mkdir -p "$(dirname "$path")"
        tmp=$(mktemp "$path.rke2c.XXXXXX")
        trap 'rm -f "$tmp"' EXIT
        receive "$tmp" "$bytes"
        chmod "$mode" "$tmp"
        if [ -n "$owner" ]; then chown -h "$owner" "$tmp"; fi
        if [ -e "$path" ]; then copy=$(backup "$path"); cp -p "$path" "$copy"; fi
        mv -f "$tmp" "$path"
        trap - EXIT
        """;

    private const string RemoveScript = "set -eu\npath=$1 backups=$2 stamp=$3 keep=$4\n" + BackupFunction + """
        refuse_links "$path" parents
        if [ -e "$path" ] || [ -L "$path" ]; then copy=$(backup "$path"); mv -f "$path" "$copy"; fi
        """;

    private const string DirectoryScript = "set -eu\npath=$1 mode=$2 owner=${3:-}\n" + SymlinkGuard.Functions + """
        refuse_links "$path"
        if [ -e "$path" ] && [ ! -d "$path" ]; then echo "$path exists and is not a directory" >&2; exit 1; fi
        mkdir -p "$path"
        chmod "$mode" "$path"
        if [ -n "$owner" ]; then chown -h "$owner" "$path"; fi
        """;

    /// <summary>Writes a file through a temp file in the same directory and a rename, keeping the previous version under the backup directory.</summary>
    /// <remarks><paramref name="backupsKept"/>: backups of this path kept, the one this write makes included; older ones are deleted.</remarks>
    public static RemoteCommand WriteAtomically(string path, string content, string mode, string? owner = null, int backupsKept = DefaultBackupsKept)
    {
        var bytes = Encoding.UTF8.GetBytes(content);
        return new($"write {path}", WriteAtomicallyScript)
        {
            Arguments = [path, mode, Rke2Paths.BackupDirectory, Stamp(), owner ?? "", StdinTransfer.ByteCount(bytes), Kept(backupsKept)],
            Stdin = bytes,
            StampArgument = 3,
            TargetFile = path,
            Timeout = TimeSpan.FromSeconds(30),
        };
    }

    /// <summary>Removes a file or directory by moving it into the backup directory (one rename, nothing lost).</summary>
    public static RemoteCommand Remove(string path, int backupsKept = DefaultBackupsKept) =>
        new($"remove {path} (kept under {Rke2Paths.BackupDirectory})", RemoveScript)
        {
            Arguments = [path, Rke2Paths.BackupDirectory, Stamp(), Kept(backupsKept)],
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
        new($"chmod {mode}{(owner is null ? "" : ", chown " + owner)} {path}", "set -eu\n" + SymlinkGuard.Functions + """
            refuse_links "$1"
            chmod "$2" "$1"
            if [ -n "${3:-}" ]; then chown -h "$3" "$1"; fi
            """)
        {
            Arguments = [path, mode, owner ?? ""],
            Timeout = TimeSpan.FromSeconds(30),
        };

    /// <summary>Prints <c>present</c> and the file's content, or <c>absent</c>; changes nothing. Refuses a path through an untrusted link.</summary>
    public static RemoteCommand Read(string path) =>
        new($"read {path}", SymlinkGuard.Functions + """
            refuse_links "$1"
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

    private static string Kept(int backupsKept) =>
        backupsKept >= 1 ? backupsKept.ToString(CultureInfo.InvariantCulture) : throw new ArgumentOutOfRangeException(nameof(backupsKept), backupsKept, "at least one backup is kept");

    private static string Stamp() => DateTimeOffset.UtcNow.ToString(RemoteCommand.StampFormat, CultureInfo.InvariantCulture);
}
