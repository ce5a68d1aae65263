using Rke2Converge.Remote;

namespace Rke2Converge.AdHoc;

/// <summary>
/// Runs an <see cref="AdHocCommand"/> on nodes: at most <see cref="Parallel"/> at once, or with <see cref="Serial"/> one
/// at a time in the order given, stopping at the first node that fails (as Ansible's <c>serial: 1</c> ends a play when
/// a batch's only host fails), so a careful operator's command never reaches the next node after a failure.
/// A failure on one node is that node's result, never an exception: every node gets a result, in the order given.
/// </summary>
internal sealed class AdHocRunner(int parallel, bool serial)
{
    public int Parallel { get; } = serial ? 1 : Math.Max(1, parallel);

    public bool Serial { get; } = serial;

    /// <summary>Runs <paramref name="command"/> on every shell's node, in the order given.</summary>
    /// <param name="shells">One shell per selected node.</param>
    /// <param name="command">The operator's command.</param>
    /// <param name="finished">Called as each node finishes (from any thread, one call at a time), so output can be shown as it comes.</param>
    /// <param name="cancellationToken">Stops starting nodes and cancels those running.</param>
    public async Task<IReadOnlyList<AdHocNodeResult>> RunAsync(
        IReadOnlyList<IRemoteShell> shells, AdHocCommand command, Action<AdHocNodeResult>? finished, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(shells);
        ArgumentNullException.ThrowIfNull(command);
        var results = new AdHocNodeResult[shells.Count];
        var report = new object();
        void Finish(int index, AdHocNodeResult result)
        {
            results[index] = result;
            lock (report) finished?.Invoke(result);
        }

        if (Serial)
        {
            for (var index = 0; index < shells.Count; index++)
            {
                if (index > 0 && !results[index - 1].Succeeded)
                {
                    for (var rest = index; rest < shells.Count; rest++) Finish(rest, AdHocNodeResult.NotStarted(shells[rest].NodeName));
                    break;
                }
                Finish(index, await RunOneAsync(shells[index], command, cancellationToken).ConfigureAwait(false));
            }
            return results;
        }

        using var slots = new SemaphoreSlim(Parallel);
        await Task.WhenAll(shells.Select(async (shell, index) =>
        {
            await slots.WaitAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                Finish(index, await RunOneAsync(shell, command, cancellationToken).ConfigureAwait(false));
            }
            finally
            {
                slots.Release();
            }
        })).ConfigureAwait(false);
        return results;
    }

    private static async Task<AdHocNodeResult> RunOneAsync(IRemoteShell shell, AdHocCommand command, CancellationToken cancellationToken)
    {
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        try
        {
            var result = await shell.RunAsync(command.ToRemote(), cancellationToken).ConfigureAwait(false);
            return new AdHocNodeResult(shell.NodeName, result.Succeeded ? AdHocNodeResult.Ok : AdHocNodeResult.Failed, result.ExitCode,
                result.Stdout, result.Stderr, null, result.Elapsed);
        }
        catch (RemoteTimeoutException error)
        {
            return new AdHocNodeResult(shell.NodeName, AdHocNodeResult.TimedOut, null, "", "", error.Message, System.Diagnostics.Stopwatch.GetElapsedTime(started));
        }
        catch (RemoteConnectionException error)
        {
            return new AdHocNodeResult(shell.NodeName, AdHocNodeResult.Unreachable, null, "", "", error.Message, System.Diagnostics.Stopwatch.GetElapsedTime(started));
        }
    }
}
