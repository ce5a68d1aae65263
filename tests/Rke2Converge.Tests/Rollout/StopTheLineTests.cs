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

/// <summary>Whatever goes wrong inside the rollout ends as the stop-the-line report: node, step, error, untouched nodes.</summary>
public sealed class StopTheLineTests
{
    [Fact]
    public async Task An_unexpected_exception_in_a_phase_fails_the_node_with_its_step_and_leaves_the_rest_untouched()
    {
        var (plan, planner) = ConfigChangePlan([TestModels.Node("s1", "10.0.0.1", NodeRole.Server), TestModels.Node("s2", "10.0.0.2", NodeRole.Server)]);
        var shells = Shells(plan, throwOn: "write /etc/rancher/rke2/config.yaml", error: new KeyNotFoundException("The given key 'x' was not present"));

        var result = await Runner(planner, shells).RunAsync(plan, default);

        var failure = Assert.Single(result.Nodes, n => n.Outcome == NodeOutcome.Failed);
        Assert.Equal("s1", failure.Node);
        Assert.Equal("s1: config.yaml: KeyNotFoundException: The given key 'x' was not present", failure.Error);
        Assert.Equal(["s2"], result.NotReached);
        Assert.Empty(shells["s2"].Ran);
    }

    [Fact]
    public async Task A_failed_etcd_snapshot_before_an_upgrade_stops_the_line_before_any_node_changes()
    {
        var nodes = new[] { TestModels.Node("s1", "10.0.0.1", NodeRole.Server), TestModels.Node("a1", "10.0.1.1", NodeRole.Agent) };
        var model = TestModels.Cluster(nodes, version: "v1.33.1+rke2r1");
        var planner = new Planner("test", TestModels.Templates(), TestModels.Reveal);
        var desired = DesiredStateBuilder.Build(model);
        var plan = planner.Plan(desired, desired.ToDictionary(n => n.Name, n => TestModels.Converged(planner, n) with { InstalledVersion = "v1.32.5+rke2r1" }));
        var shells = Shells(plan, failOn: "etcd snapshot");

        var result = await Runner(planner, shells, new ArtifactSource.LocalDirectory("/nonexistent")).RunAsync(plan, default);

        var failure = Assert.Single(result.Nodes, n => n.Outcome == NodeOutcome.Failed);
        Assert.Equal("s1", failure.Node);
        Assert.StartsWith("s1: etcd snapshot before the upgrade: etcd snapshot rke2c-pre-v1.33.1-rke2r1 failed (exit 1)", failure.Error, StringComparison.Ordinal);
        Assert.Equal(["a1"], result.NotReached);
        Assert.Null(result.Snapshot);
        Assert.Equal(["etcd snapshot rke2c-pre-v1.33.1-rke2r1"], shells["s1"].Ran);
        Assert.Empty(shells["a1"].Ran);
    }

    [Fact]
    public async Task A_failed_marker_clear_after_a_deferred_node_Ready_gate_is_reported_on_that_node()
    {
        // An etcd-only node joins before any control plane is up, so its node Ready gate runs at the end.
        var nodes = new[] { TestModels.Node("e1", "10.0.0.1", NodeRole.EtcdOnly), TestModels.Node("c1", "10.0.0.2", NodeRole.ControlPlaneOnly) };
        var model = TestModels.Cluster(nodes);
        var planner = new Planner("test", TestModels.Templates(), TestModels.Reveal);
        var desired = DesiredStateBuilder.Build(model);
        var plan = planner.Plan(desired, desired.ToDictionary(n => n.Name, n => TestModels.Converged(planner, n) with
        {
            ServerService = new ServiceFacts("rke2-server", true, true, "inactive"),
        }));
        var shells = Shells(plan, failOn: "clear pending work", failingNode: "e1");

        var result = await Runner(planner, shells).RunAsync(plan, default);

        var e1 = result.Nodes.Single(n => n.Node == "e1");
        Assert.Equal(NodeOutcome.Failed, e1.Outcome);
        Assert.StartsWith("e1: node Ready (deferred): clear pending work failed (exit 1)", e1.Error, StringComparison.Ordinal);
        Assert.Equal(NodeOutcome.Converged, result.Nodes.Single(n => n.Node == "c1").Outcome);
        Assert.False(result.Succeeded);
    }

