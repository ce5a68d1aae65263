using Rke2Converge.Facts;
using Rke2Converge.Model;
using Rke2Converge.Plan;
using Rke2Converge.Plan.Changes;
using Rke2Converge.Plan.Desired;
using Rke2Converge.Plan.Limit;
using Rke2Converge.Rollout;

namespace Rke2Converge.Tests.Plan.Limit;

public sealed class NodeLimitTests
{
    private static readonly NodeSpec[] Nodes =
    [
        TestModels.Node("etcd-1", "10.0.0.1", NodeRole.EtcdOnly),
        TestModels.Node("cp-1", "10.0.0.2", NodeRole.ControlPlaneOnly),
        TestModels.Node("server-1", "10.0.0.3", NodeRole.Server),
        TestModels.Node("worker-1", "10.0.1.1", NodeRole.Agent),
        TestModels.Node("worker-2", "10.0.1.2", NodeRole.Agent),
        TestModels.Node("gpu-1", "10.0.1.3", NodeRole.Agent),
    ];

    private static string[] Selected(string limit) => [.. Nodes.Where(NodeLimit.Parse(limit).Matches).Select(n => n.Name)];

    [Theory]
    [InlineData("worker-1", new[] { "worker-1" })]
    [InlineData("worker-*", new[] { "worker-1", "worker-2" })]
    [InlineData("worker-?,gpu-1", new[] { "worker-1", "worker-2", "gpu-1" })]
    [InlineData("worker-[2]", new[] { "worker-2" })]
    [InlineData("agent", new[] { "worker-1", "worker-2", "gpu-1" })]
    [InlineData("agents:!gpu-*", new[] { "worker-1", "worker-2" })]
    [InlineData("servers", new[] { "etcd-1", "cp-1", "server-1" })]
    [InlineData("server", new[] { "server-1" })]
    [InlineData("etcd,control-plane", new[] { "etcd-1", "cp-1" })]
    [InlineData("!agents", new[] { "etcd-1", "cp-1", "server-1" })]
    public void A_limit_selects_by_node_name_role_or_glob(string limit, string[] expected) =>
        Assert.Equal(expected, Selected(limit));

    [Theory]
    [InlineData("")]
    [InlineData(" , ")]
    [InlineData("worker 1")]
    [InlineData("-rf")]
    [InlineData("a;b")]
    public void A_limit_that_is_no_pattern_is_refused(string limit) =>
        Assert.Throws<FormatException>(() => NodeLimit.Parse(limit));

    [Fact]
    public void A_pattern_matching_no_node_is_named()
    {
        var problem = Assert.Single(NodeLimit.Parse("worker-1,wroker-9").Unmatched(Nodes));

        Assert.Contains("'wroker-9' matches no node", problem, StringComparison.Ordinal);
        Assert.Empty(NodeLimit.Parse("worker-*").Unmatched(Nodes));
    }

    [Fact]
    public void A_limit_that_excludes_everything_is_refused() =>
        Assert.Contains("leaves no node", Assert.Single(NodeLimit.Parse("worker-1,!worker-1").Unmatched(Nodes)), StringComparison.Ordinal);
}

public sealed class LimitedPlanTests
{
    private static ClusterModel Model(string version = "v1.32.5+rke2r1") => TestModels.Cluster(
    [
        TestModels.Node("s-1", "10.0.0.1", NodeRole.Server),
        TestModels.Node("s-2", "10.0.0.2", NodeRole.Server),
        TestModels.Node("s-3", "10.0.0.3", NodeRole.Server),
        TestModels.Node("w-1", "10.0.1.1", NodeRole.Agent),
        TestModels.Node("w-2", "10.0.1.2", NodeRole.Agent),
    ], version);

    private static ClusterModel Split(string version) => TestModels.Cluster(
    [
        TestModels.Node("etcd-1", "10.0.0.1", NodeRole.EtcdOnly),
        TestModels.Node("etcd-2", "10.0.0.2", NodeRole.EtcdOnly),
        TestModels.Node("cp-1", "10.0.0.3", NodeRole.ControlPlaneOnly),
    ], version);

    /// <summary>A plan where <paramref name="running"/> nodes run and every node gets <paramref name="change"/> (null: none).</summary>
    private static ClusterPlan PlanOf(ClusterModel model, Func<NodeDesiredState, IReadOnlyList<Change>> changes, params string[] running) =>
        new(model.Name, model.Version,
            [.. DesiredStateBuilder.Build(model).Select(node => new HostPlan(node, Facts(node, running.Contains(node.Name)), changes(node), [], []))],
            []);

    private static HostFacts Facts(NodeDesiredState node, bool running)
    {
        var facts = TestModels.FreshHost(node.Name, []);
        if (!running) return facts;
        var active = new ServiceFacts(node.ServiceName, true, true, "active");
        return node.Role.IsServer() ? facts with { ServerService = active, InstalledVersion = "v1.31.9+rke2r1" } : facts with { AgentService = active, InstalledVersion = "v1.31.9+rke2r1" };
    }

    private static IReadOnlyList<Change> Start(NodeDesiredState node) => [new ServiceChange(node.ServiceName, ServiceAction.Start, true, "not running")];

    private static IReadOnlyList<Change> Restart(NodeDesiredState node) => [new ServiceChange(node.ServiceName, ServiceAction.Restart, false, "config changes")];

