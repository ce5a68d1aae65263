using Rke2Converge.Model.Validation;
using Rke2Converge.Rollout;

namespace Rke2Converge.Cli.Output;

/// <summary>
/// Progress as plain lines, for logs and pipes: one line per event, gate waits at most every few seconds. In a dry run
/// a node that went through its changes "would change"; it did not converge.
/// </summary>
internal sealed class PlainProgress(TextWriter output, bool dryRun = false) : IRolloutObserver
{
    private static readonly TimeSpan WaitReportInterval = TimeSpan.FromSeconds(5);

    private readonly Lock _gate = new();
    private readonly Dictionary<string, TimeSpan> _lastWaitReport = new(StringComparer.Ordinal);

    public void NodeStarted(string node) => Write(dryRun ? $"{node}: checking what would change" : $"{node}: converging");

    public void Step(string node, string step) => Write($"{node}: {step}");

    public void GateWaiting(string node, string gate, TimeSpan elapsed, string? lastObserved)
    {
        lock (_gate)
        {
            var key = $"{node}/{gate}";
            if (_lastWaitReport.TryGetValue(key, out var last) && elapsed - last < WaitReportInterval) return;
            _lastWaitReport[key] = elapsed;
        }
        Write($"{node}: waiting for {gate} ({elapsed.TotalSeconds:0}s): {lastObserved}");
    }

    public void GatePassed(string node, string gate, TimeSpan elapsed) => Write($"{node}: gate {gate} passed ({elapsed.TotalSeconds:0.0}s)");

    public void NodeSkipped(string node, string reason) => Write(reason == RolloutRunner.NotInLimitReason ? $"{node}: not in --limit" : $"{node}: unchanged");

    public void NodeConverged(string node, TimeSpan elapsed) => Write(dryRun ? $"{node}: would change" : $"{node}: converged in {elapsed.TotalSeconds:0.0}s");

    /// <summary>The first line only: the run's closing error carries the whole block, once.</summary>
    public void NodeFailed(string node, string reason) => Write($"{node}: FAILED: {reason.Split('\n')[0]}");

    /// <summary>One line, whatever the node, step or gate text holds: a line break in it is escaped, never a new line.</summary>
    private void Write(string line)
    {
        lock (_gate) output.WriteLine(Printable.Escape(line));
    }
}
