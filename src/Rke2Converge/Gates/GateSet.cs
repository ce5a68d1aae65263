using Rke2Converge.Model;

namespace Rke2Converge.Gates;

/// <summary>Which gates a node passes, in order, before the rollout moves on.</summary>
public static class GateSet
{
    public static IReadOnlyList<ReadinessGate> For(NodeRole role)
    {
        var gates = new List<ReadinessGate> { new ServiceActiveGate() };
        if (role.IsServer()) gates.Add(new SupervisorPingGate());
        if (role.CarriesEtcd()) gates.Add(new EtcdHealthGate());
        if (role.CarriesControlPlane()) gates.Add(new ApiServerReadyGate());
        gates.Add(new NodeReadyGate());
        if (role.IsServer()) gates.Add(new StaticPodsStableGate());
        return gates;
    }
}
