using Rke2Converge.Gates;
using Rke2Converge.Model;
using Rke2Converge.Plan.Desired;
using Rke2Converge.Remote;

namespace Rke2Converge.Tests.Gates;

/// <summary>Gates report what they saw and never throw; a crash-looping unit fails its gate at once, quoting the crash.</summary>
public sealed class GateFailureTests
{
    private const string FatalLine = "time=\"2026-11-29T22:00:00Z\" level=fatal msg=\"invalid kernel parameter value vm.overcommit_memory=0 - expected 1\\n\"";
    private const string PanicLine = "panic: runtime error: invalid memory address or nil pointer dereference";

    private static GateContext Context(NodeRole role, string version = "v1.32.5+rke2r1")
    {
        var model = TestModels.Cluster([TestModels.Node("n1", "127.0.10.1", role)], version);
        var node = model.Nodes[0];
        var desired = new NodeDesiredState(node, model.Version, new Dictionary<string, string>(), [], new ConfigMap());
        return new GateContext(desired, 0, new GateSettings { SettleWindow = TimeSpan.FromSeconds(10) });
    }

    private static RemoteResult Ok(string stdout) => new(0, stdout, "", TimeSpan.Zero);

    private static string Crashing(int restarts, string? line) =>
        $"ActiveState=activating\nSubState=auto-restart\nMainPID=0\nNRestarts={restarts}\n" + (line is null ? "" : $"FatalLine={line}\n");

    [Theory]
    [InlineData("1800000000\n{\"containers\":[{\"state\":\"CONTAINER_RUNNING\",\"createdAt\":\"1\"}]}", "KeyNotFoundException")]
    [InlineData("1800000000\n{\"containers\":[{\"metadata\":{\"name\":\"etcd\"},\"state\":\"CONTAINER_RUNNING\",\"createdAt\":\"soon\"}]}", "FormatException")]
    [InlineData("1800000000\n{\"containers\":[{\"metadata\":{\"name\":\"etcd\"},\"state\":7,\"createdAt\":\"1\"}]}", "InvalidOperationException")]
    public void Static_pods_output_it_cannot_read_is_an_observation_not_an_exception(string stdout, string cause)
    {
        var observation = new StaticPodsStableGate().Evaluate(Context(NodeRole.Server), Ok(stdout));

        Assert.False(observation.Passed);
        Assert.False(observation.Final);
        Assert.Contains(cause, observation.Observed, StringComparison.Ordinal);
    }

