using Rke2Converge.Plan.Changes;
using Rke2Converge.Plan.Steps;
using Rke2Converge.Rollout.Operations;

namespace Rke2Converge.Rollout.Phases;

/// <summary>
/// Removes the drop-ins the plan lists (ConfigDropIns.Remove()), each moved into the backup directory. Runs before
/// the service phase, so the node's one restart picks up config.yaml without them.
/// </summary>
public sealed class RemoveConfigDropInsPhase : INodePhase
{
    public string Title => "remove config.yaml.d drop-ins";

    public IEnumerable<RolloutStep> Steps(StepContext context) =>
        context.Host.Changes.OfType<ConfigDropInRemoval>().Select(removal => RolloutStep.Run(Title, StepKind.RemoveFile, FileOperations.Remove(removal.Path), removal.Path));
}