    [Fact]
    public void Nodes_outside_the_limit_keep_their_facts_but_get_no_changes_and_no_steps()
    {
        var plan = LimitedPlan.Apply(PlanOf(Model(), Restart, "s-1", "s-2", "s-3", "w-1", "w-2"), NodeLimit.Parse("w-2"));

        Assert.False(plan.HasProblems);
        Assert.Equal("w-2", Assert.Single(plan.Hosts, h => h.HasChanges).Node);
        var outside = plan.Hosts.Single(h => h.Node == "s-1");
        Assert.True(outside.NotInLimit);
        Assert.True(outside.Facts.ServerService.IsActive);
        Assert.Single(outside.HeldBack);
        Assert.Contains(outside.Notes, n => n.StartsWith("not in --limit: 1 change(s)", StringComparison.Ordinal));

        var program = RolloutProgram.Build(plan, new Planner("test", TestModels.Templates(), TestModels.Reveal), null, new GateSettings(), new AgentBatching(), s => s);
        Assert.All(program.Plan.Hosts.Where(h => h.Node != "w-2"), h => Assert.Empty(h.Steps));
        Assert.NotEmpty(program.Plan.Hosts.Single(h => h.Node == "w-2").Steps);
        Assert.Equal("w-2", program.Plan.Limit);
    }

    [Fact]
    public void A_joiner_before_the_bootstrap_server_is_up_is_refused()
    {
        var plan = LimitedPlan.Apply(PlanOf(Model(), Start), NodeLimit.Parse("s-2,w-1"));

        Assert.Contains(plan.Problems, p => p.Contains("s-2 would join before s-1", StringComparison.Ordinal));
        Assert.Contains(plan.Problems, p => p.Contains("w-1 would join before the bootstrap server s-1", StringComparison.Ordinal));
    }

    [Fact]
    public void A_server_joining_before_an_earlier_server_in_join_order_is_refused_but_joining_after_it_or_with_it_is_not()
    {
        var skip = LimitedPlan.Apply(PlanOf(Model(), Start, "s-1"), NodeLimit.Parse("s-3"));
        Assert.Contains(skip.Problems, p => p.Contains("s-3 would join before s-2", StringComparison.Ordinal));

        Assert.Empty(LimitedPlan.Apply(PlanOf(Model(), Start, "s-1"), NodeLimit.Parse("s-2,s-3")).Problems);
        Assert.Empty(LimitedPlan.Apply(PlanOf(Model(), Start, "s-1", "s-2"), NodeLimit.Parse("s-3")).Problems);
        Assert.Empty(LimitedPlan.Apply(PlanOf(Model(), Start), NodeLimit.Parse("s-1")).Problems);
    }

    [Fact]
    public void Agents_cannot_be_upgraded_while_a_server_outside_the_limit_still_runs_the_older_release()
    {
        static IReadOnlyList<Change> Upgrade(NodeDesiredState node) =>
            [new InstallChange("v1.31.9+rke2r1", node.Version, "amd64"), new ServiceChange(node.ServiceName, ServiceAction.Restart, false, "version changes")];
        var all = PlanOf(Model(), Upgrade, "s-1", "s-2", "s-3", "w-1", "w-2");

        var agents = LimitedPlan.Apply(all, NodeLimit.Parse("agents"));
        Assert.Contains(agents.Problems, p => p.Contains("servers are upgraded before agents", StringComparison.Ordinal) && p.Contains("s-1, s-2, s-3", StringComparison.Ordinal));

        Assert.Empty(LimitedPlan.Apply(all, NodeLimit.Parse("servers")).Problems);
        Assert.Empty(LimitedPlan.Apply(all, NodeLimit.Parse("s-2")).Problems);
    }

    [Fact]
    public void On_a_release_with_the_startup_race_restarts_need_no_order_so_any_server_may_be_limited_alone()
    {
        var plan = PlanOf(Split("v1.32.4+rke2r1"), Restart, "etcd-1", "etcd-2", "cp-1");

        Assert.Empty(LimitedPlan.Apply(plan, NodeLimit.Parse("etcd-2")).Problems);
        Assert.Empty(LimitedPlan.Apply(plan, NodeLimit.Parse("cp-1")).Problems);
        Assert.Empty(LimitedPlan.Apply(PlanOf(Split("v1.32.5+rke2r1"), Restart, "etcd-1", "etcd-2", "cp-1"), NodeLimit.Parse("etcd-2")).Problems);
    }

    [Fact]
    public void An_etcd_only_join_with_no_control_plane_up_or_in_the_limit_is_refused()
    {
        var plan = PlanOf(Split("v1.32.5+rke2r1"), Start, "etcd-1");

        Assert.Contains(LimitedPlan.Apply(plan, NodeLimit.Parse("etcd-2")).Problems, p => p.Contains("etcd-2 (etcd only) cannot pass its node Ready gate", StringComparison.Ordinal));
        Assert.Empty(LimitedPlan.Apply(plan, NodeLimit.Parse("etcd-2,cp-1")).Problems);
    }

    [Fact]
    public void Problems_of_nodes_outside_the_limit_become_notes_except_an_unreadable_server()
    {
        var model = Model();
        var desired = DesiredStateBuilder.Build(model);
        var planner = new Planner("test", TestModels.Templates(), TestModels.Reveal);
        var facts = desired.Where(d => d.Name != "s-3" && d.Name != "w-1").ToDictionary(d => d.Name, d => TestModels.Converged(planner, d));
        var plan = planner.Plan(desired, facts, new Dictionary<string, string> { ["s-3"] = "timed out", ["w-1"] = "timed out" });

        var limited = LimitedPlan.Apply(plan, NodeLimit.Parse("w-2"));

        Assert.Contains("unreachable", Assert.Single(limited.Hosts.Single(h => h.Node == "s-3").Problems), StringComparison.Ordinal);
        Assert.Empty(limited.Hosts.Single(h => h.Node == "w-1").Problems);
        Assert.Contains(limited.Hosts.Single(h => h.Node == "w-1").Notes, n => n.StartsWith("not in --limit, left as is: unreachable", StringComparison.Ordinal));
    }
}
