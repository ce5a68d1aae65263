using Rke2Converge.Plan.Changes;
using Rke2Converge.Plan.Steps;
using Rke2Converge.Rollout.Operations;

namespace Rke2Converge.Rollout.Phases;

/// <summary>Kernel parameters first, persisted and live, so the kubelet finds them right when RKE2 starts.</summary>
public sealed class ApplySysctlsPhase : INodePhase
{
    public string Title => "sysctls";

    public IEnumerable<RolloutStep> Steps(StepContext context)
    {
        if (context.Host.Find<SysctlFileChange>() is { } file)
        {
            yield return RolloutStep.Run(Title, StepKind.WriteFile, FileOperations.WriteAtomically(file.Path, file.After, "0644"), file.Path, PlannedStep.Hash(file.After));
        }
        var runtime = context.Host.Changes.OfType<SysctlChange>().Select(change => (change.Key, change.After)).ToList();
        if (runtime.Count > 0)
        {
            yield return RolloutStep.Run(Title, StepKind.Sysctl, SysctlOperations.SetRuntime(runtime), string.Join(" ", runtime.Select(pair => $"{pair.Key}={pair.After}")));
        }
    }
}
