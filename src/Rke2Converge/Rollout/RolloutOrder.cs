using Rke2Converge.Model;
using Rke2Converge.Plan;
using Rke2Converge.Plan.Changes;

namespace Rke2Converge.Rollout;

/// <summary>
/// The order nodes converge in: servers one at a time in join order, then agents in batches. The startup race of
/// rancher/rke2#8236/#8269 is a race in each node's own start, so no server order avoids it (see KnownIssues).
/// </summary>
internal static class RolloutOrder
{
    public static IReadOnlyList<IReadOnlyList<HostPlan>> Waves(ClusterPlan plan, AgentBatching batching)
    {
        var servers = plan.Hosts.Where(host => host.Desired.Role.IsServer()).ToList();
        var agents = plan.Hosts.Where(host => host.Desired.Role == NodeRole.Agent).ToList();
        var batchSize = batching.SizeFor(agents.Count);
        return
        [
            .. servers.Select(server => (IReadOnlyList<HostPlan>)[server]),
            .. agents.Chunk(batchSize).Select(batch => (IReadOnlyList<HostPlan>)batch),
        ];
    }
}
