using Rke2Converge.Model;
using Rke2Converge.Remote;
using Rke2Converge.Rollout.Operations;

namespace Rke2Converge.Restore;

/// <summary>The remote commands of a restore; every value travels as an argument, never spliced into the script.</summary>
internal static class RestoreOperations
{
    /// <summary>What <see cref="CheckSnapshot"/> prints first when the file can be restored.</summary>
    public const string SnapshotOk = "ok";

    /// <summary>What <see cref="CheckSnapshot"/> says last when the snapshot's bootstrap data is under another token's key.</summary>
    public const string OtherToken = "token-other";

    /// <summary>
    /// Read-only: prints <c>ok SIZE VERDICT</c>, or why not (<c>missing</c>, <c>not-a-file</c>, <c>unreadable</c>,
    /// <c>empty</c>). rke2 itself fails on a missing path or a directory (k3s pkg/etcd/etcd.go Reset), and on another
    /// token's bootstrap data, only after the servers are down. VERDICT compares the snapshot's bootstrap keys with the
    /// server's own token (<see cref="BootstrapKey"/>, computed on the host, so neither leaves it): <c>token-match</c>,
    /// <c>token-other</c>, or <c>token-unknown</c> (no key in the clear: a compressed snapshot; or no token file).
    /// </summary>
    public static RemoteCommand CheckSnapshot(string path) =>
        new($"check snapshot {path}", """
            if [ -d "$1" ]; then echo not-a-file; exit 0; fi
            if [ ! -e "$1" ]; then echo missing; exit 0; fi
            if [ ! -f "$1" ]; then echo not-a-file; exit 0; fi
            if ! head -c 1 -- "$1" >/dev/null 2>&1; then echo unreadable; exit 0; fi
            if [ ! -s "$1" ]; then echo empty; exit 0; fi
            verdict=token-unknown
            if [ -r "$2" ] && token=$(cat "$2") && [ -n "$token" ]; then
              case "$token" in K10*::*) credentials=${token#*::}; passphrase=${credentials#*:} ;; *) passphrase=$token ;; esac
              key="/bootstrap/$(printf '%s' "$passphrase" | sha256sum | cut -c 1-12)"
              if grep -a -q -F -e "$key" -- "$1"; then verdict=token-match
              elif grep -a -q -E -e '/bootstrap/[0-9a-f]{12}' -- "$1"; then verdict=token-other
              fi
            fi
            echo "ok $(stat -c %s -- "$1") $verdict"
            """)
        {
            Arguments = [path, TokenOperations.ServerTokenFile],
            Timeout = TimeSpan.FromSeconds(120),
        };

    /// <summary>What the check's output means, or null when the snapshot can be restored.</summary>
    public static string? SnapshotRefusal(string node, string path, string stdout)
    {
        ArgumentNullException.ThrowIfNull(stdout);
        var said = stdout.Trim();
        if (said.StartsWith(SnapshotOk + " ", StringComparison.Ordinal) && said.EndsWith(" " + OtherToken, StringComparison.Ordinal))
        {
            return $"{node}: {BootstrapKey.Refused(path)} (checked against {node}'s own token)";
        }
        if (said.StartsWith(SnapshotOk + " ", StringComparison.Ordinal) || said == SnapshotOk) return null;
        var why = said switch
        {
            "missing" => "does not exist",
            "not-a-file" => "is not a regular file",
            "unreadable" => "cannot be read",
            "empty" => "is empty",
            _ => $"could not be checked ({Model.Validation.Printable.Escape(said)})",
        };
        return $"{node}: the snapshot {path} {why} (rke2c etcd-snapshot list shows the snapshots each etcd member holds)";
    }

    /// <summary><c>systemctl stop UNIT</c>; a stop waits for RKE2 to shut down, so it is bounded at five minutes.</summary>
    public static RemoteCommand Stop(string unit) =>
        new($"stop {unit}", "systemctl stop \"$1\"")
        {
            Arguments = [unit],
            Timeout = TimeSpan.FromMinutes(5),
        };

