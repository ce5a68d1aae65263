using Rke2Converge.Gates;
using Rke2Converge.Rollout.Operations;

namespace Rke2Converge.Rollout.Phases;

/// <summary>After a start or restart, the node must pass every gate of its role before the rollout moves on.</summary>
public sealed class AwaitReadinessPhase : INodePhase
{
    public string Title => "readiness gates";

    public bool ShouldRun(NodeContext node) => node.Plan.TouchesService && !node.Settings.Executor.IsDryRun;

    public async Task RunAsync(NodeContext node, CancellationToken cancellationToken)
    {
        IReadOnlyList<ReadinessGate> gates = [.. GateSet.For(node.Plan.Desired.Role, node.ControlPlaneUp), .. CustomGate.For(node.Settings.Gates, node.Plan.Desired.Role)];
        node.NodeReadyDeferred = !gates.OfType<NodeReadyGate>().Any();
        await PassAsync(node, gates, cancellationToken).ConfigureAwait(false);
        // A deferred node Ready gate clears the marker when it passes, at the end of the rollout.
        if (!node.NodeReadyDeferred) await node.ExecuteAsync(PendingWorkOperations.Clear(), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Waits for each gate in turn; the first that fails ends the node's rollout with the evidence.</summary>
    public static async Task PassAsync(NodeContext node, IEnumerable<ReadinessGate> gates, CancellationToken cancellationToken)
    {
        var context = new Gates.GateContext(node.Plan.Desired, node.PreviousMainPid, node.Settings.Gates);
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
            var result = await node.Shell.RunAsync(ServiceOperations.FailureEvidence(node.Plan.Desired.ServiceName, 8), cancellationToken).ConfigureAwait(false);
            var lines = result.Stdout.Trim();
            return lines.Length == 0 ? "" : $"\n  last log lines of {node.Plan.Desired.ServiceName}:\n    " + lines.Replace("\n", "\n    ", StringComparison.Ordinal);
        }
        catch (Remote.RemoteException)
        {
            return "";
        }
    }
}
