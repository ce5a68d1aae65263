using Rke2Converge.Facts;
using Rke2Converge.Gates;
using Rke2Converge.Model;
using Rke2Converge.Plan;
using Rke2Converge.Plan.Desired;
using Rke2Converge.Remote;
using Rke2Converge.Rollout;
using Rke2Converge.Rollout.Observers;
using Serilog.Core;
using Xunit;

namespace Rke2Converge.Tests.Rollout;

/// <summary>The pending-work marker is written before the change it guards and outlives a restart that never happened.</summary>
public sealed class PendingWorkTests
{
    private static readonly ClusterModel Model = TestModels.Cluster(
        [TestModels.Node("s1", "10.0.0.1", NodeRole.Server), TestModels.Node("s2", "10.0.0.2", NodeRole.Server)],
        config: new ConfigMap { ["node-label"] = new[] { "tier=a" } });

    [Fact]
    public async Task A_restart_that_fails_leaves_the_restart_marked_pending_and_later_nodes_untouched()
    {
        var planner = new Planner("test", TestModels.Templates(), TestModels.Reveal);
        var desired = DesiredStateBuilder.Build(Model);
        // Both nodes run an older config: each needs config.yaml written and a restart.
        var plan = planner.Plan(desired, desired.ToDictionary(n => n.Name, n => TestModels.Converged(planner, n) with
        {
            ConfigYaml = TestModels.Converged(planner, n).ConfigYaml!.Replace("tier=a", "tier=old", StringComparison.Ordinal),
        }));
        var shells = desired.ToDictionary(n => n.Name, n => new RecordingShell(n.Name, failing: "service rke2-server: restart"));
        var settings = new RolloutSettings(new LiveExecutor(), planner, null, new GateSettings(), new LoggingObserver(Logger.None), Logger.None);

        var result = await new RolloutRunner(settings, new AgentBatching(), name => shells[name]).RunAsync(plan, default);

        Assert.Equal(NodeOutcome.Failed, result.Nodes[0].Outcome);
        Assert.Equal(NodeOutcome.NotReached, result.Nodes[1].Outcome);
        Assert.Equal(["mark restart pending", "write /etc/rancher/rke2/config.yaml", "service rke2-server: restart (config changes)"], shells["s1"].Ran);
        Assert.Empty(shells["s2"].Ran);
    }

    [Fact]
    public async Task Removed_drop_ins_go_after_config_yaml_and_before_the_one_restart()
    {
        var planner = new Planner("test", TestModels.Templates(), TestModels.Reveal);
        var desired = DesiredStateBuilder.Build(Model with { ConfigDropIns = ConfigDropInPolicy.Remove });
        var plan = planner.Plan(desired, desired.ToDictionary(n => n.Name, n => TestModels.Converged(planner, n) with
        {
            ConfigYaml = TestModels.Converged(planner, n).ConfigYaml!.Replace("tier=a", "tier=old", StringComparison.Ordinal),
            ConfigDropIns = n.Name == "s1" ? [new("50-cis.yaml", "profile: cis\n"), new("60-labels.yaml", "node-label+: [x=y]\n")] : [],
        }));
        // The restart fails, so the rollout stops there: what ran before it is the whole story.
        var shells = desired.ToDictionary(n => n.Name, n => new RecordingShell(n.Name, failing: "service rke2-server: restart"));
        var settings = new RolloutSettings(new LiveExecutor(), planner, null, new GateSettings(), new LoggingObserver(Logger.None), Logger.None);

        await new RolloutRunner(settings, new AgentBatching(), name => shells[name]).RunAsync(plan, default);

        Assert.Equal(
        [
            "mark restart pending", "write /etc/rancher/rke2/config.yaml",
            "remove /etc/rancher/rke2/config.yaml.d/50-cis.yaml (kept under /var/lib/rancher/rke2c/backups)",
            "remove /etc/rancher/rke2/config.yaml.d/60-labels.yaml (kept under /var/lib/rancher/rke2c/backups)",
            "service rke2-server: restart (config changes)",
        ], shells["s1"].Ran);
    }

    /// <summary>Answers every command with success, except the one whose description starts with <c>failing</c>.</summary>
    private sealed class RecordingShell(string nodeName, string failing) : IRemoteShell
    {
        public string NodeName => nodeName;

        public List<string> Ran { get; } = [];

        public Task<RemoteResult> RunAsync(RemoteCommand command, CancellationToken cancellationToken)
        {
            Ran.Add(command.Description);
            return Task.FromResult(command.Description.StartsWith(failing, StringComparison.Ordinal)
                ? new RemoteResult(1, "", "Failed to restart rke2-server.service: Transport endpoint is not connected", TimeSpan.Zero)
                : new RemoteResult(0, "", "", TimeSpan.Zero));
        }

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
