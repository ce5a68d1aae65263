using Rke2Converge.Model;
using Rke2Converge.Remote;
using Rke2Converge.Rollout.Operations;

namespace Rke2Converge.Gates;

/// <summary>
/// After a reboot: the host answers over SSH again with another boot id than the one it had when the reboot was asked
/// for. Until then it is down (the probe cannot connect) or not yet gone (the same boot id); both are waited on.
/// </summary>
internal sealed class HostRebootedGate : ReadinessGate
{
    public override string Name => "host rebooted";

    public override GateTiming Timing(GateSettings settings) => settings.Reboot;

    public override RemoteCommand Probe(GateContext context) =>
        new("read the boot id", "cat \"$1\"") { Arguments = [ServiceOperations.BootIdFile], Timeout = ProbeTimeout };

    public override GateObservation Evaluate(GateContext context, RemoteResult result)
    {
        if (!result.Succeeded) return new(false, Describe(result));
        var current = result.Stdout.Trim();
        if (current.Length == 0) return new(false, $"{ServiceOperations.BootIdFile} is empty");
        return context.PreviousBootId is null || current == context.PreviousBootId
            ? new(false, $"boot id {current}: the host has not rebooted yet")
            : new(true, $"new boot id {current}");
    }
}
