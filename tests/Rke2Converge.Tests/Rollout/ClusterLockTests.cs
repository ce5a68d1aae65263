using System.Diagnostics;
using Rke2Converge.Remote;
using Rke2Converge.Rollout;
using Rke2Converge.Rollout.Operations;
using Rke2Converge.Tests.Remote;
using Xunit;

namespace Rke2Converge.Tests.Rollout;

/// <summary>
/// The cluster lock, with its real scripts run by sh on this machine: each test node keeps its lock file in its own
/// directory, as if it were its own host.
/// </summary>
public sealed class ClusterLockTests : IDisposable
{
    private static readonly string[] Nodes = ["h1", "h2", "h3"];

    private readonly string _root = Directory.CreateTempSubdirectory("rke2c-lock-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private string LockOf(string node) => Path.Combine(_root, node, "rke2c", "lock");

    private IRemoteShell ShellFor(string node) => new NodeDirectoryShell(node, LockOf(node));

    private ClusterLock LockFor(LockHolder holder, IChangeExecutor? executor = null) =>
        new(executor ?? new LiveExecutor(), ShellFor, holder, "/placeholder/lock") { ThisMachine = "here", ProcessStartTime = _ => null };

    private static LockHolder Holder(string user, int pid = 4242, string machine = "elsewhere") =>
        new(Guid.NewGuid().ToString("N"), user, machine, pid, LockHolder.ForThisProcess("").Since, "rke2c apply site.csx");

    private IEnumerable<string> FilesOf(string node) =>
        Directory.Exists(Path.GetDirectoryName(LockOf(node)))
            ? Directory.EnumerateFiles(Path.GetDirectoryName(LockOf(node))!).Select(file => Path.GetFileName(file))
            : [];

    [Fact]
    public async Task A_second_run_is_refused_with_the_holder_named_and_leaves_no_lock_of_its_own()
    {
        var alice = Holder("alice");
        var first = await LockFor(alice).AcquireAsync(Nodes, forceUnlock: false, default);

        var second = await LockFor(Holder("bob")).AcquireAsync(Nodes, forceUnlock: false, default);

        Assert.True(first.Acquired);
        Assert.False(second.Acquired);
        Assert.Contains("h1 is locked by another rke2c run: alice@elsewhere, pid 4242", second.Refusal, StringComparison.Ordinal);
        Assert.Contains("running `rke2c apply site.csx`", second.Refusal, StringComparison.Ordinal);
        Assert.Contains("Wait for that run to finish", second.Refusal, StringComparison.Ordinal);
        Assert.EndsWith("Nothing was changed.", second.Refusal, StringComparison.Ordinal);
        foreach (var node in Nodes)
        {
            Assert.Equal(["lock"], FilesOf(node)); // no temp file left behind
            Assert.Equal(alice, LockHolder.Parse(await File.ReadAllTextAsync(LockOf(node))));
        }
    }

    [Fact]
    public async Task A_run_refused_on_a_later_host_releases_the_hosts_it_had_locked()
    {
        await LockFor(Holder("carol")).AcquireAsync(["h3"], forceUnlock: false, default);

        var attempt = await LockFor(Holder("alice")).AcquireAsync(Nodes, forceUnlock: false, default);

        Assert.False(attempt.Acquired);
        Assert.StartsWith("h3 is locked by another rke2c run: carol@elsewhere", attempt.Refusal, StringComparison.Ordinal);
        Assert.False(File.Exists(LockOf("h1")));
        Assert.False(File.Exists(LockOf("h2")));
        Assert.Equal("carol", LockHolder.Parse(await File.ReadAllTextAsync(LockOf("h3"))).User);
    }

    [Fact]
    public async Task An_unreachable_host_is_left_to_the_plan_to_report_and_the_others_are_locked()
    {
        IRemoteShell Shells(string node) => node == "h2" ? new UnreachableShell(node) : ShellFor(node);
        var clusterLock = new ClusterLock(new LiveExecutor(), Shells, Holder("alice"), "/placeholder/lock");

        var attempt = await clusterLock.AcquireAsync(Nodes, forceUnlock: false, default);

        Assert.True(attempt.Acquired);
        Assert.Equal(["h2"], attempt.Unreachable); // apply refuses to change h2 should it answer later
        Assert.True(File.Exists(LockOf("h1")));
        Assert.True(File.Exists(LockOf("h3")));
        await clusterLock.ReleaseAsync();
        Assert.All(Nodes, node => Assert.Empty(FilesOf(node)));
    }

    [Fact]
    public async Task Release_removes_only_this_runs_lock_and_lets_the_next_run_in()
    {
        var alice = LockFor(Holder("alice"));
        Assert.True((await alice.AcquireAsync(Nodes, forceUnlock: false, default)).Acquired);
        var bob = LockFor(Holder("bob"));
        Assert.False((await bob.AcquireAsync(Nodes, forceUnlock: false, default)).Acquired);
        Assert.Empty(await bob.ReleaseAsync());
        Assert.All(Nodes, node => Assert.True(File.Exists(LockOf(node)), $"bob's release removed alice's lock on {node}"));

        Assert.Empty(await alice.ReleaseAsync());

        Assert.All(Nodes, node => Assert.Empty(FilesOf(node)));
        Assert.True((await bob.AcquireAsync(Nodes, forceUnlock: false, default)).Acquired);
    }

    [Fact]
    public async Task Concurrent_runs_on_the_same_hosts_let_exactly_one_through()
    {
        for (var round = 0; round < 8; round++)
        {
            var locks = Enumerable.Range(0, 3).Select(i => LockFor(Holder($"user{i}"))).ToList();

            var attempts = await Task.WhenAll(locks.Select(l => l.AcquireAsync(Nodes, forceUnlock: false, default)));

            Assert.Equal(1, attempts.Count(a => a.Acquired));
            var winner = locks[Array.FindIndex(attempts, a => a.Acquired)];
            Assert.All(Nodes, node => Assert.Equal(winner.Holder.Run, LockHolder.Parse(File.ReadAllText(LockOf(node))).Run));
            await winner.ReleaseAsync();
            Assert.All(Nodes, node => Assert.Empty(FilesOf(node)));
        }
    }

    [Fact]
    public async Task A_stale_lock_is_reported_as_stale_and_force_unlock_replaces_it_with_a_warning()
    {
        var dead = Holder("alice", pid: 999_999, machine: "here");
        await LockFor(dead).AcquireAsync(Nodes, forceUnlock: false, default);

        var refused = await LockFor(Holder("bob")).AcquireAsync(Nodes, forceUnlock: false, default);
        var bob = Holder("bob");
        var forced = await LockFor(bob).AcquireAsync(Nodes, forceUnlock: true, default);

        Assert.Contains("The lock looks stale: process 999999 is no longer running on this machine", refused.Refusal, StringComparison.Ordinal);
        Assert.Contains("run again with --force-unlock", refused.Refusal, StringComparison.Ordinal);
        Assert.True(forced.Acquired);
        Assert.Equal(Nodes.Length, forced.Warnings.Count);
        Assert.Contains(forced.Warnings, w => w.StartsWith("--force-unlock: removed the lock on h1 held by alice@here, pid 999999", StringComparison.Ordinal));
        Assert.All(Nodes, node => Assert.Equal(bob, LockHolder.Parse(File.ReadAllText(LockOf(node)))));
        Assert.All(Nodes, node => Assert.Equal(["lock"], FilesOf(node)));
    }

    [Fact]
    public async Task Breaking_a_lock_that_changed_hands_since_it_was_read_keeps_the_new_holder()
    {
        var shell = ShellFor("h1");
        var carol = Holder("carol");
        await new LiveExecutor().ExecuteAsync(shell, LockOperations.Acquire("/placeholder/lock", carol), default);

        var result = await new LiveExecutor().ExecuteAsync(shell, LockOperations.Acquire("/placeholder/lock", Holder("bob"), Holder("alice").Format().TrimEnd('\n')), default);

        var answer = LockAnswer.Parse(result.Stdout);
        Assert.False(answer.Broken);
        Assert.False(answer.Acquired);
        Assert.Equal(carol, LockHolder.Parse(answer.HolderText!));
        Assert.Equal(carol, LockHolder.Parse(await File.ReadAllTextAsync(LockOf("h1"))));
        Assert.Equal(["lock"], FilesOf("h1"));
    }

    [Fact]
    public async Task A_dry_run_names_a_host_that_did_not_answer_its_lock_read_as_unreachable()
    {
        IRemoteShell Shells(string node) => node == "h2" ? new UnreachableShell(node) : ShellFor(node);
        var clusterLock = new ClusterLock(new DryRunExecutor(text => text), Shells, Holder("bob"), "/placeholder/lock");

        var attempt = await clusterLock.AcquireAsync(Nodes, forceUnlock: false, default);

        Assert.True(attempt.Acquired);
        Assert.Equal(["h2"], attempt.Unreachable);
        Assert.StartsWith("dry run: could not read the lock on h2: ", Assert.Single(attempt.Warnings), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_dry_run_takes_no_lock_but_reports_a_held_one_and_lists_the_lock_command()
    {
        var dry = new DryRunExecutor(text => text);
        var alone = await LockFor(Holder("bob"), dry).AcquireAsync(Nodes, forceUnlock: false, default);
        Assert.True(alone.Acquired);
        Assert.Empty(alone.Warnings);
        Assert.All(Nodes, node => Assert.Empty(FilesOf(node)));
        Assert.Contains(dry.Steps, step => step is { Node: "h1", Description: "take the rke2c lock" });

        await LockFor(Holder("alice")).AcquireAsync(["h2"], forceUnlock: false, default);
        var reported = await LockFor(Holder("bob"), new DryRunExecutor(text => text)).AcquireAsync(Nodes, forceUnlock: false, default);

        Assert.True(reported.Acquired);
        var warning = Assert.Single(reported.Warnings);
        Assert.StartsWith("dry run: h2 is locked by another rke2c run: alice@elsewhere", warning, StringComparison.Ordinal);
        Assert.Equal("alice", LockHolder.Parse(await File.ReadAllTextAsync(LockOf("h2"))).User);
    }

    [Fact]
    public void The_holder_survives_the_round_trip_and_cannot_inject_lines()
    {
        var holder = new LockHolder("r1", "ops", "laptop", 17, DateTimeOffset.Parse("2026-11-29T22:40:01.250Z", System.Globalization.CultureInfo.InvariantCulture), "rke2c apply a.csx\nrun=evil");

        var parsed = LockHolder.Parse(holder.Format());

        Assert.Equal("r1", parsed.Run);
        Assert.Equal(holder with { Command = "rke2c apply a.csx run=evil" }, parsed);
        Assert.Equal("ops@laptop, pid 17, since 2026-11-29 22:40:01Z, running `rke2c apply a.csx run=evil`", parsed.Describe());
        Assert.Equal("?@?", LockHolder.Parse("garbage").Describe());
    }

    [Fact]
    public void Staleness_follows_the_documented_rule()
    {
        var since = DateTimeOffset.UtcNow.AddMinutes(-5);
        var local = new LockHolder("r", "ops", "here", 100, since, "rke2c apply");
        var young = TimeSpan.FromMinutes(5);

        Assert.Contains("process 100 is no longer running", local.StaleReason(young, "HERE", _ => null), StringComparison.Ordinal);
        Assert.Null(local.StaleReason(young, "here", _ => since.AddSeconds(-3)));
        Assert.Null(local.StaleReason(young, "here", _ => since.AddSeconds(1))); // within the start-time slack
        Assert.Contains("started after the lock was taken", local.StaleReason(young, "here", _ => since.AddMinutes(1)), StringComparison.Ordinal);
        Assert.Null((local with { Machine = "other" }).StaleReason(TimeSpan.FromHours(23), "here", _ => null));
        Assert.Contains("more than 24 hours", (local with { Machine = "other" }).StaleReason(TimeSpan.FromHours(25), "here", _ => null), StringComparison.Ordinal);
    }

    [Fact]
    public void By_default_a_holder_on_this_machine_is_alive_exactly_while_its_process_runs()
    {
        var me = LockHolder.ForThisProcess("test");
        using var exited = Process.Start("true")!;
        exited.WaitForExit();
        var gone = me with { Pid = exited.Id };
        var clusterLock = new ClusterLock(new LiveExecutor(), ShellFor, me);

        Assert.DoesNotContain("stale", clusterLock.Refusal("h1", me, TimeSpan.Zero), StringComparison.Ordinal);
        Assert.Contains($"process {exited.Id} is no longer running on this machine", clusterLock.Refusal("h1", gone, TimeSpan.Zero), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("acquired\n", true, false, null)]
    [InlineData("broken\nacquired\n", true, true, null)]
    [InlineData("free\n", false, false, null)]
    [InlineData("held 61\nrun=a\nuser=b\n", false, false, "run=a\nuser=b")]
    public void Lock_answers_parse(string stdout, bool acquired, bool broken, string? holder)
    {
        var answer = LockAnswer.Parse(stdout);

        Assert.Equal((acquired, broken, holder), (answer.Acquired, answer.Broken, answer.HolderText));
        if (holder is not null) Assert.Equal(TimeSpan.FromSeconds(61), answer.Age);
        Assert.Throws<FormatException>(() => LockAnswer.Parse("sh: ln: not found"));
    }

    [Fact]
    public async Task Concurrent_pending_markers_on_one_node_never_collide_on_a_temp_file()
    {
        var marker = Path.Combine(_root, "pending");
        var shell = new LocalShell("h1");
        var command = PendingWorkOperations.MarkRestart() with { Arguments = [marker] };

        var results = await Task.WhenAll(Enumerable.Range(0, 24).Select(_ => shell.RunAsync(command, default)));

        Assert.All(results, result => Assert.True(result.Succeeded, result.Stderr));
        Assert.Equal("restart\n", await File.ReadAllTextAsync(marker));
        Assert.Equal(["pending"], Directory.EnumerateFiles(_root).Select(file => Path.GetFileName(file)));
    }

    private sealed class UnreachableShell(string node) : IRemoteShell
    {
        public string NodeName => node;

        public Task<RemoteResult> RunAsync(RemoteCommand command, CancellationToken cancellationToken) =>
            throw new RemoteConnectionException($"{node}: ssh: connect to host 10.0.0.2 port 22: Connection refused");

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }

    /// <summary>Runs commands locally with the lock path argument pointed at this node's own directory.</summary>
    private sealed class NodeDirectoryShell(string node, string lockFile) : IRemoteShell
    {
        private readonly LocalShell _shell = new(node);

        public string NodeName => node;

        public Task<RemoteResult> RunAsync(RemoteCommand command, CancellationToken cancellationToken) =>
            _shell.RunAsync(command with { Arguments = [lockFile, .. command.Arguments.Skip(1)] }, cancellationToken);

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