    [Fact]
    public void Observe_turns_any_evaluation_error_into_a_failed_observation()
    {
        var observation = new ThrowingGate().Observe(Context(NodeRole.Agent), Ok("garbage"));

        Assert.False(observation.Passed);
        Assert.Contains("FormatException: not a number", observation.Observed, StringComparison.Ordinal);
        Assert.Contains("garbage", observation.Observed, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_gate_whose_output_never_parses_fails_with_a_gate_failure_that_says_so()
    {
        var gate = new ThrowingGate();
        var context = Context(NodeRole.Agent) with { Settings = new GateSettings { NodeReady = new GateTiming(TimeSpan.FromMilliseconds(300), TimeSpan.FromMilliseconds(50)) } };

        var failure = await Assert.ThrowsAsync<GateFailedException>(() =>
            GateRunner.WaitAsync(new CannedShell(Ok("garbage")), gate, context, (_, _, _) => { }, default));

        Assert.Contains("FormatException", failure.LastObserved, StringComparison.Ordinal);
    }

    [Fact]
    public void A_unit_restarted_again_and_again_with_a_fatal_line_is_a_crash_loop_quoted_in_the_observation()
    {
        var gate = new ServiceActiveGate();

        var loop = gate.Evaluate(Context(NodeRole.Agent), Ok(Crashing(ServiceActiveGate.CrashLoopRestarts, FatalLine)));

        Assert.False(loop.Passed);
        Assert.True(loop.Final);
        Assert.Contains($"crash loop: rke2-agent restarted {ServiceActiveGate.CrashLoopRestarts} times", loop.Observed, StringComparison.Ordinal);
        Assert.Contains(FatalLine, loop.Observed, StringComparison.Ordinal);
        Assert.DoesNotContain("known", loop.Observed, StringComparison.Ordinal);
    }

    [Fact]
    public void Fewer_restarts_or_no_fatal_line_is_not_yet_a_crash_loop()
    {
        var gate = new ServiceActiveGate();

        Assert.False(gate.Evaluate(Context(NodeRole.Server), Ok(Crashing(ServiceActiveGate.CrashLoopRestarts - 1, FatalLine))).Final);
        Assert.False(gate.Evaluate(Context(NodeRole.Server), Ok(Crashing(ServiceActiveGate.CrashLoopRestarts + 5, null))).Final);
        // A unit that came up after its restarts passes, whatever it logged before.
        Assert.True(gate.Evaluate(Context(NodeRole.Server), Ok($"ActiveState=active\nSubState=running\nMainPID=77\nNRestarts=4\nFatalLine={FatalLine}\n")).Passed);
    }

    [Theory]
    [InlineData("v1.32.4+rke2r1", NodeRole.ControlPlaneOnly, "fixed in v1.32.5+rke2r1")]
    [InlineData("v1.30.12+rke2r1", NodeRole.Server, "fixed in v1.30.13+rke2r1")]
    [InlineData("v1.33.0+rke2r1", NodeRole.ControlPlaneOnly, "fixed in v1.33.1+rke2r1")]
    public void The_known_secrets_encrypt_panic_on_an_affected_release_is_named_with_the_fix(string version, NodeRole role, string fix)
    {
        var loop = new ServiceActiveGate().Evaluate(Context(role, version), Ok(Crashing(5, PanicLine)));

        Assert.True(loop.Final);
        Assert.Contains(PanicLine, loop.Observed, StringComparison.Ordinal);
        Assert.Contains($"known {version} startup race", loop.Observed, StringComparison.Ordinal);
        Assert.Contains("rancher/rke2#8236, #8269", loop.Observed, StringComparison.Ordinal);
        Assert.Contains(fix, loop.Observed, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("v1.32.5+rke2r1", NodeRole.ControlPlaneOnly)]
    [InlineData("v1.32.4+rke2r1", NodeRole.EtcdOnly)]
    public void The_same_panic_on_a_fixed_release_or_without_a_control_plane_is_not_blamed_on_the_known_bug(string version, NodeRole role)
    {
        var loop = new ServiceActiveGate().Evaluate(Context(role, version), Ok(Crashing(5, PanicLine)));

        Assert.True(loop.Final);
        Assert.DoesNotContain("known", loop.Observed, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_crash_loop_fails_the_gate_on_the_first_look_however_long_its_timeout()
    {
        var shell = new CannedShell(Ok(Crashing(4, FatalLine)));
        var context = Context(NodeRole.Agent) with { Settings = new GateSettings { ServiceActive = new GateTiming(TimeSpan.FromHours(2), TimeSpan.FromMilliseconds(10)) } };

        var failure = await Assert.ThrowsAsync<GateFailedException>(() =>
            GateRunner.WaitAsync(shell, new ServiceActiveGate(), context, (_, _, _) => { }, default));

        Assert.Equal(1, shell.Calls);
        Assert.Contains("gate 'service active' failed after", failure.Message, StringComparison.Ordinal);
        Assert.Contains("crash loop", failure.Message, StringComparison.Ordinal);
        Assert.Contains(FatalLine, failure.Message, StringComparison.Ordinal);
    }

    private sealed class ThrowingGate : ReadinessGate
    {
        public override string Name => "throwing";

        public override GateTiming Timing(GateSettings settings) => settings.NodeReady;

        public override RemoteCommand Probe(GateContext context) => new("probe", "true");

        public override GateObservation Evaluate(GateContext context, RemoteResult result) =>
            throw new FormatException("not a number");
    }

    private sealed class CannedShell(RemoteResult answer) : IRemoteShell
    {
        public int Calls { get; private set; }

        public string NodeName => "n1";

        public Task<RemoteResult> RunAsync(RemoteCommand command, CancellationToken cancellationToken)
        {
            Calls++;
            return Task.FromResult(answer);
        }

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
