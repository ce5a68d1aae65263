using Rke2Converge.Facts;
using Rke2Converge.Gates;
using Rke2Converge.Model;
using Rke2Converge.Plan;
using Rke2Converge.Plan.Desired;
using Rke2Converge.Rollout;
using Xunit;

namespace Rke2Converge.Tests.Rollout;

/// <summary>Only an etcd-only node joined before any control plane may put off its node Ready gate.</summary>
public sealed class NodeReadyDeferralTests
{
    [Theory]
    [InlineData(NodeRole.Agent)]
    [InlineData(NodeRole.Server)]
    [InlineData(NodeRole.ControlPlaneOnly)]
    public void Every_role_but_etcd_only_passes_node_Ready_even_when_no_control_plane_is_known_to_be_up(NodeRole role) =>
        Assert.Contains(GateSet.For(role, controlPlaneUp: false), gate => gate is NodeReadyGate);

    [Fact]
    public void An_etcd_only_node_defers_node_Ready_only_while_no_control_plane_is_up()
    {
        Assert.DoesNotContain(GateSet.For(NodeRole.EtcdOnly, controlPlaneUp: false), gate => gate is NodeReadyGate);
        Assert.Contains(GateSet.For(NodeRole.EtcdOnly, controlPlaneUp: true), gate => gate is NodeReadyGate);
    }

    [Fact]
    public void A_running_server_without_changes_counts_as_an_up_control_plane_for_the_agents_after_it()
    {
        var plan = AgentOnlyDrift();
        var reports = new Dictionary<string, NodeReport>(StringComparer.Ordinal)
        {
            ["s1"] = new("s1", NodeOutcome.Unchanged, TimeSpan.Zero, TimeSpan.Zero, null),
        };

        Assert.True(RolloutRunner.ControlPlaneUp(plan, reports));
    }

    [Fact]
    public void A_control_plane_that_is_down_and_not_yet_converged_does_not_count()
    {
        var plan = AgentOnlyDrift();
        var down = plan with
        {
            Hosts = [.. plan.Hosts.Select(h => h.Node == "s1" ? h with { Facts = h.Facts with { ServerService = ServiceFacts.Missing("rke2-server") } } : h)],
        };

        Assert.False(RolloutRunner.ControlPlaneUp(down, new Dictionary<string, NodeReport>(StringComparer.Ordinal)));
        var converged = new Dictionary<string, NodeReport>(StringComparer.Ordinal) { ["s1"] = new("s1", NodeOutcome.Converged, TimeSpan.Zero, TimeSpan.Zero, null) };
        Assert.True(RolloutRunner.ControlPlaneUp(down, converged));
    }

    /// <summary>One running server with nothing to change, two agents whose config drifted.</summary>
    private static ClusterPlan AgentOnlyDrift()
    {
        var model = TestModels.Cluster(
        [
            TestModels.Node("s1", "10.0.0.1", NodeRole.Server),
            TestModels.Node("a1", "10.0.0.2", NodeRole.Agent),
            TestModels.Node("a2", "10.0.0.3", NodeRole.Agent),
        ], config: new ConfigMap { ["node-label"] = new[] { "tier=a" } });
        var planner = new Planner("test", TestModels.Templates(), TestModels.Reveal);
        var desired = DesiredStateBuilder.Build(model);
        var plan = planner.Plan(desired, desired.ToDictionary(n => n.Name, n => n.Role == NodeRole.Agent
            ? TestModels.Converged(planner, n) with { ConfigYaml = TestModels.Converged(planner, n).ConfigYaml!.Replace("tier=a", "tier=old", StringComparison.Ordinal) }
            : TestModels.Converged(planner, n)));
        Assert.False(plan.Hosts.Single(h => h.Node == "s1").HasChanges);
        Assert.True(plan.Hosts.Where(h => h.Desired.Role == NodeRole.Agent).All(h => h.HasChanges));
        return plan;
    }
}
