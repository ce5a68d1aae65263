using Rke2Converge.Model;
using Rke2Converge.Plan.Desired;
using Rke2Converge.Remote;

namespace Rke2Converge.Gates;

/// <summary>What a gate knows about the node it is checking.</summary>
internal sealed record GateContext(NodeDesiredState Node, int PreviousMainPid, GateSettings Settings)
{
    /// <summary>The host's boot id when this run asked it to reboot; null when it did not.</summary>
    public string? PreviousBootId { get; init; }
}

/// <summary>One look at the node: passed or not, and what was seen, in words an operator can act on.</summary>
internal sealed record GateObservation(bool Passed, string Observed)
{
    /// <summary>A failure that waiting will not fix (a unit in a crash loop): the gate fails at once instead of polling on.</summary>
    public bool Final { get; init; }

    /// <summary>The node could not be reached to run the probe at all (the connection failed): nothing was seen of it.</summary>
    public bool Unreachable { get; init; }
}

/// <summary>
/// A readiness check that runs on the node over SSH: a read-only probe command and a judgement of its result.
/// The gate runner polls it until it passes or its timeout runs out.
/// </summary>
internal abstract class ReadinessGate
{
    /// <summary>Each probe is short; a hung curl or kubectl must not eat the whole gate timeout.</summary>
    protected static readonly TimeSpan ProbeTimeout = TimeSpan.FromSeconds(15);

    public abstract string Name { get; }

    public abstract GateTiming Timing(GateSettings settings);

    public abstract RemoteCommand Probe(GateContext context);

    public abstract GateObservation Evaluate(GateContext context, RemoteResult result);

    /// <summary>
    /// <see cref="Evaluate"/> that never throws: probe output it cannot read (a parse error, a missing field) is an
    /// observation like any other, so the gate keeps polling and reports it if it never passes.
    /// </summary>
    public GateObservation Observe(GateContext context, RemoteResult result)
    {
        try
        {
            return Evaluate(context, result);
        }
        catch (Exception error) when (error is not OperationCanceledException)
        {
            return new(false, $"unreadable probe output ({error.GetType().Name}: {error.Message}): {FirstLine(result.Stdout)}");
        }
    }

    protected static string FirstLine(string text)
    {
        var trimmed = text.Trim();
        var end = trimmed.IndexOf('\n', StringComparison.Ordinal);
        var line = end < 0 ? trimmed : trimmed[..end];
        return line.Length > 200 ? line[..200] + "…" : line;
    }

    protected static string Describe(RemoteResult result) =>
        result.Succeeded ? FirstLine(result.Stdout) : $"exit {result.ExitCode}: {FirstLine(result.Stderr.Length > 0 ? result.Stderr : result.Stdout)}";
}
