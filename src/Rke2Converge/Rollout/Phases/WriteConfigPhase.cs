using Rke2Converge.Plan.Changes;
using Rke2Converge.Plan.Steps;
using Rke2Converge.Rollout.Operations;

namespace Rke2Converge.Rollout.Phases;

/// <summary>
/// Writes config.yaml (mode 0600: it holds the token). The plan carries the hash of the file with secrets masked;
/// the real file is rendered only when the step runs, so secrets live no longer than needed.
/// </summary>
public sealed class WriteConfigPhase : INodePhase
{
    public string Title => "config.yaml";

    public IEnumerable<RolloutStep> Steps(StepContext context)
    {
        if (context.Host.Find<ConfigFileChange>() is not { } change) yield break;
        var desired = context.Host.Desired;
        var planner = context.Planner;
        yield return new RolloutStep(Title, new PlannedStep(StepKind.WriteFile, $"write {change.Path}", change.Path, PlannedStep.Hash(planner.RenderMaskedConfigFile(desired))),
            (node, token) => node.ExecuteAsync(FileOperations.WriteAtomically(change.Path, planner.RenderConfigFile(desired), "0600"), token));
    }
}
