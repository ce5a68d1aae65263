using Rke2Converge.Rollout.Operations;

namespace Rke2Converge.Rollout.Phases;

/// <summary>
/// Before anything the service depends on changes, records that a restart is owed, so a run cut off between the
/// change and the restart (Ctrl-C, a lost connection) restarts the node next time instead of finding nothing to do.
/// </summary>
public sealed class MarkPendingPhase : INodePhase
{
    public string Title => "mark restart pending";

    public bool ShouldRun(NodeContext node) => node.Plan.StartsService;

    public Task RunAsync(NodeContext node, CancellationToken cancellationToken) =>
        node.ExecuteAsync(PendingWorkOperations.MarkRestart(), cancellationToken);
}
