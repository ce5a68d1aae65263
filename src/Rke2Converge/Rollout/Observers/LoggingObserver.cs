using Serilog;

namespace Rke2Converge.Rollout.Observers;

/// <summary>Writes rollout events to the structured log; other observers (progress displays) wrap it.</summary>
internal sealed class LoggingObserver(ILogger log, bool dryRun = false) : IRolloutObserver
{
    public void NodeStarted(string node) => log.Information("{Node}: converging", node);

    public void Step(string node, string step) => log.Information("{Node}: {Step}", node, step);

    public void GateWaiting(string node, string gate, TimeSpan elapsed, string? lastObserved) =>
        log.Debug("{Node}: waiting for {Gate} ({Elapsed:0}s): {Observed}", node, gate, elapsed.TotalSeconds, lastObserved);

    public void GatePassed(string node, string gate, TimeSpan elapsed) =>
        log.Information("{Node}: gate {Gate} passed after {Elapsed:0.0}s", node, gate, elapsed.TotalSeconds);

    public void NodeSkipped(string node, string reason) => log.Information("{Node}: skipped ({Reason})", node, reason);

    public void NodeConverged(string node, TimeSpan elapsed)
    {
        if (dryRun) log.Information("{Node}: would change (dry run)", node);
        else log.Information("{Node}: converged in {Elapsed:0.0}s", node, elapsed.TotalSeconds);
    }

    public void NodeFailed(string node, string reason) => log.Error("{Node}: failed: {Reason}", node, reason);
}
