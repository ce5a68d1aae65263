using Rke2Converge.Plan.Changes;
using Rke2Converge.Plan.Steps;
using Rke2Converge.Rollout.Operations;

namespace Rke2Converge.Rollout.Phases;

/// <summary>
/// Enables the unit and starts or restarts it without blocking; the readiness gates do the waiting. The same command
/// turns the pending marker from restart to verify.
/// </summary>
public sealed class StartServicePhase : INodePhase
{
    public string Title => "start service";

    public IEnumerable<RolloutStep> Steps(StepContext context)
    {
        if (context.Host.Find<ServiceChange>() is not { } change) yield break;
        var command = ServiceOperations.Apply(change);
        yield return new RolloutStep(Title, new PlannedStep(StepKind.Service, command.Description, change.Unit), async (node, token) =>
        {
            var result = await node.ExecuteAsync(command, token).ConfigureAwait(false);
            node.PreviousMainPid = ServiceOperations.PreviousMainPid(result);
        });
    }
}
