using Rke2Converge.Facts;
using Rke2Converge.Model;
using Rke2Converge.Plan.Changes;
using Rke2Converge.Plan.Steps;
using Rke2Converge.Remote;
using Rke2Converge.Rollout;
using Rke2Converge.Rollout.Operations;

namespace Rke2Converge.Resources.BuiltIn;

/// <summary>
/// The marker that says what an earlier run left unfinished. It is written before anything the service depends on
/// changes, so a run cut off between the change and the restart (Ctrl-C, a lost connection) restarts the node next
/// time instead of finding nothing to do; the service diff reads it, the readiness gates clear it.
/// </summary>
internal sealed class PendingMarkerResource : BuiltInResource
{
    public override string Title => "mark restart pending";

    public override bool BeforeDeclaredResources => true;

    public override IEnumerable<ReservedPath> Writes => [new(Rke2Paths.PendingWorkMarker, Tree: false, "rke2c's marker of unfinished work")];

    internal override string FactFragment => $"managed_record pending {ShellQuote.Quote(Rke2Paths.PendingWorkMarker)}\n";

    public override IReadOnlyList<FactTag> Records { get; } = [new("pending")];

    public override HostFacts Read(HostFacts facts, IReadOnlyList<FactRecord> records)
    {
        var record = records.Single();
        return facts with
        {
            Pending = record.Optional()?.Trim() switch
            {
                null => PendingWork.None,
                "restart" => PendingWork.Restart,
                "verify" => PendingWork.Verify,
                var other => throw record.Error($"{Rke2Paths.PendingWorkMarker} holds '{FactRecord.Short(other)}', expected restart or verify"),
            },
        };
    }

    /// <summary>The marker is never a change of its own: it only turns what it records into the service's action.</summary>
    internal override IEnumerable<Change> Diff(BuiltInPlanContext context) => [];

    public override IEnumerable<RolloutStep> Steps(StepContext context)
    {
        if (context.Host.StartsService) yield return RolloutStep.Run(Title, StepKind.MarkPending, PendingWorkOperations.MarkRestart(), Rke2Paths.PendingWorkMarker);
    }
}
