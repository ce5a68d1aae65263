using Rke2Converge.Plan.Changes;
using Rke2Converge.Rollout.Operations;

namespace Rke2Converge.Rollout.Phases;

/// <summary>
/// Enables the unit and starts or restarts it without blocking; the readiness gates do the waiting. The same command
/// turns the pending marker from restart to verify.
/// </summary>
public sealed class StartServicePhase : INodePhase
{
    public string Title => "start service";

    public bool ShouldRun(NodeContext node) => node.Plan.Find<ServiceChange>() is not null;

    public async Task RunAsync(NodeContext node, CancellationToken cancellationToken)
    {
        var result = await node.ExecuteAsync(ServiceOperations.Apply(node.Plan.Find<ServiceChange>()!), cancellationToken).ConfigureAwait(false);
        node.PreviousMainPid = ServiceOperations.PreviousMainPid(result);
    }
}
