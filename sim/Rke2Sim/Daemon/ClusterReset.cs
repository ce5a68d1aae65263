using System.Security.Cryptography;
using System.Text.Json;
using Rke2Sim.Cluster;
using Rke2Sim.Config;
using Rke2Sim.Hosting;
using Rke2Sim.Logging;
using Rke2Sim.Tls;

namespace Rke2Sim.Daemon;

/// <summary>The one-shot flags of <c>rke2 server</c> that reset etcd's membership (k3s pkg/cli/cmds/server.go).</summary>
/// <param name="RestorePath">The snapshot to restore first, or null to keep the local datastore.</param>
public sealed record ClusterResetRequest(string? RestorePath);

/// <summary>
/// <c>rke2 server --cluster-reset [--cluster-reset-restore-path=FILE]</c> run in the foreground on a stopped server,
/// as upstream does it (k3s pkg/cluster/managed.go start, pkg/etcd/etcd.go Reset): the snapshot (when given) becomes the
/// datastore, etcd's membership is this one member, the api addresses are cleared, <c>server/db/reset-flag</c> is
/// written and, once etcd runs alone, the process logs "Managed etcd cluster membership has been reset, restart without
/// --cluster-reset flag now..." and exits 0. Simplification: the reset is immediate (upstream starts etcd and the
/// supervisor and waits for the single member to be healthy, about a minute).
/// </summary>
public static class ClusterReset
{
    /// <summary>k3s pkg/etcd/etcd.go ResetFile: <c>${data-dir}/server/db/reset-flag</c>.</summary>
    public const string ResetFlagFile = SimPaths.DbDir + "/reset-flag";

    /// <summary>Upstream's last line before exit 0 (k3s pkg/etcd/etcd.go Reset).</summary>
    public const string ResetDoneMessage = "Managed etcd cluster membership has been reset, restart without --cluster-reset flag now. "
        + "Backup and delete ${datadir}/server/db on each peer etcd server and rejoin the nodes";

    /// <summary>Runs the reset; returns the exit code (0 done, 1 fatal as upstream logs it).</summary>
    public static int Run(HostEnvironment host, Rke2Config config, ClusterResetRequest request, NodeRoles roles, string releaseLine)
    {
        LogrusLog.Info(releaseLine);
        try
        {
            Reset(host, config, request, roles);
            return 0;
        }
        catch (FatalException e)
        {
            LogrusLog.Fatal(e.Message);
            return 1;
        }
    }

