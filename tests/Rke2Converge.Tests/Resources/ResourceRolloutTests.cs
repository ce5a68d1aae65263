using Rke2Converge.Model;
using Rke2Converge.Plan;
using Rke2Converge.Plan.Desired;
using Rke2Converge.Remote;
using Rke2Converge.Resources;
using Rke2Converge.Rollout;
using Rke2Converge.Rollout.Observers;
using Serilog.Core;

namespace Rke2Converge.Tests.Resources;

/// <summary>The resources phase in the rollout: steps in declaration order through the executor, one reload, one restart.</summary>
public sealed class ResourceRolloutTests
{
    [Fact]
    public async Task A_dry_run_lists_every_step_then_one_daemon_reload_and_one_restart_for_three_changes_that_ask()
    {
        var model = TestModels.Cluster([TestModels.Node("s1", "10.0.0.1", NodeRole.Server)]) with
        {
            Resources =
            [
                new ScopedResource(new SystemdDropInResource("limits", "[Service]\nLimitNOFILE=65536\n"), SettingScope.Cluster),
                new ScopedResource(new RegistriesResource().Mirror("docker.io", ["https://m.test"]), SettingScope.Cluster),
                new ScopedResource(new EnvFileResource().Set("HTTP_PROXY", "http://p:3128"), SettingScope.Cluster),
                new ScopedResource(new ManifestResource("cfg", "a: 1\n"), SettingScope.Cluster),
            ],
        };
        var planner = new Planner("test", TestModels.Templates(), TestModels.Reveal);
        var desired = DesiredStateBuilder.Build(model);
        var plan = planner.Plan(desired, desired.ToDictionary(n => n.Name, n => TestModels.Converged(planner, n) with
        {
            Resources = n.Resources.ToDictionary(r => r.Key, r => (object)FileState.Missing),
        }));
        var executor = new DryRunExecutor(text => text);
        var settings = new RolloutSettings(executor, planner, null, new GateSettings(), new LoggingObserver(Logger.None), Logger.None);

        var result = await new RolloutRunner(settings, new AgentBatching(), name => new NoShell(name)).RunAsync(plan, default);

        Assert.Equal(NodeOutcome.WouldChange, result.Nodes[0].Outcome);
        Assert.Equal(
            [
                "mark restart pending",
                "write /etc/systemd/system/rke2-server.service.d/limits.conf",
                "write /etc/rancher/rke2/registries.yaml",
                "write /etc/default/rke2-server",
                "write /var/lib/rancher/rke2/server/manifests/cfg.yaml",
                "systemctl daemon-reload",
                "service rke2-server: restart (systemd-drop-in /etc/systemd/system/rke2-server.service.d/limits.conf changes, "
                + "registries /etc/rancher/rke2/registries.yaml changes, env-file /etc/default/rke2-server changes)",
                "record the cluster identity",
                "clear pending work",
            ],
            executor.Steps.Select(s => s.Description));
    }

    /// <summary>A dry run only reads the files it would replace (none exist here); anything else reaching the shell is a bug.</summary>
    private sealed class NoShell(string nodeName) : IRemoteShell
    {
        public string NodeName => nodeName;

        public Task<RemoteResult> RunAsync(RemoteCommand command, CancellationToken cancellationToken) =>
            command.Description.StartsWith("read ", StringComparison.Ordinal)
                ? Task.FromResult(new RemoteResult(0, "absent\n", "", TimeSpan.Zero))
                : throw new InvalidOperationException($"dry run ran {command.Description}");

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
