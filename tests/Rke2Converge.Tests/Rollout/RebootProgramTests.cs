using Rke2Converge.Model;
using Rke2Converge.Plan;
using Rke2Converge.Plan.Changes;
using Rke2Converge.Plan.Desired;
using Rke2Converge.Plan.Steps;
using Rke2Converge.Remote;
using Rke2Converge.Rollout;
using Rke2Converge.Rollout.Operations;
using Xunit;

namespace Rke2Converge.Tests.Rollout;

/// <summary>What a reboot's steps are: the etcd peers checked first on an etcd member, the reboot, the host back with a new boot id, then every gate.</summary>
public sealed class RebootProgramTests
{
    private static readonly ClusterModel Model = TestModels.Cluster(
    [
        TestModels.Node("s1", "10.0.0.1", NodeRole.Server),
        TestModels.Node("s2", "10.0.0.2", NodeRole.Server),
        TestModels.Node("s3", "10.0.0.3", NodeRole.Server),
        TestModels.Node("a1", "10.0.0.4", NodeRole.Agent),
    ]);

    private static RolloutProgram Reboot()
    {
        var planner = new Planner("test", TestModels.Templates(), TestModels.Reveal);
        var desired = DesiredStateBuilder.Build(Model).Select(node => node with { RestartRequested = RequestedRestart.Reboot }).ToList();
        var plan = planner.Plan(desired, desired.ToDictionary(n => n.Name, n => TestModels.Converged(planner, n)));
        return RolloutProgram.Build(plan, planner, new ArtifactSource.Mirror(new Uri("https://mirror.test/rke2")), new GateSettings(), new AgentBatching(), text => text);
    }

    [Fact]
    public void An_etcd_member_reboots_only_after_every_other_member_is_healthy_and_is_back_with_a_new_boot_before_its_gates()
    {
        var s2 = Reboot().Plan.Hosts.Single(host => host.Node == "s2").Steps;

        var guard = s2.Single(step => step.Description.StartsWith("gate etcd health on every other etcd member", StringComparison.Ordinal));
        Assert.Equal("gate etcd health on every other etcd member (s1, s3) before the reboot", guard.Description);
        var service = s2.Single(step => step.Kind == StepKind.Service);
        Assert.True(s2.ToList().IndexOf(guard) < s2.ToList().IndexOf(service));
        var gates = s2.SkipWhile(step => step != service).Where(step => step.Kind == StepKind.Gate).Select(step => step.Target).ToList();
        Assert.Equal("host rebooted", gates[0]);
        Assert.Contains("node Ready", gates);
        Assert.Equal(StepKind.ClearPending, s2[^1].Kind);
    }

    [Fact]
    public void An_agent_reboots_without_the_etcd_check()
    {
        var a1 = Reboot().Plan.Hosts.Single(host => host.Node == "a1").Steps;

        Assert.DoesNotContain(a1, step => step.Description.Contains("every other etcd member", StringComparison.Ordinal));
        Assert.Equal("host rebooted", a1.First(step => step.Kind == StepKind.Gate && step.Target != "cordon").Target);
    }

    [Fact]
    public void The_reboot_command_reports_the_boot_id_it_leaves()
    {
        var command = ServiceOperations.Apply(new ServiceChange("rke2-agent", ServiceAction.Reboot, false, "test"));

        Assert.Equal(["rke2-agent", "reboot", "no"], command.Arguments.Take(3));
        Assert.Equal(ServiceOperations.BootIdFile, command.Arguments[^1]);
        Assert.Equal("0f1e", ServiceOperations.PreviousBootId(new RemoteResult(0, "Created symlink\nboot-id-before=0f1e\n", "", TimeSpan.Zero)));
        Assert.Null(ServiceOperations.PreviousBootId(new RemoteResult(0, "boot-id-before=\n", "", TimeSpan.Zero)));
    }
}