    private static void Reset(HostEnvironment host, Rke2Config config, ClusterResetRequest request, NodeRoles roles)
    {
        if (!roles.Etcd) throw new FatalException("simulator: --cluster-reset on a server without etcd (disable-etcd) is not modelled");
        var nodeName = config.NodeName(host.HostName);
        var stateFile = SimPaths.ClusterStateFile;
        ClusterState? state;
        if (request.RestorePath is { } path)
        {
            // k3s pkg/cluster/managed.go start: with a restore path the reset-flag is not checked.
            state = ReadSnapshot(path);
            // k3s pkg/etcd/etcd.go Reset: "Cluster reset: backing up certificates directory"; the bootstrap data in the
            // restored datastore is read with this server's token (pkg/cluster/storage.go): another cluster's data is
            // encrypted with another token and cannot be read.
            var configured = config.Token is { } t ? ParsedToken.Parse(t).Secret : null;
            if (configured is not null && configured != state.Token)
                throw new FatalException("starting kubernetes: preparing server: failed to bootstrap cluster data: failed to reconcile with local datastore: bootstrap data already found and encrypted with different token");
            // k3s pkg/etcd/etcd.go Restore: the old data directory is moved aside, not deleted.
            LogrusLog.Info($"Pre-restore etcd database moved to {SimPaths.DbDir}/etcd-old-{DateTimeOffset.UtcNow.ToUnixTimeSeconds()}");
        }
        else
        {
            if (File.Exists(SimPaths.Resolve(ResetFlagFile)))
                throw new FatalException("Managed etcd cluster membership was previously reset, please remove the cluster-reset flag and start rke2 normally. "
                    + $"If you need to perform another cluster reset, you must first manually delete the file at {ResetFlagFile}");
            state = ClusterAuthority.LoadPersisted(stateFile)
                ?? throw new FatalException("starting kubernetes: preparing server: simulator: this server holds no copy of the cluster's datastore (only the bootstrap server does); pass --cluster-reset-restore-path");
        }
        var peerUrl = $"https://{host.NodeAddress}:2380";
        // pkg/etcd/etcd.go Reset: a new single-member cluster (ForceNewCluster, or a restore's new cluster ID); the
        // other members' old data no longer matches it (see ServerStartup's peer check).
        state.EtcdMembers = [new EtcdMember { Name = nodeName, PeerUrl = peerUrl, IsLearner = false, AddedAt = DateTimeOffset.UtcNow }];
        state.EtcdClusterId = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8));
        state.JoinsInProgress.Clear();
        // pkg/etcd/etcd.go Reset: "resetting the apiaddresses to nil since we are doing a restoration".
        state.ApiServerAddresses.Clear();
        state.LastPromotionAt = null;
        SimPaths.WriteAtomically(stateFile, JsonSerializer.Serialize(state, Protocol.Json), UnixFileMode.UserRead | UnixFileMode.UserWrite);
        SimPaths.WriteAtomically(EtcdMemberMarker.Path, state.EtcdClusterId + "\n", UnixFileMode.UserRead | UnixFileMode.UserWrite);
        // pkg/etcd/etcd.go Reset: "touch a file to avoid multiple resets".
        SimPaths.WriteAtomically(ResetFlagFile, "", UnixFileMode.UserRead | UnixFileMode.UserWrite);
        LogrusLog.Info(ResetDoneMessage);
    }

    /// <summary>
    /// The snapshot file as <c>rke2 etcd-snapshot save</c> wrote it. Missing or a directory: k3s pkg/etcd/etcd.go Reset
    /// ("etcd: snapshot path does not exist", "must be a file, not a directory"); unreadable or not a snapshot: etcd's
    /// restore refuses it (go.etcd.io/etcd/etcdutl/v3/snapshot/v3_snapshot.go: a file without the trailing hash).
    /// </summary>
    private static ClusterState ReadSnapshot(string path)
    {
        var resolved = SimPaths.Resolve(path);
        if (Directory.Exists(resolved)) throw new FatalException($"etcd: snapshot path must be a file, not a directory: {path}");
        if (!File.Exists(resolved)) throw new FatalException($"etcd: snapshot path does not exist: {path}");
        string text;
        try
        {
            text = File.ReadAllText(resolved);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new FatalException($"starting kubernetes: preparing server: open {path}: {e.Message}");
        }
        try
        {
            var state = JsonSerializer.Deserialize<ClusterState>(text, Protocol.Json);
            if (state is { CaCertPem.Length: > 0, CaKeyPem.Length: > 0 }) return state;
        }
        catch (JsonException)
        {
            // Not a snapshot the simulator wrote.
        }
        throw new FatalException("starting kubernetes: preparing server: snapshot missing hash but --skip-hash-check=false");
    }
}

/// <summary>
/// What this server's etcd data says about the cluster it belongs to: the etcd cluster id when its etcd last ran,
/// under <c>server/db/etcd</c> (where etcd keeps its member directory). Removing <c>server/db</c> removes it.
/// </summary>
public static class EtcdMemberMarker
{
    public const string Path = SimPaths.DbDir + "/etcd/member/sim-cluster-id";

    /// <summary>The cluster id this node's old data belongs to, or null when it has none.</summary>
    public static string? Read() => SimPaths.ReadIfExists(Path)?.Trim();
}
