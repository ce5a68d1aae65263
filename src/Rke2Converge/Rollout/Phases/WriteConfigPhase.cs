using Rke2Converge.Plan.Changes;
using Rke2Converge.Rollout.Operations;

namespace Rke2Converge.Rollout.Phases;

/// <summary>Writes config.yaml (mode 0600: it holds the token), rendered only now so secrets live no longer than needed.</summary>
public sealed class WriteConfigPhase : INodePhase
{
    public string Title => "config.yaml";

    public bool ShouldRun(NodeContext node) => node.Plan.Find<ConfigFileChange>() is not null;

    public Task RunAsync(NodeContext node, CancellationToken cancellationToken)
    {
        var change = node.Plan.Find<ConfigFileChange>()!;
        var content = node.Settings.Planner.RenderConfigFile(node.Plan.Desired);
        return node.ExecuteAsync(FileOperations.WriteAtomically(change.Path, content, "0600"), cancellationToken);
    }
}
