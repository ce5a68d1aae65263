using Rke2Converge.Remote;

namespace Rke2Converge.Rollout.Operations;

internal static class EtcdSnapshotOperations
{
    public static RemoteCommand Save(string name) =>
        new($"etcd snapshot {name}", "\"$1\" etcd-snapshot save --name \"$2\" 2>&1")
        {
            Arguments = [Model.Rke2Paths.Rke2Binary, name],
            Timeout = TimeSpan.FromMinutes(5),
        };
}
