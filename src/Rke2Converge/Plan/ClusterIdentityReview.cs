using Rke2Converge.Model;

namespace Rke2Converge.Plan;

/// <summary>
/// Every node of one RKE2 cluster holds the same cluster CA: each node's agent fetches it from its server at start
/// (k3s pkg/agent/config/config.go writes <c>agent/server-ca.crt</c>). A host whose CA differs from the first
/// server's in join order runs RKE2 for another cluster; converging it would rewrite another cluster's node (its
/// config, its token, a restart), so it is a plan problem naming the host, and apply changes nothing.
/// </summary>
internal static class ClusterIdentityReview
{
    /// <summary>The hosts, each one of another cluster with a problem that says so; unchanged when no server has a CA yet.</summary>
    public static IReadOnlyList<HostPlan> Review(IReadOnlyList<HostPlan> hosts)
    {
        var reference = hosts.FirstOrDefault(host => host.Desired.Role.IsServer() && host.Facts.ClusterCaSha256 is not null);
        if (reference is null) return hosts;
        var ca = reference.Facts.ClusterCaSha256!;
        return [.. hosts.Select(host => host.Facts.ClusterCaSha256 is { } other && other != ca
            ? host with { Problems = [.. host.Problems, Refusal(host.Node, other, reference.Node, ca)] }
            : host)];
    }

    private static string Refusal(string node, string other, string reference, string ca) =>
        $"this host belongs to another cluster: its RKE2 cluster CA (sha256 {Short(other)}) is not {reference}'s (sha256 {Short(ca)}), and every node "
        + $"of one cluster holds the same CA. rke2c changes nothing while it is so: check {node}'s address in the playbook, or, to take the host "
        + "into this cluster, run rke2-uninstall.sh on it first (its own cluster then loses the node).";

    private static string Short(string sha256) => sha256[..16];
}
