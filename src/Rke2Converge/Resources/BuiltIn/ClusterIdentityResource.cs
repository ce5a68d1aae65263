using Rke2Converge.Facts;
using Rke2Converge.Model;
using Rke2Converge.Plan.Changes;
using Rke2Converge.Plan.Steps;
using Rke2Converge.Remote;
using Rke2Converge.Rollout;
using Rke2Converge.Rollout.Operations;

namespace Rke2Converge.Resources.BuiltIn;

/// <summary>
/// Which cluster the host belongs to, recorded on it by rke2c (<see cref="Rke2Paths.IdentityFile"/>) once the node
/// passed its gates. A host recorded for another cluster is a plan problem naming that cluster, whatever the CA
/// comparison (<see cref="Plan.ClusterIdentityReview"/>) can tell: it holds even when this playbook's servers have
/// not run yet, or when RKE2 was uninstalled from the host and its CA is gone. The record is written by the readiness
/// phase after the gates (<see cref="Rollout.Phases.AwaitReadinessPhase"/>); here only for a node that runs RKE2
/// without one, or whose CA changed, and whose service this run leaves alone.
/// </summary>
internal sealed class ClusterIdentityResource : BuiltInResource
{
    public override string Title => "cluster identity";

    public override IEnumerable<ReservedPath> Writes => [new(Rke2Paths.IdentityFile, Tree: false, "the cluster rke2c recorded this host as belonging to")];

    internal override string FactFragment => $"managed_record identity {ShellQuote.Quote(Rke2Paths.IdentityFile)}\n";

    // Optional: a fact output from an rke2c before the record existed (a saved plan) simply has none.
    public override IReadOnlyList<FactTag> Records { get; } = [new("identity", FactOccurrence.Optional)];

    public override HostFacts Read(HostFacts facts, IReadOnlyList<FactRecord> records) =>
        facts with { RecordedIdentity = records.SingleOrDefault()?.Optional() is { } text ? ClusterIdentity.Parse(text) : null };

    internal override IEnumerable<Change> Diff(BuiltInPlanContext context)
    {
        var (recorded, cluster) = (context.Facts.RecordedIdentity, context.Planner.ClusterName);
        if (recorded is not null && recorded.Cluster != cluster)
        {
            context.Problem(Refusal(recorded.Cluster, cluster, context.Node.Node.Name));
            yield break;
        }
        if (context.Facts.ClusterCaSha256 is { } ca && recorded?.CaSha256 != ca)
        {
            yield return new IdentityChange(Rke2Paths.IdentityFile, cluster, recorded is not null);
        }
    }

    public override IEnumerable<RolloutStep> Steps(StepContext context)
    {
        // A node that starts or restarts records it after its gates instead.
        if (context.Host.Find<IdentityChange>() is null || context.Host.TouchesService) yield break;
        yield return Record(Title, context);
    }

    /// <summary>The step that writes the record for this playbook's cluster.</summary>
    public static RolloutStep Record(string phase, StepContext context) =>
        RolloutStep.Run(phase, StepKind.WriteFile, IdentityOperations.Record(context.Planner.ClusterName), Rke2Paths.IdentityFile);

    private static string Refusal(string other, string cluster, string node) =>
        $"this host belongs to cluster {other}, not {cluster}: rke2c recorded it so in {Rke2Paths.IdentityFile} when it last converged it for {other}. "
        + $"rke2c changes nothing while it is so: check {node}'s address in the playbook; if the host is to leave {other}, remove it with that "
        + $"cluster's playbook (rke2c remove) first; if only the playbook's Cluster(\"...\") name changed, delete {Rke2Paths.IdentityFile} on each host "
        + "(rke2c exec site.csx -- rm FILE) and run apply again.";
}
