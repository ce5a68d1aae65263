using Rke2Converge.Model;
using Rke2Converge.Plan.Changes;
using Rke2Converge.Plan.Desired;
using Rke2Converge.Plan.Steps;
using Rke2Converge.Remote;
using Rke2Converge.Rollout.Operations;

namespace Rke2Converge.Rollout.Phases;

/// <summary>
/// Before a node that runs is restarted for an upgrade or by <c>rke2c restart</c> or <c>rke2c certificate rotate</c>, or
/// rebooted (or for any restart, when its role's policy says so), its
/// workloads move off: cordon, and for a drain policy <c>kubectl drain</c>, run on a server with the API. A drain
/// that does not finish stops the line before the node changes, naming the pods that blocked it; the node stays
/// cordoned and the next apply resumes there. The matching uncordon runs after the readiness gates
/// (<see cref="Uncordon"/>).
/// </summary>
internal sealed class CordonDrainPhase : INodePhase
{
    public string Title => "cordon and drain";

    public const string UncordonTitle = "uncordon";

    /// <summary>Whether this node's planned restart is wrapped in cordon (and drain).</summary>
    public static bool Applies(StepContext context)
    {
        var policy = context.Host.Desired.Drain;
        if (policy.Mode == DrainMode.None || context.KubectlHost is null) return false;
        if (context.Host.Find<ServiceChange>() is not { Action: ServiceAction.Restart or ServiceAction.RotateCertificates or ServiceAction.Reboot } change) return false;
        if (change.Action == ServiceAction.Reboot && !change.WasActive) return false;
        return policy.AnyRestart || change.Action == ServiceAction.Reboot || context.Host.Desired.RestartRequested != RequestedRestart.None || context.Host.Find<InstallChange>() is { From: not null };
    }

    public IEnumerable<RolloutStep> Steps(StepContext context)
    {
        if (!Applies(context)) yield break;
        var node = context.Host.Node;
        var via = context.KubectlHost!;
        var cordon = DrainOperations.Cordon(node);
        yield return new RolloutStep(Title, new PlannedStep(StepKind.Cordon, $"{cordon.Description} (on {via})", node),
            (target, token) => target.ExecuteOnAsync(via, cordon, token)) { Sends = [cordon] };
        if (context.Host.Desired.Drain.Mode != DrainMode.Drain) yield break;
        var drain = DrainOperations.Drain(node, context.Host.Desired.Drain);
        yield return new RolloutStep(Title, new PlannedStep(StepKind.Drain, $"{drain.Description} (on {via})", node),
            (target, token) => DrainAsync(target, via, drain, context.Host.Desired.Drain, token)) { Sends = [drain] };
    }

    /// <summary>
    /// After the gates: uncordon a node this run cordoned, and a node an earlier run left cordoned whose gates are
    /// checked again now (a verify pass).
    /// </summary>
    public static IEnumerable<RolloutStep> Uncordon(StepContext context)
    {
        var verifying = context.Host.Find<ServiceChange>() is { Action: ServiceAction.Verify }
            && context.Host.Desired.Drain.Mode != DrainMode.None && context.KubectlHost is not null;
        if (!Applies(context) && !verifying) yield break;
        var via = context.KubectlHost!;
        var uncordon = DrainOperations.Uncordon(context.Host.Node);
        yield return new RolloutStep(UncordonTitle, new PlannedStep(StepKind.Uncordon, $"{uncordon.Description} (on {via})", context.Host.Node),
            (target, token) => target.ExecuteOnAsync(via, uncordon, token)) { Sends = [uncordon] };
    }

    private static async Task DrainAsync(NodeContext target, string via, RemoteCommand drain, DrainPolicy policy, CancellationToken cancellationToken)
    {
        try
        {
            await target.ExecuteOnAsync(via, drain, cancellationToken).ConfigureAwait(false);
        }
        catch (RemoteCommandException failure)
        {
            throw new NodeConvergeException(target.Node, DrainOperations.Failure(target.Node, policy, failure.Result)
                + $" Relax the PodDisruptionBudget or move those pods, then run apply again: it resumes with this node. To give up instead: kubectl uncordon {target.Node}.",
                failure);
        }
    }
}
