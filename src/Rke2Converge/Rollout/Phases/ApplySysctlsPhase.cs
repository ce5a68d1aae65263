using Rke2Converge.Plan.Changes;
using Rke2Converge.Rollout.Operations;

namespace Rke2Converge.Rollout.Phases;

/// <summary>Kernel parameters first, persisted and live, so the kubelet finds them right when RKE2 starts.</summary>
public sealed class ApplySysctlsPhase : INodePhase
{
    public string Title => "sysctls";

    public bool ShouldRun(NodeContext node) => node.Plan.Find<SysctlChange>() is not null || node.Plan.Find<SysctlFileChange>() is not null;

    public async Task RunAsync(NodeContext node, CancellationToken cancellationToken)
    {
        if (node.Plan.Find<SysctlFileChange>() is { } file)
        {
            await node.ExecuteAsync(FileOperations.WriteAtomically(file.Path, file.After, "0644"), cancellationToken).ConfigureAwait(false);
        }
        var runtime = node.Plan.Changes.OfType<SysctlChange>().Select(change => (change.Key, change.After)).ToList();
        if (runtime.Count > 0)
        {
            await node.ExecuteAsync(SysctlOperations.SetRuntime(runtime), cancellationToken).ConfigureAwait(false);
        }
    }
}