    /// <summary>
    /// The foreground cluster reset, bounded on the host too (<c>timeout</c>), output merged so a failure's log lines
    /// come back. rke2 reads config.yaml itself, so the token stays on the host.
    /// </summary>
    public static RemoteCommand ClusterReset(string path, TimeSpan timeout) =>
        new($"rke2 server --cluster-reset --cluster-reset-restore-path={path}",
            Rke2Paths.ResolveRke2Argument + "timeout --signal=TERM --kill-after=30 \"$2\" \"$1\" server --cluster-reset --cluster-reset-restore-path=\"$3\" 2>&1")
        {
            Arguments = [Rke2Paths.Rke2Binary, ((int)timeout.TotalSeconds).ToString(System.Globalization.CultureInfo.InvariantCulture), path],
            Timeout = timeout + TimeSpan.FromMinutes(1),
        };

    /// <summary>Moves the database directory to the backup name when it exists; prints <c>moved</c> or <c>absent</c>.</summary>
    public static RemoteCommand MoveAside(string database, string backup) =>
        new($"move {database} aside to {backup}", """
            set -eu
            if [ -e "$2" ]; then echo "$2 already exists" >&2; exit 1; fi
            if [ -e "$1" ]; then mv -- "$1" "$2"; echo moved; else echo absent; fi
            """)
        {
            Arguments = [database, backup],
            Timeout = TimeSpan.FromSeconds(60),
        };

    /// <summary>What <see cref="CheckNoEtcdData"/> prints when the node never ran etcd.</summary>
    public const string NoEtcdData = "none";

    /// <summary>
    /// Read-only: prints <c>none</c>, or <c>data</c> when <c>ETCD/member</c> exists (etcd's WAL and snapshots, k3s
    /// pkg/etcd/etcd.go walDir and IsInitialized: what makes rke2 start etcd as an existing member).
    /// </summary>
    public static RemoteCommand CheckNoEtcdData(string etcdDirectory) =>
        new($"check {etcdDirectory} for etcd data", """
            if [ -e "$1/member" ] || [ -L "$1/member" ]; then echo data; else echo none; fi
            """)
        {
            Arguments = [etcdDirectory],
            Timeout = TimeSpan.FromSeconds(30),
        };

    /// <summary>What the etcd data check's output means, or null when the node never ran etcd.</summary>
    public static string? EtcdDataRefusal(string node, string etcdDirectory, string stdout)
    {
        ArgumentNullException.ThrowIfNull(stdout);
        var said = stdout.Trim();
        if (said == NoEtcdData) return null;
        if (said != "data") return $"{node}: could not check {etcdDirectory} for etcd data ({Model.Validation.Printable.Escape(said)})";
        return $"{node} already holds etcd data ({etcdDirectory}/member): restore --from is for a first server where RKE2 never ran. "
            + "To restore into this cluster, use the snapshot on its servers: rke2c restore site.csx SNAPSHOT (restoring to existing nodes); "
            + $"after a failed restore --from, move {etcdDirectory} aside on {node} first";
    }

    /// <summary>
    /// Pushes the local snapshot into the first server's snapshot directory, streamed from disk as release artifacts
    /// are: received into a temp file beside it, the byte count and the SHA-256 checked on the host, mode 0600 (it holds
    /// the cluster's secrets), then renamed into place. A different file of that name already there is never replaced.
    /// </summary>
    public static RemoteCommand PushSnapshot(string localFile, string directory, string name, string sha256, long bytes) =>
        new($"push snapshot {name} ({bytes / 1024} KiB)", "set -eu\ndir=$1 name=$2 bytes=$3 sha=$4\n" + SymlinkGuard.Functions + StdinTransfer.ReceiveCheckedFunction + """
            refuse_links "$dir/$name"
            mkdir -p -m 0700 "$dir"
            receive_checked "$dir" "$name" "$bytes" "$sha"
            if [ -e "$dir/$name" ] && ! cmp -s "$part" "$dir/$name"; then
              echo "$dir/$name already exists with other content; nothing replaced (rename the local file)" >&2
              exit 1
            fi
            chmod 0600 "$part"
            mv -f "$part" "$dir/$name"
            trap - EXIT
            """)
        {
            Arguments = [directory, name, bytes.ToString(System.Globalization.CultureInfo.InvariantCulture), sha256],
            StdinFile = localFile,
            StdinSha256 = sha256,
            Timeout = TimeSpan.FromMinutes(20),
        };

    /// <summary>The last non-empty lines of a command's output, for an error message.</summary>
    public static string Tail(string output, int lines)
    {
        ArgumentNullException.ThrowIfNull(output);
        return string.Join("\n", output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).TakeLast(lines));
    }
}
