using Rke2Converge.Facts;
using Rke2Converge.Model;
using Rke2Converge.Plan;
using Rke2Converge.Plan.Changes;
using Rke2Converge.Plan.Desired;
using Rke2Converge.Rollout;

namespace Rke2Converge.Tests.Rollout;

public sealed class RolloutOrderTests
{
    private static ClusterPlan PlanOf(ClusterModel model, ServiceAction action) =>
        new(model.Name, model.Version,
            [.. DesiredStateBuilder.Build(model).Select(node => new HostPlan(node, TestModels.FreshHost(node.Name, []),
                [new ServiceChange(node.ServiceName, action, false, "test")], [], []))],
            []);

    private static ClusterModel Split(string version, int agents) => TestModels.Cluster(
    [
        TestModels.Node("etcd-1", "10.0.0.1", NodeRole.EtcdOnly),
        TestModels.Node("etcd-2", "10.0.0.2", NodeRole.EtcdOnly),
        TestModels.Node("cp-1", "10.0.0.3", NodeRole.ControlPlaneOnly),
        TestModels.Node("cp-2", "10.0.0.4", NodeRole.ControlPlaneOnly),
        .. Enumerable.Range(1, agents).Select(i => TestModels.Node($"w-{i}", $"10.0.1.{i}", NodeRole.Agent)),
    ], version);

    private static List<string[]> Names(IReadOnlyList<IReadOnlyList<HostPlan>> waves) => [.. waves.Select(w => w.Select(h => h.Node).ToArray())];

    [Fact]
    public void Servers_go_one_at_a_time_in_join_order_then_agents_in_batches_of_ten_percent()
    {
        var waves = Names(RolloutOrder.Waves(PlanOf(Split("v1.32.5+rke2r1", 25), ServiceAction.Start), new AgentBatching()));

        Assert.Equal(["etcd-1", "etcd-2", "cp-1", "cp-2"], waves.Take(4).Select(w => Assert.Single(w)));
        Assert.Equal([3, 3, 3, 3, 3, 3, 3, 3, 1], waves.Skip(4).Select(w => w.Length));
    }

    [Fact]
    public void Agent_batches_are_at_least_one_and_honour_a_fixed_count()
    {
        Assert.Equal(1, new AgentBatching().SizeFor(3));
        Assert.Equal(2, new AgentBatching(Count: 2).SizeFor(100));
    }

    [Fact]
    public void Restarts_on_a_version_with_the_startup_race_keep_join_order()
    {
        var waves = Names(RolloutOrder.Waves(PlanOf(Split("v1.32.4+rke2r1", 1), ServiceAction.Restart), new AgentBatching()));

        Assert.Equal(["etcd-1", "etcd-2", "cp-1", "cp-2", "w-1"], waves.Select(w => Assert.Single(w)));
    }

    [Fact]
    public void Joins_keep_join_order_even_on_a_version_with_the_startup_race()
    {
        var waves = Names(RolloutOrder.Waves(PlanOf(Split("v1.32.4+rke2r1", 0), ServiceAction.Start), new AgentBatching()));

        Assert.Equal(["etcd-1", "etcd-2", "cp-1", "cp-2"], waves.Select(w => Assert.Single(w)));
    }

    [Fact]
    public void Fixed_releases_keep_join_order_for_restarts()
    {
        var waves = Names(RolloutOrder.Waves(PlanOf(Split("v1.32.5+rke2r1", 0), ServiceAction.Restart), new AgentBatching()));

        Assert.Equal(["etcd-1", "etcd-2", "cp-1", "cp-2"], waves.Select(w => Assert.Single(w)));
    }
}