    private static (ClusterPlan Plan, Planner Planner) ConfigChangePlan(IReadOnlyList<NodeSpec> nodes)
    {
        var model = TestModels.Cluster(nodes, config: new ConfigMap { ["node-label"] = new[] { "tier=a" } });
        var planner = new Planner("test", TestModels.Templates(), TestModels.Reveal);
        var desired = DesiredStateBuilder.Build(model);
        var plan = planner.Plan(desired, desired.ToDictionary(n => n.Name, n => TestModels.Converged(planner, n) with
        {
            ConfigYaml = TestModels.Converged(planner, n).ConfigYaml!.Replace("tier=a", "tier=old", StringComparison.Ordinal),
        }));
        return (plan, planner);
    }

    private static RolloutRunner Runner(Planner planner, Dictionary<string, GateAnsweringShell> shells, ArtifactSource? artifacts = null)
    {
        var settings = new RolloutSettings(new LiveExecutor(), planner, artifacts, new GateSettings(), new LoggingObserver(Logger.None), Logger.None);
        return new RolloutRunner(settings, new AgentBatching(), name => shells[name]);
    }

    private static Dictionary<string, GateAnsweringShell> Shells(ClusterPlan plan, string? failOn = null, string? failingNode = null, string? throwOn = null, Exception? error = null) =>
        plan.Hosts.ToDictionary(h => h.Node, h => new GateAnsweringShell(h.Node, failingNode is null || failingNode == h.Node ? failOn : null, throwOn, error));

    /// <summary>
    /// A node that passes every readiness probe on the first look. The command whose description starts with
    /// <c>failOn</c> exits 1; the one starting with <c>throwOn</c> throws <c>error</c>.
    /// </summary>
    private sealed class GateAnsweringShell(string nodeName, string? failOn, string? throwOn, Exception? error) : IRemoteShell
    {
        private static readonly long Now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();

        public string NodeName => nodeName;

        public List<string> Ran { get; } = [];

        public Task<RemoteResult> RunAsync(RemoteCommand command, CancellationToken cancellationToken)
        {
            var description = command.Description;
            if (throwOn is not null && description.StartsWith(throwOn, StringComparison.Ordinal)) throw error!;
            if (!IsProbe(description)) Ran.Add(description);
            if (failOn is not null && description.StartsWith(failOn, StringComparison.Ordinal))
            {
                return Task.FromResult(new RemoteResult(1, "", "Error: something broke", TimeSpan.Zero));
            }
            return Task.FromResult(new RemoteResult(0, Answer(description), "", TimeSpan.Zero));
        }

        private static bool IsProbe(string description) =>
            description.StartsWith("check ", StringComparison.Ordinal) || description.StartsWith("probe ", StringComparison.Ordinal)
            || description.StartsWith("kubectl ", StringComparison.Ordinal) || description is "crictl ps" or "etcdctl member list";

        private string Answer(string description) => description switch
        {
            _ when description.StartsWith("check ", StringComparison.Ordinal) => "ActiveState=active\nSubState=running\nMainPID=4242\nNRestarts=0\n",
            _ when description.EndsWith(":9345/ping", StringComparison.Ordinal) => "pong",
            _ when description.Contains(":2381/health", StringComparison.Ordinal) => "{\"health\":\"true\"}",
            "etcdctl member list" => $"{{\"members\":[{{\"name\":\"{nodeName}-0a1b2c3d\",\"isLearner\":false}}]}}",
            "kubectl get --raw /readyz" => "ok",
            _ when description.StartsWith("kubectl get node ", StringComparison.Ordinal) => "True",
            "crictl ps" => $"{Now * 1_000_000_000}\n{{\"containers\":[" +
                           $"{{\"metadata\":{{\"name\":\"etcd\"}},\"state\":\"CONTAINER_RUNNING\",\"createdAt\":\"{(Now - 3600) * 1_000_000_000}\"}}," +
                           $"{{\"metadata\":{{\"name\":\"kube-apiserver\"}},\"state\":\"CONTAINER_RUNNING\",\"createdAt\":\"{(Now - 3600) * 1_000_000_000}\"}}]}}",
            _ => "",
        };

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
