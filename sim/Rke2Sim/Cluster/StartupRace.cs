using Rke2Sim.Config;

namespace Rke2Sim.Cluster;

/// <summary>
/// The startup races of RKE2 v1.30.12, v1.31.8, v1.32.4 and v1.33.0 (fixed in the next patch releases):
/// rancher/rke2#8236 (nil pointer panic on a control-plane-only server after secrets-encrypt prepare once the
/// etcd-only servers have been restarted) and rancher/rke2#8269 (fatal exit when startup hooks run while
/// etcd/kube-apiserver static pods are being recreated).
/// </summary>
public static class StartupRace
{
    /// <summary>
    /// True when this control-plane-only server, starting on an affected release, would panic: the rotation stage has
    /// moved to prepare since it last started, and at least one etcd-only server has already restarted with it.
    /// </summary>
    public static bool PanicsAfterPrepare(ClusterState state, string node, NodeRoles roles, bool affectedRelease)
    {
        if (!affectedRelease || !roles.ControlPlaneOnly) return false;
        if (state.Encryption.Stage != SecretsEncryption.Prepare) return false;
        var generation = state.Encryption.Generation;
        var self = state.Nodes.GetValueOrDefault(node);
        if (self is not null && self.AppliedEncryptionGeneration == generation) return false;
        return state.Nodes.Values.Any(n => n.Name != node && n.Roles.EtcdOnly && n.AppliedEncryptionGeneration == generation);
    }

    /// <summary>
    /// Another server whose etcd or kube-apiserver static pods are being recreated right now, which makes this
    /// server's startup hooks fail on an affected release; null when there is none.
    /// </summary>
    public static string? PeerRecreatingStaticPods(ClusterState state, string node, DateTimeOffset now, TimeSpan grace)
    {
        foreach (var peer in state.Nodes.Values.OrderBy(n => n.Name, StringComparer.Ordinal))
        {
            if (peer.Name == node || !peer.Roles.IsServer || !(peer.Roles.Etcd || peer.Roles.ApiServer)) continue;
            if (!ClusterRules.IsFresh(peer, now, grace)) continue;
            var report = peer.LastReport!;
            if (now < report.StaticPodsSettleAt) return peer.Name;
        }
        return null;
    }
}
