using Rke2Converge.Model;

namespace Rke2Converge.Gates;

/// <summary>Which gates a node passes, in order, before the rollout moves on.</summary>
internal static class GateSet
{
    /// <param name="role">The node's role.</param>
    /// <param name="controlPlaneUp">
    /// Whether an API server is up anywhere in the cluster. An etcd-only node joined before any control-plane node
    /// cannot register its Node object yet, so its node Ready gate waits until one is up. That is the only deferral:
    /// every other node proves node Ready before the rollout moves on.
    /// </param>
    public static IReadOnlyList<ReadinessGate> For(NodeRole role, bool controlPlaneUp = true)
    {
        var gates = new List<ReadinessGate> { new ServiceActiveGate() };
        if (role.IsServer()) gates.Add(new SupervisorPingGate());
        if (role.CarriesEtcd())
        {
            gates.Add(new EtcdHealthGate());
            gates.Add(new EtcdMemberVotingGate());
        }
        if (role.CarriesControlPlane()) gates.Add(new ApiServerReadyGate());
        if (controlPlaneUp || role != NodeRole.EtcdOnly) gates.Add(new NodeReadyGate());
        if (role.IsServer()) gates.Add(new StaticPodsStableGate());
        return gates;
    }
}
