using Rke2Converge.Model;
using Rke2Converge.Plan;
using Rke2Converge.Plan.Changes;

namespace Rke2Converge.Rollout;

/// <summary>
/// The order nodes converge in: servers one at a time in join order, then agents in batches. On releases with the
/// startup race, servers being restarted (not joined) go control-plane-only first and etcd-only last.
/// </summary>
internal static class RolloutOrder
{
    public static IReadOnlyList<IReadOnlyList<HostPlan>> Waves(ClusterPlan plan, AgentBatching batching)
    {
        var servers = plan.Hosts.Where(host => host.Desired.Role.IsServer()).ToList();
        if (KnownIssues.StartupRaceFix(plan.Version) is not null) servers = RestartControlPlaneFirst(servers);
        var agents = plan.Hosts.Where(host => host.Desired.Role == NodeRole.Agent).ToList();
        var batchSize = batching.SizeFor(agents.Count);
        return
        [
            .. servers.Select(server => (IReadOnlyList<HostPlan>)[server]),
            .. agents.Chunk(batchSize).Select(batch => (IReadOnlyList<HostPlan>)batch),
        ];
    }

    private static List<HostPlan> RestartControlPlaneFirst(List<HostPlan> servers)
    {
        static bool Restarts(HostPlan host) => host.Find<ServiceChange>() is { Action: ServiceAction.Restart };
        static int Rank(HostPlan host) => host.Desired.Role switch
        {
            NodeRole.ControlPlaneOnly => 0,
            NodeRole.Server => 1,
            _ => 2,
        };
        var restarting = new Queue<HostPlan>(servers.Where(Restarts).OrderBy(Rank));
        // Restarts keep their slots in the sequence; only who fills them changes, so joins stay in join order.
        return [.. servers.Select(host => Restarts(host) ? restarting.Dequeue() : host)];
    }
}
