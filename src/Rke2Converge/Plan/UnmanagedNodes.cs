using Rke2Converge.Facts;

namespace Rke2Converge.Plan;

/// <summary>
/// Nodes the cluster has that the playbook does not declare. rke2c never touches them implicitly: dropping a node from
/// the playbook does not remove it from the cluster (or from etcd), so the plan says so instead of staying silent.
/// </summary>
internal static class UnmanagedNodes
{
    /// <param name="declaredNodes">The playbook's nodes.</param>
    /// <param name="facts">Facts; one host's carry the cluster's node list.</param>
    /// <param name="markedForRemoval">Nodes the playbook marks with Remove(...): noted as waiting for rke2c remove.</param>
    public static IReadOnlyList<string> Notes(IEnumerable<string> declaredNodes, IReadOnlyDictionary<string, HostFacts> facts, IEnumerable<string>? markedForRemoval = null)
    {
        ArgumentNullException.ThrowIfNull(declaredNodes);
        ArgumentNullException.ThrowIfNull(facts);
        var declared = declaredNodes.ToHashSet(StringComparer.Ordinal);
        var (server, clusterNodes) = facts.Values.Where(f => f.ClusterNodes is not null).Select(f => (f.Node, f.ClusterNodes!)).FirstOrDefault();
        if (clusterNodes is null) return [];
        var marked = (markedForRemoval ?? []).ToHashSet(StringComparer.Ordinal);
        return [.. clusterNodes.Where(node => !declared.Contains(node)).Order(StringComparer.Ordinal).Select(node => marked.Contains(node)
            ? $"node {node} is in the cluster (kubectl get nodes on {server}) and marked with Remove(...): `rke2c remove PLAYBOOK` removes it; apply leaves it alone."
            : $"node {node} is in the cluster (kubectl get nodes on {server}) but not in the playbook: rke2c leaves it alone. "
            + $"Declare it to manage it, or remove it from the cluster with `rke2c remove PLAYBOOK {node}` (cordon, drain, kubectl delete node, its etcd member; "
            + $"Remove(\"{node}\", \"ADDRESS\") in the playbook also runs rke2-uninstall.sh there).")];
    }
}
