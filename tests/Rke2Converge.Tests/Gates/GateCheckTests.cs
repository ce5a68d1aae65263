using Rke2Converge.Gates;
using Rke2Converge.Model;
using Rke2Converge.Plan.Desired;
using Rke2Converge.Remote;

namespace Rke2Converge.Tests.Gates;

/// <summary><c>rke2c check</c>'s engine: one look per gate, in the rollout's order; an unreachable node is not probed again.</summary>
public sealed class GateCheckTests
{
    private static readonly NodeSpec Agent = TestModels.Node("a1", "10.0.0.2", NodeRole.Agent);

    [Fact]
    public async Task An_unreachable_node_is_tried_once_and_its_other_gates_are_skipped()
    {
        var shell = new ScriptedShell("a1", _ => throw new RemoteConnectionException("a1: ssh: connect to host 10.0.0.2 port 22: Connection refused"));
        var check = Assert.Single(await RunAsync(shell));

        Assert.Equal(1, shell.Calls);
        Assert.True(check.Unreachable);
        Assert.False(check.Passed);
        Assert.Equal(GateCheck.GatesOf(Desired(), new GateSettings()).Select(g => g.Name), check.Gates.Select(g => g.Gate));
        Assert.Contains("Connection refused", check.Gates[0].Observed, StringComparison.Ordinal);
        Assert.All(check.Gates.Skip(1), look => Assert.True(look.Skipped));
    }

    [Fact]
    public async Task A_probe_that_times_out_fails_its_gate_only_and_the_rest_are_still_looked_at()
    {
        var shell = new ScriptedShell("a1", command => command.Description.StartsWith("check rke2-agent", StringComparison.Ordinal)
            ? throw new RemoteTimeoutException("a1: check rke2-agent state timed out after 15s")
            : new RemoteResult(0, "True", "", TimeSpan.Zero));
        var check = Assert.Single(await RunAsync(shell));

        Assert.False(check.Unreachable);
        Assert.Equal(check.Gates.Count, shell.Calls);
        Assert.False(check.Gates[0].Passed);
        Assert.DoesNotContain(check.Gates, look => look.Skipped);
        Assert.True(check.Gates.Single(g => g.Gate == "node Ready").Passed);
    }

    private static NodeDesiredState Desired() =>
        DesiredStateBuilder.Build(TestModels.Cluster([TestModels.Node("s1", "10.0.0.1", NodeRole.Server), Agent])).Single(d => d.Name == "a1");

    private static Task<IReadOnlyList<NodeCheck>> RunAsync(IRemoteShell shell) =>
        GateCheck.RunAsync([(Desired(), shell)], new GateSettings(), parallel: 4, _ => { }, CancellationToken.None);

    private sealed class ScriptedShell(string name, Func<RemoteCommand, RemoteResult> answer) : IRemoteShell
    {
        public int Calls { get; private set; }

        public string NodeName => name;

        public Task<RemoteResult> RunAsync(RemoteCommand command, CancellationToken cancellationToken)
        {
            Calls++;
            return Task.FromResult(answer(command));
        }

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
