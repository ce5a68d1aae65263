using Rke2Converge.Model;
using Rke2Converge.Plan;
using Rke2Converge.Plan.Desired;
using Rke2Converge.Plan.Steps;
using Rke2Converge.Rollout;
using Rke2Converge.Rollout.Operations;
using Xunit;

namespace Rke2Converge.Tests.Rollout;

/// <summary>Cordon and drain are planned steps: around an upgrade's restart by default, per role, uncordon after the gates.</summary>
public sealed class DrainStepTests
{
    private static readonly NodeSpec[] Nodes =
    [
        TestModels.Node("s1", "10.0.0.1", NodeRole.Server),
        TestModels.Node("s2", "10.0.0.2", NodeRole.Server),
        TestModels.Node("a1", "10.0.0.3", NodeRole.Agent),
    ];

    /// <summary>The cluster runs <paramref name="running"/> everywhere; the playbook asks for <paramref name="model"/>.</summary>
    private static ClusterPlan Program(ClusterModel model, string running = "v1.32.5+rke2r1")
    {
        var planner = new Planner("test", TestModels.Templates(), TestModels.Reveal);
        var desired = DesiredStateBuilder.Build(model);
        var current = DesiredStateBuilder.Build(model with { VersionText = running, Config = new ConfigMap() });
        var facts = current.ToDictionary(n => n.Name, n => TestModels.Converged(planner, n));
        return RolloutProgram.Build(planner.Plan(desired, facts), planner, null, new GateSettings(), new AgentBatching(), text => text).Plan;
    }

    private static IReadOnlyList<PlannedStep> Steps(ClusterPlan plan, string node) => plan.Hosts.Single(h => h.Node == node).Steps;

    [Fact]
    public void An_upgrade_drains_agents_and_cordons_servers_before_anything_changes_and_uncordons_after_the_gates()
    {
        var plan = Program(TestModels.Cluster(Nodes, version: "v1.32.6+rke2r1"));

        var agent = Steps(plan, "a1");
        Assert.Equal([StepKind.Cordon, StepKind.Drain, StepKind.MarkPending], agent.Take(3).Select(s => s.Kind));
        Assert.Equal("kubectl drain a1 --ignore-daemonsets --delete-emptydir-data --timeout=300s (on s1)", agent[1].Description);
        Assert.Equal([StepKind.Gate, StepKind.Uncordon, StepKind.WriteFile, StepKind.ClearPending], agent.TakeLast(4).Select(s => s.Kind));

        var s1 = Steps(plan, "s1");
        Assert.Equal([StepKind.EtcdSnapshot, StepKind.Cordon, StepKind.MarkPending], s1.Take(3).Select(s => s.Kind));
        Assert.DoesNotContain(s1, s => s.Kind == StepKind.Drain);
        Assert.EndsWith("(on s2)", s1[1].Description, StringComparison.Ordinal);
        Assert.Equal([StepKind.Uncordon, StepKind.WriteFile, StepKind.ClearPending], s1.TakeLast(3).Select(s => s.Kind));
        Assert.EndsWith("(on s1)", Steps(plan, "s2").First(s => s.Kind == StepKind.Cordon).Description, StringComparison.Ordinal);
    }

    [Fact]
    public void A_restart_for_a_config_change_is_not_wrapped_unless_the_role_asks_for_any_restart()
    {
        var config = new ConfigMap { ["node-label"] = new[] { "pool=b" } };
        var plain = Program(TestModels.Cluster(Nodes, config: config));
        Assert.Contains(Steps(plain, "a1"), s => s.Kind == StepKind.Service);
        Assert.DoesNotContain(plain.Hosts.SelectMany(h => h.Steps), s => s.Kind is StepKind.Cordon or StepKind.Drain or StepKind.Uncordon);

        var policies = new Dictionary<NodeRole, DrainPolicy> { [NodeRole.Agent] = new(DrainMode.Drain, TimeSpan.FromSeconds(40), DeleteEmptyDirData: false, Force: true, GracePeriodSeconds: 10, AnyRestart: true) };
        var any = Program(TestModels.Cluster(Nodes, config: config) with { Upgrade = new UpgradeSettings { Drain = policies } });
        Assert.Equal("kubectl drain a1 --ignore-daemonsets --force --grace-period=10 --timeout=40s (on s1)", Steps(any, "a1").Single(s => s.Kind == StepKind.Drain).Description);
        Assert.DoesNotContain(Steps(any, "s1"), s => s.Kind == StepKind.Cordon);
    }

    [Fact]
    public void NoCordon_and_a_fresh_start_plan_no_cordon()
    {
        var none = new Dictionary<NodeRole, DrainPolicy> { [NodeRole.Agent] = DrainPolicy.None, [NodeRole.Server] = DrainPolicy.None };
        var plan = Program(TestModels.Cluster(Nodes, version: "v1.32.6+rke2r1") with { Upgrade = new UpgradeSettings { Drain = none } });
        Assert.DoesNotContain(plan.Hosts.SelectMany(h => h.Steps), s => s.Kind is StepKind.Cordon or StepKind.Drain or StepKind.Uncordon);

        var planner = new Planner("test", TestModels.Templates(), TestModels.Reveal);
        var desired = DesiredStateBuilder.Build(TestModels.Cluster(Nodes));
        var fresh = planner.Plan(desired, desired.ToDictionary(n => n.Name, n => TestModels.FreshHost(n.Name, n.Sysctls.Keys)));
        var program = RolloutProgram.Build(fresh, planner, null, new GateSettings(), new AgentBatching(), text => text).Plan;
        Assert.DoesNotContain(program.Hosts.SelectMany(h => h.Steps), s => s.Kind is StepKind.Cordon or StepKind.Drain or StepKind.Uncordon);
    }

    [Fact]
    public void A_failed_drain_names_each_pod_that_blocked_it_with_the_reason_kubectl_gave()
    {
        const string output = """
            node/a1 cordoned
            evicting pod default/web-7d4b9c-x2k4p
            evicting pod default/api-5f6d7-abcde
            error when evicting pods/"web-7d4b9c-x2k4p" -n "default" (will retry after 5s): Cannot evict pod as it would violate the pod's disruption budget.
            pod/api-5f6d7-abcde evicted
            evicting pod default/web-7d4b9c-x2k4p
            There are pending pods in node "a1" when an error occurred: error when evicting pods/"web-7d4b9c-x2k4p" -n "default": global timeout reached: 20s
            pod/web-7d4b9c-x2k4p
            There are pending nodes to be drained:
             a1
            error: error when evicting pods/"web-7d4b9c-x2k4p" -n "default": global timeout reached: 20s
            """;

        Assert.Equal(["default/web-7d4b9c-x2k4p: Cannot evict pod as it would violate the pod's disruption budget."], DrainOperations.Blockers(output));
        Assert.Equal(["cannot delete Pods that declare no controller (use --force to override): default/bare"],
            DrainOperations.Blockers("There are pending nodes to be drained:\n a1\nerror: cannot delete Pods that declare no controller (use --force to override): default/bare\n"));
    }
}
