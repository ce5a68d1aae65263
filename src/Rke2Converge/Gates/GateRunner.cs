using System.Diagnostics;
using Polly;
using Polly.Retry;
using Polly.Timeout;
using Rke2Converge.Remote;

namespace Rke2Converge.Gates;

/// <summary>Reports progress while a gate is polled: gate name, time spent, what it saw last.</summary>
internal delegate void GateProgress(ReadinessGate gate, TimeSpan elapsed, GateObservation? lastObserved);

/// <summary>A gate did not pass in time, or saw something waiting will not fix. The message says what it saw last.</summary>
internal sealed class GateFailedException(string node, string gate, TimeSpan waited, string lastObserved, bool final = false)
    : Exception(final
        ? $"{node}: gate '{gate}' failed after {waited.TotalSeconds:0}s: {lastObserved}"
        : $"{node}: gate '{gate}' did not pass within {waited.TotalSeconds:0}s; last observed: {lastObserved}")
{
    public string Node { get; } = node;
    public string Gate { get; } = gate;
    public string LastObserved { get; } = lastObserved;
}

/// <summary>Polls a gate with Polly: a constant-interval retry inside an overall timeout.</summary>
internal static class GateRunner
{
    public static async Task<TimeSpan> WaitAsync(IRemoteShell shell, ReadinessGate gate, GateContext context, GateProgress progress, CancellationToken cancellationToken)
    {
        var timing = gate.Timing(context.Settings);
        var clock = Stopwatch.StartNew();
        GateObservation? last = null;
        var pipeline = new ResiliencePipelineBuilder<GateObservation>()
            .AddTimeout(timing.Timeout)
            .AddRetry(new RetryStrategyOptions<GateObservation>
            {
                ShouldHandle = new PredicateBuilder<GateObservation>().HandleResult(observation => !observation.Passed && !observation.Final).Handle<RemoteException>(),
                MaxRetryAttempts = (int)Math.Ceiling(timing.Timeout / timing.PollInterval) + 1,
                Delay = timing.PollInterval,
                BackoffType = DelayBackoffType.Constant,
                UseJitter = false,
                OnRetry = _ =>
                {
                    progress(gate, clock.Elapsed, last);
                    return default;
                },
            })
            .Build();
        try
        {
            var outcome = await pipeline.ExecuteAsync(async token => last = await LookAsync(shell, gate, context, token).ConfigureAwait(false), cancellationToken).ConfigureAwait(false);
            if (!outcome.Passed) throw new GateFailedException(shell.NodeName, gate.Name, clock.Elapsed, outcome.Observed, outcome.Final);
        }
        catch (TimeoutRejectedException)
        {
            throw new GateFailedException(shell.NodeName, gate.Name, clock.Elapsed, last?.Observed ?? "no answer yet");
        }
        return clock.Elapsed;
    }

    /// <summary>One look: the probe run once and judged. A transport failure or a probe timeout is a failed look too; gates report, they never throw.</summary>
    public static async Task<GateObservation> LookAsync(IRemoteShell shell, ReadinessGate gate, GateContext context, CancellationToken cancellationToken)
    {
        try
        {
            var result = await shell.RunAsync(gate.Probe(context), cancellationToken).ConfigureAwait(false);
            return gate.Observe(context, result);
        }
        catch (Exception error) when (error is not OperationCanceledException)
        {
            return new GateObservation(false, error is RemoteException ? error.Message : $"{error.GetType().Name}: {error.Message}") { Unreachable = error is RemoteConnectionException };
        }
    }
}
