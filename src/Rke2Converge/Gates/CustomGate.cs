using Rke2Converge.Model;
using Rke2Converge.Remote;

namespace Rke2Converge.Gates;

/// <summary>
/// A playbook's own gate, <c>Gates.Custom(name, command, expect, timeout)</c>: runs after the built-in gates of every
/// node it applies to. It passes when the command exits 0 and, if <c>expect</c> is given, its output contains it.
/// </summary>
internal sealed class CustomGate(CustomGateSpec spec) : ReadinessGate
{
    public CustomGateSpec Spec { get; } = spec;

    public override string Name => Spec.Name;

    public override GateTiming Timing(GateSettings settings) => Spec.Timing;

    public override RemoteCommand Probe(GateContext context) =>
        new($"gate {Spec.Name}", "sh -c \"$1\" </dev/null 2>&1") { Arguments = [Spec.Command], Timeout = ProbeTimeout };

    public override GateObservation Evaluate(GateContext context, RemoteResult result)
    {
        var output = result.Stdout.Trim();
        if (!result.Succeeded) return new GateObservation(false, Describe(result));
        if (Spec.Expect is null || output.Contains(Spec.Expect, StringComparison.Ordinal)) return new GateObservation(true, FirstLine(output));
        return new GateObservation(false, $"output '{FirstLine(output)}' does not contain '{Spec.Expect}'");
    }

    /// <summary>The custom gates for a node of this role, in declaration order.</summary>
    public static IReadOnlyList<ReadinessGate> For(GateSettings settings, NodeRole role) =>
        [.. settings.Custom.Where(spec => spec.Roles.Count == 0 || spec.Roles.Contains(role)).Select(spec => new CustomGate(spec))];
}
