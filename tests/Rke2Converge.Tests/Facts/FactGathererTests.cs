using Rke2Converge.Facts;
using Rke2Converge.Model;
using Rke2Converge.Remote;
using Rke2Converge.Tests.Remote;
using Xunit;

namespace Rke2Converge.Tests.Facts;

public sealed class FactGathererTests
{
    private static readonly string[] Keys = ["kernel.ostype"];

    private static NodeSpec Node(string name) =>
        new(name, "192.0.2.1", NodeRole.Agent, new SshSettings(), new Dictionary<string, string>(), new ConfigMap(), null);

    private static FactRequest Request(IRemoteShell shell) => new(Node(shell.NodeName), shell, Keys);

    [Fact]
    public async Task Gathers_every_host_by_node_name()
    {
        var gatherer = new FactGatherer();

        var facts = await gatherer.GatherAsync(
            new[] { "a", "b", "c" }.Select(name => Request(new LocalShell(name))), default);

        Assert.Equal(["a", "b", "c"], facts.Keys.Order());
        Assert.All(facts, pair => Assert.Equal(pair.Key, pair.Value.Node));
        Assert.All(facts.Values, f => Assert.Equal("Linux", f.Sysctls["kernel.ostype"]));
    }

    [Fact]
    public async Task Tries_every_host_and_reports_each_failure_with_its_reason()
    {
        var valid = await RealOutputAsync();
        IRemoteShell[] shells =
        [
            new LocalShell("ok-1"),
            new CannedShell("unreachable", _ => throw new RemoteConnectionException("unreachable: cannot reach 192.0.2.1: Connection refused")),
            new CannedShell("broken", _ => new RemoteResult(2, "", "sh: base64: not found", TimeSpan.Zero)),
            new CannedShell("garbled", _ => new RemoteResult(0, "hello", "", TimeSpan.Zero)),
            new CannedShell("buggy", _ => throw new InvalidOperationException("shell bug")),
            new CannedShell("ok-2", _ => new RemoteResult(0, valid, "", TimeSpan.Zero)),
        ];

        var error = await Assert.ThrowsAsync<FactGatheringException>(
            () => new FactGatherer().GatherAsync(shells.Select(Request), default));

        Assert.Equal(["unreachable", "broken", "garbled", "buggy"], error.Failures.Select(f => f.Node));
        Assert.IsType<RemoteConnectionException>(error.Failures[0].Error);
        Assert.IsType<RemoteCommandException>(error.Failures[1].Error);
        Assert.IsType<FactParseException>(error.Failures[2].Error);
        Assert.StartsWith("could not gather facts from 4 of 6 hosts:\n", error.Message);
        Assert.Contains("  unreachable: cannot reach 192.0.2.1: Connection refused", error.Message);
        Assert.Contains("  broken: gather facts failed (exit 2): sh: base64: not found", error.Message);
        Assert.Contains("  garbled: cannot read gathered facts: output does not start with", error.Message);
        Assert.Contains("  buggy: InvalidOperationException: shell bug", error.Message);
        Assert.DoesNotContain("ok-1", error.Message);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    public async Task Runs_at_most_the_configured_number_of_hosts_at_once(int bound)
    {
        var valid = await RealOutputAsync();
        var running = 0;
        var peak = 0;
        var shells = Enumerable.Range(0, 10).Select(i => CannedShell.Async($"n{i}", async _ =>
        {
            var now = Interlocked.Increment(ref running);
            InterlockedMax(ref peak, now);
            await Task.Delay(40);
            Interlocked.Decrement(ref running);
            return new RemoteResult(0, valid, "", TimeSpan.Zero);
        }));

        var facts = await new FactGatherer(bound).GatherAsync(shells.Select(Request), default);

        Assert.Equal(10, facts.Count);
        Assert.Equal(bound, peak);
    }

    [Fact]
    public void Default_bound_is_sixteen() => Assert.Equal(16, new FactGatherer().MaxParallel);

    [Fact]
    public async Task Passes_the_configured_timeout_and_requested_keys_to_every_host()
    {
        var valid = await RealOutputAsync();
        var seen = new List<RemoteCommand>();
        var shell = new CannedShell("n", command =>
        {
            lock (seen) seen.Add(command);
            return new RemoteResult(0, valid, "", TimeSpan.Zero);
        });

        await new FactGatherer(timeout: TimeSpan.FromSeconds(12)).GatherAsync([Request(shell)], default);

        var command = Assert.Single(seen);
        Assert.Equal(TimeSpan.FromSeconds(12), command.Timeout);
        Assert.Equal(Keys, command.Arguments);
    }

    [Fact]
    public async Task Cancellation_is_not_reported_as_host_failures()
    {
        using var cancellation = new CancellationTokenSource();
        var shells = Enumerable.Range(0, 4).Select(i => CannedShell.Async($"n{i}", async token =>
        {
            await cancellation.CancelAsync();
            await Task.Delay(TimeSpan.FromSeconds(30), token);
            return new RemoteResult(0, "", "", TimeSpan.Zero);
        }));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(
            () => new FactGatherer().GatherAsync(shells.Select(Request), cancellation.Token));
    }

    [Fact]
    public async Task Each_host_has_its_timing_the_slow_round_trip_the_wait_for_a_slot_and_the_failure_marked()
    {
        var valid = await RealOutputAsync();
        var slow = TimeSpan.FromMilliseconds(400);
        IRemoteShell[] shells =
        [
            CannedShell.Async("slow", async token => { await Task.Delay(slow, token); return new RemoteResult(0, valid, "", slow); }),
            new CannedShell("down", _ => throw new RemoteConnectionException("down: cannot reach 192.0.2.1")),
            new CannedShell("queued", _ => new RemoteResult(0, valid, "", TimeSpan.Zero)),
        ];

        // One slot: "queued" cannot start before "slow" and "down" have finished.
        var gathered = await new FactGatherer(maxParallel: 1).GatherEachAsync(shells.Select(Request), default);

        Assert.Equal(["slow", "down", "queued"], gathered.Timings.Select(t => t.Node));
        // Timers may fire a little before the stopwatch says the delay is over: allow for their granularity.
        var atLeast = slow - TimeSpan.FromMilliseconds(50);
        Assert.True(gathered.Timings[0].RoundTrip >= atLeast, gathered.Timings[0].ToString());
        Assert.False(gathered.Timings[0].Failed);
        Assert.True(gathered.Timings[1].Failed);
        Assert.True(gathered.Timings[2].WaitedForSlot >= atLeast, gathered.Timings[2].ToString());
        Assert.False(gathered.Timings[2].Failed);
    }

    [Fact]
    public async Task Refuses_a_node_listed_twice() =>
        await Assert.ThrowsAsync<ArgumentException>(() => new FactGatherer().GatherAsync(
            [Request(new LocalShell("same")), Request(new LocalShell("same"))], default));

    private static async Task<string> RealOutputAsync() =>
        (await new LocalShell("probe").RunCheckedAsync(FactScript.Build(Keys), default)).Stdout;

    private static void InterlockedMax(ref int target, int value)
    {
        var current = Volatile.Read(ref target);
        while (value > current)
        {
            var previous = Interlocked.CompareExchange(ref target, value, current);
            if (previous == current) return;
            current = previous;
        }
    }

    /// <summary>A shell whose answer the test decides; for the gatherer's bookkeeping, not for transport behaviour.</summary>
    private sealed class CannedShell : IRemoteShell
    {
        private readonly Func<RemoteCommand, CancellationToken, Task<RemoteResult>> _answer;

        public CannedShell(string nodeName, Func<RemoteCommand, RemoteResult> answer)
            : this(nodeName, (command, _) => Task.FromResult(answer(command)))
        {
        }

        private CannedShell(string nodeName, Func<RemoteCommand, CancellationToken, Task<RemoteResult>> answer)
        {
            NodeName = nodeName;
            _answer = answer;
        }

        public static CannedShell Async(string nodeName, Func<CancellationToken, Task<RemoteResult>> answer) =>
            new(nodeName, (_, token) => answer(token));

        public string NodeName { get; }

        public Task<RemoteResult> RunAsync(RemoteCommand command, CancellationToken cancellationToken) =>
            _answer(command, cancellationToken);

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
