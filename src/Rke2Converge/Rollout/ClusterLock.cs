using System.Diagnostics;
using Rke2Converge.Model;
using Rke2Converge.Remote;
using Rke2Converge.Rollout.Operations;

namespace Rke2Converge.Rollout;

/// <summary>What taking the cluster lock came to: taken (maybe after breaking others' locks, in <see cref="Warnings"/>) or refused.</summary>
internal sealed record LockAttempt(bool Acquired, IReadOnlyList<string> Warnings, string? Refusal)
{
    /// <summary>Hosts that did not answer when the lock was taken: they hold no lock, so they must not be changed.</summary>
    public IReadOnlyList<string> Unreachable { get; init; } = [];
}

/// <summary>
/// One apply at a time per cluster: a lock file on every host, taken before anything on any host changes and released
/// on every way out. The first host is locked alone, the others in parallel: two runs of one playbook meet on the first
/// host, so exactly one goes on. A run that cannot lock every host releases what it took and changes nothing.
/// A dry run only reads the locks (and reports a held one) and lists the lock commands it would run.
/// </summary>
internal sealed class ClusterLock(IChangeExecutor executor, Func<string, IRemoteShell> shellFor, LockHolder holder, string lockFile = Rke2Paths.LockFile)
{
    private readonly HashSet<string> _attempted = new(StringComparer.Ordinal);
    private readonly HashSet<string> _held = new(StringComparer.Ordinal);
    private readonly List<string> _warnings = [];
    private readonly HashSet<string> _unreachable = new(StringComparer.Ordinal);

    public LockHolder Holder => holder;

    /// <summary>The machine this process runs on, to tell whether a holder's pid can be checked here.</summary>
    public string ThisMachine { get; init; } = Environment.MachineName;

    /// <summary>When the process with this pid started, or null when there is none (on this machine).</summary>
    public Func<int, DateTimeOffset?> ProcessStartTime { get; init; } = LocalProcessStartTime;

