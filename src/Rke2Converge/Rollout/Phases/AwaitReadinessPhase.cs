using Rke2Converge.Gates;
using Rke2Converge.Plan.Steps;
using Rke2Converge.Remote;
using Rke2Converge.Rollout.Operations;

namespace Rke2Converge.Rollout.Phases;

/// <summary>
/// After a start or restart, the node must pass every gate of its role before the rollout moves on; then its pending
/// marker is cleared. An etcd-only node joined before any control plane is up proves node Ready later, as a deferred
/// step, and clears the marker only then. Before the marker goes, the host records the cluster it now belongs to. A dry run lists the gates without waiting on them.
/// </summary>
internal sealed class AwaitReadinessPhase : INodePhase
{
    public string Title => "readiness gates";

    public const string DeferredTitle = "node Ready (deferred)";

    public IEnumerable<RolloutStep> Steps(StepContext context)
    {
        if (!context.Host.TouchesService) yield break;
        var role = context.Host.Desired.Role;
        IReadOnlyList<ReadinessGate> gates = [.. RebootGate(context), .. GateSet.For(role, context.ControlPlaneUp), .. CustomGate.For(context.Gates, role)];
        foreach (var gate in gates)
        {
            yield return new RolloutStep(Title, new PlannedStep(StepKind.Gate, $"gate {gate.Name}", gate.Name), (node, token) => PassAsync(node, [gate], token))
            {
                Sends = Sends(context, gate),
            };
        }
        if (!gates.OfType<NodeReadyGate>().Any())
        {
            var nodeReady = new NodeReadyGate();
            yield return new RolloutStep(DeferredTitle,
                new PlannedStep(StepKind.DeferredGate, $"gate {nodeReady.Name}, deferred until a control-plane node is up", nodeReady.Name),
                (node, token) => PassAsync(node, [nodeReady], token))
            {
                Sends = Sends(context, nodeReady),
            };
            yield return Resources.BuiltIn.ClusterIdentityResource.Record(DeferredTitle, context);
            yield return RolloutStep.Run(DeferredTitle, StepKind.ClearPending, PendingWorkOperations.Clear(), Model.Rke2Paths.PendingWorkMarker);
            yield break;
        }
        foreach (var uncordon in CordonDrainPhase.Uncordon(context)) yield return uncordon;
        yield return Resources.BuiltIn.ClusterIdentityResource.Record(Title, context);
        yield return RolloutStep.Run(Title, StepKind.ClearPending, PendingWorkOperations.Clear(), Model.Rke2Paths.PendingWorkMarker);
    }

    /// <summary>A rebooted host must first be back, with a new boot id, before its other gates mean anything.</summary>
    private static IEnumerable<ReadinessGate> RebootGate(StepContext context) =>
        context.Host.Find<Plan.Changes.ServiceChange>() is { Action: Plan.Changes.ServiceAction.Reboot } ? [new HostRebootedGate()] : [];

    /// <summary>
    /// A gate step sends its probe (polled; a probe depends on the node and the gate settings, never on what a run
    /// finds) and, when it fails, the read of the service's last log lines.
    /// </summary>
    private static IReadOnlyList<RemoteCommand> Sends(StepContext context, ReadinessGate gate) =>
        [gate.Probe(new GateContext(context.Host.Desired, 0, context.Gates)), JournalTail(context.Host.Desired.ServiceName)];

    private static RemoteCommand JournalTail(string unit) => ServiceOperations.FailureEvidence(unit, 8);

    /// <summary>Waits for each gate in turn; the first that fails ends the node's rollout with the evidence. A dry run waits on none.</summary>
    public static async Task PassAsync(NodeContext node, IEnumerable<ReadinessGate> gates, CancellationToken cancellationToken)
    {
        if (node.Settings.Executor.IsDryRun) return;
        var context = new GateContext(node.Plan.Desired, node.PreviousMainPid, node.Settings.Gates) { PreviousBootId = node.PreviousBootId };
        foreach (var gate in gates)
        {
            try
            {
                var waited = await GateRunner.WaitAsync(node.Shell, gate, context,
                    (g, elapsed, last) => node.Settings.Observer.GateWaiting(node.Node, g.Name, elapsed, last?.Observed),
                    cancellationToken).ConfigureAwait(false);
                node.GateTime += waited;
                node.Settings.Observer.GatePassed(node.Node, gate.Name, waited);
            }
            catch (GateFailedException failure)
            {
                throw new NodeConvergeException(node.Node, $"{failure.Message}{await JournalTailAsync(node, cancellationToken).ConfigureAwait(false)}", failure);
            }
        }
    }

    /// <summary>The last log lines usually say why (kernel flags, a join conflict), so they go into the failure report.</summary>
    private static async Task<string> JournalTailAsync(NodeContext node, CancellationToken cancellationToken)
    {
        try
        {
            var result = await node.Shell.RunAsync(JournalTail(node.Plan.Desired.ServiceName), cancellationToken).ConfigureAwait(false);
            var lines = result.Stdout.Trim();
            return lines.Length == 0 ? "" : $"\n  last log lines of {node.Plan.Desired.ServiceName}:\n    " + lines.Replace("\n", "\n    ", StringComparison.Ordinal);
        }
        catch (Remote.RemoteException)
        {
            return "";
        }
    }
}
