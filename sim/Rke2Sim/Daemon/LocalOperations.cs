using System.Globalization;
using System.Text.Json;
using Rke2Sim.Cluster;
using Rke2Sim.Hosting;

namespace Rke2Sim.Daemon;

/// <summary>Requests the local CLI makes to its own node's server (etcd-snapshot).</summary>
public static class LocalOperations
{
    public static async Task<IResult> SnapshotAsync(NodeDaemon daemon, string name)
    {
        if (!daemon.Roles.Etcd)
            return Results.Text("etcd datastore disabled", statusCode: 400);
        if (!daemon.EtcdReady || daemon.Link is null)
            return Results.Text("etcd server is not ready", statusCode: 503);
        var state = await daemon.Link.ReadStateAsync(CancellationToken.None);
        // etcd holds the bootstrap data, CA keys included (k3s pkg/cluster/storage.go, encrypted with the token), so a
        // snapshot carries them and a restore brings back a cluster that can issue certificates.
        state.CaKeyPem = daemon.Ca?.KeyPem ?? "";
        state.BootstrapKey = ClusterState.StorageKey(state.Token);
        var stamp = DateTimeOffset.UtcNow.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        var fileName = $"{name}-{daemon.NodeName}-{stamp}";
        SimPaths.WriteAtomically(Path.Join(SimPaths.SnapshotDir, fileName), JsonSerializer.Serialize(state, Protocol.Json),
            UnixFileMode.UserRead | UnixFileMode.UserWrite);
        await daemon.Link.RecordSnapshotAsync(fileName, CancellationToken.None);
        return Results.Text(fileName);
    }
}
