using Rke2Converge.Model;
using Rke2Converge.Remote;

namespace Rke2Converge.Gates;

/// <summary>
/// The unit reached <c>active</c> (RKE2 sent READY=1) with a new main process: right after a restart the old
/// process may still look active, so the PID must differ from the one before the restart.
/// </summary>
public sealed class ServiceActiveGate : ReadinessGate
{
    public override string Name => "service active";

    public override GateTiming Timing(GateSettings settings) => settings.ServiceActive;

    public override RemoteCommand Probe(GateContext context) =>
        new($"check {context.Node.ServiceName} state", "systemctl show -p ActiveState,SubState,MainPID,NRestarts \"$1\"")
        {
            Arguments = [context.Node.ServiceName],
            Timeout = ProbeTimeout,
        };

    public override GateObservation Evaluate(GateContext context, RemoteResult result)
    {
        if (!result.Succeeded) return new(false, Describe(result));
        var properties = result.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(line => line.Split('=', 2))
            .Where(parts => parts.Length == 2)
            .ToDictionary(parts => parts[0], parts => parts[1], StringComparer.Ordinal);
        var state = properties.GetValueOrDefault("ActiveState", "unknown");
        var subState = properties.GetValueOrDefault("SubState", "");
        var restarts = properties.GetValueOrDefault("NRestarts", "0");
        _ = int.TryParse(properties.GetValueOrDefault("MainPID", "0"), out var pid);
        var observed = $"{state} ({subState}), main PID {pid}, {restarts} restart(s)";
        var passed = state == "active" && pid != 0 && pid != context.PreviousMainPid;
        return new(passed, passed || state != "active" ? observed : $"{observed}: still the process from before the restart");
    }
}
