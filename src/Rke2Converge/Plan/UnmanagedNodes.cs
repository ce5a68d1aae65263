using Rke2Converge.Facts;

namespace Rke2Converge.Plan;

/// <summary>
/// Nodes the cluster has that the playbook does not declare. rke2c never touches them implicitly: dropping a node from
/// the playbook does not remove it from the cluster (or from etcd), so the plan says so instead of staying silent.
/// </summary>
public static class UnmanagedNodes
{
    public static IReadOnlyList<string> Notes(IEnumerable<string> declaredNodes, IReadOnlyDictionary<string, HostFacts> facts)
    {
        ArgumentNullException.ThrowIfNull(declaredNodes);
        ArgumentNullException.ThrowIfNull(facts);
        var declared = declaredNodes.ToHashSet(StringComparer.Ordinal);
        var (server, clusterNodes) = facts.Values.Where(f => f.ClusterNodes is not null).Select(f => (f.Node, f.ClusterNodes!)).FirstOrDefault();
        if (clusterNodes is null) return [];
        return [.. clusterNodes.Where(node => !declared.Contains(node)).Order(StringComparer.Ordinal).Select(node =>
            $"node {node} is in the cluster (kubectl get nodes on {server}) but not in the playbook: rke2c leaves it alone. "
            + "Declare it to manage it, or remove it from the cluster (cordon, drain, kubectl delete node, and for an etcd member its removal from etcd) by hand.")];
    }
}
