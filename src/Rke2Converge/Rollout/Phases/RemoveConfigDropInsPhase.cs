using Rke2Converge.Plan.Changes;
using Rke2Converge.Rollout.Operations;

namespace Rke2Converge.Rollout.Phases;

/// <summary>
/// Removes the drop-ins the plan lists (ConfigDropIns.Remove()), each moved into the backup directory. Runs before
/// the service phase, so the node's one restart picks up config.yaml without them.
/// </summary>
public sealed class RemoveConfigDropInsPhase : INodePhase
{
    public string Title => "remove config.yaml.d drop-ins";

    public bool ShouldRun(NodeContext node) => node.Plan.Find<ConfigDropInRemoval>() is not null;

    public async Task RunAsync(NodeContext node, CancellationToken cancellationToken)
    {
        foreach (var removal in node.Plan.Changes.OfType<ConfigDropInRemoval>())
        {
            await node.ExecuteAsync(FileOperations.Remove(removal.Path), cancellationToken).ConfigureAwait(false);
        }
    }
}
