using Rke2Converge.Model;
using Rke2Converge.Plan.Steps;
using Rke2Converge.Rollout.Operations;

namespace Rke2Converge.Rollout.Phases;

/// <summary>
/// Before anything the service depends on changes, records that a restart is owed, so a run cut off between the
/// change and the restart (Ctrl-C, a lost connection) restarts the node next time instead of finding nothing to do.
/// </summary>
public sealed class MarkPendingPhase : INodePhase
{
    public string Title => "mark restart pending";

    public IEnumerable<RolloutStep> Steps(StepContext context)
    {
        if (context.Host.StartsService) yield return RolloutStep.Run(Title, StepKind.MarkPending, PendingWorkOperations.MarkRestart(), Rke2Paths.PendingWorkMarker);
    }
}
