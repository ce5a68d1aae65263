using Rke2Converge.Gates;
using Rke2Converge.Logging;
using Rke2Converge.Model;
using Rke2Converge.Plan;
using Rke2Converge.Plan.Desired;
using Rke2Converge.Plan.Diff;
using Rke2Converge.Remote;
using Rke2Converge.Rollout;
using Rke2Converge.Rollout.Observers;
using Serilog.Core;
using Xunit;

namespace Rke2Converge.Tests.Rollout;

/// <summary>A dry run goes through the rollout with the real phases but runs only reads, and shows commands and diffs without secrets.</summary>
public sealed class DryRunTests
{
    private static readonly ClusterModel Model = TestModels.Cluster(
        [TestModels.Node("s1", "10.0.0.1", NodeRole.Server), TestModels.Node("a1", "10.0.0.2", NodeRole.Agent)],
        config: new ConfigMap { ["node-label"] = new[] { "tier=a" } });

    [Fact]
    public async Task Runs_only_reads_and_records_each_command_line_and_a_masked_diff()
    {
        var planner = new Planner("test", TestModels.Templates(), TestModels.Reveal);
        var desired = DesiredStateBuilder.Build(Model);
        var onHost = desired.ToDictionary(n => n.Name, n => TestModels.Converged(planner, n).ConfigYaml!
            .Replace("tier=a", "tier=old", StringComparison.Ordinal)
            .Replace(TestModels.Token, "the-old-token-on-the-node", StringComparison.Ordinal));
        var plan = planner.Plan(desired, desired.ToDictionary(n => n.Name, n => TestModels.Converged(planner, n) with { ConfigYaml = onHost[n.Name] }));
        var shells = desired.ToDictionary(n => n.Name, n => new FileReadingShell(n.Name, onHost[n.Name]));
        var redactor = new SecretRedactor();
        redactor.Register(TestModels.Token);
        var executor = new DryRunExecutor(redactor.Redact);
        var settings = new RolloutSettings(executor, planner, null, new GateSettings(), new LoggingObserver(Logger.None, dryRun: true), Logger.None);

        var result = await new RolloutRunner(settings, new AgentBatching(), name => shells[name]).RunAsync(plan, default);

        Assert.All(result.Nodes, node => Assert.Equal(NodeOutcome.WouldChange, node.Outcome));
        Assert.True(result.Succeeded);
        Assert.All(shells.Values, shell => Assert.Equal(["read /etc/rancher/rke2/config.yaml"], shell.Ran));
        var steps = executor.Steps.Where(step => step.Node == "s1").ToList();
        Assert.Equal(["mark restart pending", "write /etc/rancher/rke2/config.yaml", "service rke2-server: restart (config changes)", "record the cluster identity", "clear pending work"],
            steps.Select(step => step.Description));
        var write = steps[1];
        Assert.StartsWith("timeout -k 5 30 sh -c 'set -eu", write.CommandLine, StringComparison.Ordinal);
        Assert.Contains("' rke2c /etc/rancher/rke2/config.yaml 0600 /var/lib/rancher/rke2c/backups ", write.CommandLine, StringComparison.Ordinal);
        Assert.Contains("\n-- tier=old\n+- tier=a\n", write.Diff, StringComparison.Ordinal);
        // The token changed too: shown as a changed line, both sides masked.
        Assert.Contains("\n-token: (sensitive)\n+token: (sensitive)\n", write.Diff, StringComparison.Ordinal);
        var everything = string.Join("\n", executor.Steps.Select(step => $"{step.CommandLine}\n{step.Input}\n{step.Diff}"));
        Assert.DoesNotContain(TestModels.Token, everything, StringComparison.Ordinal);
        Assert.DoesNotContain("the-old-token-on-the-node", everything, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("token: abc123", "token: (sensitive)")]
    [InlineData("agent-token: \"abc123\"", "agent-token: (sensitive)")]
    [InlineData("\"etcd-s3-secret-key\": x", "\"etcd-s3-secret-key\": (sensitive)")]
    [InlineData("token+: abc123", "token+: (sensitive)")]
    [InlineData("node-label: abc123", "node-label: abc123")]
    [InlineData("tls-san: [my-secret-value-1]", "tls-san: [(sensitive)]")]
    public void Masks_sensitive_keys_and_known_secrets(string line, string expected)
    {
        var redactor = new SecretRedactor();
        redactor.Register("my-secret-value-1");

        Assert.Equal(expected, SensitiveLines.Mask(line, redactor.Redact));
    }

    [Fact]
    public void Masks_a_block_value_of_a_sensitive_key_and_keeps_what_follows()
    {
        var masked = SensitiveLines.Mask("token: |\n  line-one\n  line-two\nnode-name: n1\n", s => s);

        Assert.Equal("token: |\n  (sensitive)\n  (sensitive)\nnode-name: n1\n", masked);
    }

    /// <summary>Answers a read with the node's current config.yaml and records every command it is asked to run.</summary>
    private sealed class FileReadingShell(string nodeName, string configYaml) : IRemoteShell
    {
        public string NodeName => nodeName;

        public List<string> Ran { get; } = [];

        public Task<RemoteResult> RunAsync(RemoteCommand command, CancellationToken cancellationToken)
        {
            lock (Ran) Ran.Add(command.Description);
            return Task.FromResult(new RemoteResult(0, $"present\n{configYaml}", "", TimeSpan.Zero));
        }

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