    public async Task<LockAttempt> AcquireAsync(IReadOnlyList<string> nodes, bool forceUnlock, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(nodes);
        if (nodes.Count == 0) return new LockAttempt(true, [], null);
        try
        {
            if (executor.IsDryRun) await Task.WhenAll(nodes.Select(node => ReportHeldAsync(node, cancellationToken))).ConfigureAwait(false);
            var refusals = new List<string>();
            if (await TakeAsync(nodes[0], forceUnlock, cancellationToken).ConfigureAwait(false) is { } first) refusals.Add(first);
            else refusals.AddRange((await Task.WhenAll(nodes.Skip(1).Select(node => TakeAsync(node, forceUnlock, cancellationToken))).ConfigureAwait(false)).OfType<string>());
            if (refusals.Count == 0) return new LockAttempt(true, Warnings(), null) { Unreachable = Unreachable() };
            var warnings = await ReleaseAsync().ConfigureAwait(false);
            return new LockAttempt(false, warnings, string.Join('\n', refusals) + "\nNothing was changed.");
        }
        catch
        {
            await ReleaseAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Removes this run's lock from every host it tried to lock, in parallel; returns what could not be released.</summary>
    public async Task<IReadOnlyList<string>> ReleaseAsync()
    {
        string[] nodes;
        lock (_attempted)
        {
            nodes = [.. _attempted];
            _attempted.Clear();
        }
        await Task.WhenAll(nodes.Select(ReleaseOneAsync)).ConfigureAwait(false);
        return Warnings();
    }

    /// <summary>Reads every host's lock without taking it: the holders found, for plan notes and dry runs.</summary>
    public static async Task<IReadOnlyList<(string Node, LockHolder Holder, TimeSpan Age)>> FindHeldAsync(
        IReadOnlyList<string> nodes, Func<string, IRemoteShell> shellFor, string lockFile, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(nodes);
        var answers = await Task.WhenAll(nodes.Select(async node =>
        {
            var result = await shellFor(node).RunCheckedAsync(LockOperations.Check(lockFile), cancellationToken).ConfigureAwait(false);
            return (Node: node, Answer: LockAnswer.Parse(result.Stdout));
        })).ConfigureAwait(false);
        return [.. answers.Where(a => a.Answer.HolderText is not null).Select(a => (a.Node, LockHolder.Parse(a.Answer.HolderText!), a.Answer.Age))];
    }

    /// <summary>Why a host cannot be locked, naming the holder and what to do: wait, or remove a stale lock.</summary>
    public string Refusal(string node, LockHolder other, TimeSpan age) => Describe(node, other, age, ThisMachine, ProcessStartTime);

    /// <summary>
    /// What plan says of locks it found in the facts: the same words apply would refuse with, so the user knows before
    /// running it. Plan reads the lock inside its one fact round trip and never takes it.
    /// </summary>
    public static IReadOnlyList<string> PlanNotes(IEnumerable<Facts.HostFacts> hosts)
    {
        ArgumentNullException.ThrowIfNull(hosts);
        return [.. hosts.Where(h => h.Lock is not null).Select(h =>
            $"apply would be refused: {Describe(h.Node, LockHolder.Parse(h.Lock!.Holder), h.Lock.Age, Environment.MachineName, LocalProcessStartTime)}")];
    }

    private static string Describe(string node, LockHolder other, TimeSpan age, string thisMachine, Func<int, DateTimeOffset?> processStartTime)
    {
        ArgumentNullException.ThrowIfNull(other);
        var stale = other.StaleReason(age, thisMachine, processStartTime);
        var head = $"{node} is locked by another rke2c run: {other.Describe()} (taken {LockHolder.FormatAge(age)} ago).";
        return stale is null
            ? $"{head} Wait for that run to finish; if it is no longer running, run again with --force-unlock to remove its lock."
            : $"{head} The lock looks stale: {stale}. If no other rke2c run is active on these hosts, run again with --force-unlock to remove it.";
    }

    private async Task<string?> TakeAsync(string node, bool forceUnlock, CancellationToken cancellationToken)
    {
        var shell = shellFor(node);
        lock (_attempted) _attempted.Add(node);
        try
        {
            var answer = await RunAsync(shell, LockOperations.Acquire(lockFile, holder), cancellationToken).ConfigureAwait(false);
            if (answer.HolderText is { } text && forceUnlock)
            {
                var broken = LockHolder.Parse(text);
                answer = await RunAsync(shell, LockOperations.Acquire(lockFile, holder, text), cancellationToken).ConfigureAwait(false);
                if (answer.Broken) Warn($"--force-unlock: removed the lock on {node} held by {broken.Describe()}");
            }
            if (answer.HolderText is { } holderText) return Refusal(node, LockHolder.Parse(holderText), answer.Age);
            lock (_held) _held.Add(node);
            return null;
        }
        catch (RemoteConnectionException)
        {
            // An unreachable host cannot be changed either: the plan reports it as a problem and apply stops there.
            lock (_unreachable) _unreachable.Add(node);
            return null;
        }
        catch (Exception error) when (error is RemoteException or FormatException)
        {
            var reason = error.Message.StartsWith(node + ": ", StringComparison.Ordinal) ? error.Message[(node.Length + 2)..] : error.Message;
            return $"could not lock {node}: {reason}";
        }
    }

    private async Task<LockAnswer> RunAsync(IRemoteShell shell, RemoteCommand command, CancellationToken cancellationToken)
    {
        var result = await executor.ExecuteAsync(shell, command, cancellationToken).ConfigureAwait(false);
        // A dry run's executor changes nothing and answers nothing: as far as the run goes, the lock is its own.
        return executor.IsDryRun ? new LockAnswer(true, false, null, TimeSpan.Zero) : LockAnswer.Parse(result.Stdout);
    }

    private async Task ReleaseOneAsync(string node)
    {
        bool held;
        lock (_held) held = _held.Remove(node);
        try
        {
            // Never cancelled: this runs on the way out of an interrupted run too.
            var result = await executor.ExecuteAsync(shellFor(node), LockOperations.Release(lockFile, holder.Run), CancellationToken.None).ConfigureAwait(false);
            var lines = result.Stdout.Split('\n', 2);
            if (held && lines[0] == "taken-over")
            {
                Warn($"the lock on {node} was taken over during this run by {LockHolder.Parse(lines.Length > 1 ? lines[1] : "").Describe()}");
            }
        }
        catch (RemoteException error) when (held)
        {
            Warn($"could not release the lock on {node}: {error.Message}. The next apply will be refused until it is removed with --force-unlock.");
        }
        catch (RemoteException)
        {
            // Never confirmed as taken; if the attempt did create it, the next run finds this run's pid gone.
        }
    }

    private void Warn(string warning)
    {
        lock (_warnings) _warnings.Add(warning);
    }

    private List<string> Unreachable()
    {
        lock (_unreachable) return [.. _unreachable.Order(StringComparer.Ordinal)];
    }

    private IReadOnlyList<string> Warnings()
    {
        lock (_warnings)
        {
            var warnings = _warnings.ToList();
            _warnings.Clear();
            return warnings;
        }
    }

    private async Task ReportHeldAsync(string node, CancellationToken cancellationToken)
    {
        try
        {
            foreach (var (_, other, age) in await FindHeldAsync([node], shellFor, lockFile, cancellationToken).ConfigureAwait(false))
            {
                Warn($"dry run: {Refusal(node, other, age)}");
            }
        }
        catch (Exception error) when (error is RemoteException or FormatException)
        {
            // A dry run reaches a host only here: one that does not answer is as unreachable as in a live run.
            if (error is RemoteConnectionException) lock (_unreachable) _unreachable.Add(node);
            Warn($"dry run: could not read the lock on {node}: {error.Message}");
        }
    }

    private static DateTimeOffset? LocalProcessStartTime(int pid)
    {
        try
        {
            using var process = Process.GetProcessById(pid);
            return process.HasExited ? null : process.StartTime.ToUniversalTime();
        }
        catch (Exception error) when (error is ArgumentException or InvalidOperationException or System.ComponentModel.Win32Exception)
        {
            return null;
        }
    }
}
