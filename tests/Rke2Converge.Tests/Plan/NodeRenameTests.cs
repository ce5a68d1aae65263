using Rke2Converge.Facts;
using Rke2Converge.Model;
using Rke2Converge.Plan;
using Rke2Converge.Plan.Desired;

namespace Rke2Converge.Tests.Plan;

/// <summary>A host running RKE2 under one node name and declared under another is a plan problem, not a restart.</summary>
public sealed class NodeRenameTests
{
    private static readonly ClusterModel Model = TestModels.Cluster(
        [TestModels.Node("s1", "10.0.0.1", NodeRole.Server), TestModels.Node("w9", "10.0.0.2", NodeRole.Agent)]);

    private readonly Planner _planner = new("test", TestModels.Templates(), TestModels.Reveal);

    private static IReadOnlyList<NodeDesiredState> Desired => DesiredStateBuilder.Build(Model);

    private HostFacts RunningAs(NodeDesiredState node, string name) => TestModels.Converged(_planner, node) with
    {
        ConfigYaml = TestModels.Converged(_planner, node).ConfigYaml!.Replace($"node-name: {node.Name}", $"node-name: {name}", StringComparison.Ordinal),
    };

    [Fact]
    public void A_running_node_declared_under_a_new_name_is_a_problem_that_says_to_remove_the_old_and_add_the_new()
    {
        var plan = _planner.Plan(Desired, Desired.ToDictionary(n => n.Name, n => n.Name == "w9" ? RunningAs(n, "w1") : TestModels.Converged(_planner, n)));

        Assert.True(plan.HasProblems);
        var problem = Assert.Single(plan.Hosts.Single(h => h.Node == "w9").Problems);
        Assert.Contains("this host runs RKE2 as node 'w1', the playbook names it 'w9'", problem, StringComparison.Ordinal);
        Assert.Contains("Remove(\"w1\", \"10.0.0.2\") and run rke2c remove", problem, StringComparison.Ordinal);
        Assert.Empty(plan.Hosts.Single(h => h.Node == "s1").Problems);
    }

    [Fact]
    public void A_new_name_before_rke2_is_installed_is_an_ordinary_change()
    {
        var plan = _planner.Plan(Desired, Desired.ToDictionary(n => n.Name, n => n.Name == "w9" ? RunningAs(n, "w1") with { InstalledVersion = null } : TestModels.Converged(_planner, n)));

        Assert.False(plan.HasProblems, string.Join("\n", plan.Hosts.SelectMany(h => h.Problems)));
        Assert.True(plan.HasDrift);
    }
}
