using Rke2Converge.Gates;
using Rke2Converge.Model;
using Rke2Converge.Plan;
using Rke2Converge.Plan.Changes;
using Rke2Converge.Plan.Steps;
using Rke2Converge.Resources.BuiltIn;
using Rke2Converge.Rollout.Operations;
using Rke2Converge.Rollout.Phases;

namespace Rke2Converge.Rollout;

/// <summary>
/// The plan as apply runs it: each node's steps, in order, and the waves nodes converge in. Built once from the plan;
/// the plan shown (and saved) carries exactly these steps, and the runner runs exactly these.
/// </summary>
internal sealed class RolloutProgram
{
    /// <summary>Cordon or drain first, then every resource in the order it applies, then the gates.</summary>
    private static readonly INodePhase[] Phases =
    [
        new CordonDrainPhase(),
        .. BuiltInResources.BeforeDeclared,
        new ApplyResourcesPhase(),
        .. BuiltInResources.AfterDeclared,
        new AwaitReadinessPhase(),
    ];

    public const string SnapshotPhase = "etcd snapshot before the upgrade";

    private RolloutProgram(ClusterPlan plan, IReadOnlyDictionary<string, IReadOnlyList<RolloutStep>> steps, IReadOnlyList<IReadOnlyList<string>> waves)
    {
        Plan = plan;
        Steps = steps;
        Waves = waves;
    }

    /// <summary>The plan with each host's <see cref="HostPlan.Steps"/> and the rollout order filled in.</summary>
    public ClusterPlan Plan { get; }

    public IReadOnlyDictionary<string, IReadOnlyList<RolloutStep>> Steps { get; }

    public IReadOnlyList<IReadOnlyList<string>> Waves { get; }

    /// <param name="plan">The plan.</param>
    /// <param name="planner">Renders config.yaml (masked for the hash, real when the step runs).</param>
    /// <param name="artifacts">Where the release comes from.</param>
    /// <param name="gates">Gate settings, custom gates included.</param>
    /// <param name="batching">How agents are batched.</param>
    /// <param name="redact">Masks known secret values in file content before it is hashed.</param>
    public static RolloutProgram Build(
        ClusterPlan plan, Planner planner, ArtifactSource? artifacts, GateSettings gates, AgentBatching batching, Func<string, string> redact)
    {
        var waves = RolloutOrder.Waves(plan, batching);
        var steps = new Dictionary<string, IReadOnlyList<RolloutStep>>(StringComparer.Ordinal);
        var snapshot = Snapshot(plan);
        // Predicted as a successful rollout would find it: a failure stops the line before any later node runs.
        var reports = new Dictionary<string, NodeReport>(StringComparer.Ordinal);
        foreach (var wave in waves)
        {
            var controlPlaneUp = RolloutRunner.ControlPlaneUp(plan, reports);
            foreach (var host in wave)
            {
                var context = new StepContext(host, planner, artifacts, gates, controlPlaneUp, redact) 
                {
                    KubectlHost = KubectlHostFor(plan, host),
                    EtcdPeers = [.. plan.Hosts.Where(other => other.Node != host.Node && other.Desired.Role.CarriesEtcd()).Select(other => other.Desired)],
                };
                List<RolloutStep> nodeSteps = host.HasChanges ? [.. Phases.SelectMany(phase => phase.Steps(context))] : [];
                if (snapshot is { } first && first.Node == host.Node) nodeSteps.Insert(0, first.Step);
                steps[host.Node] = [.. nodeSteps.Select(step => Bind(step, redact))];
            }
            foreach (var host in wave)
            {
                reports[host.Node] = host.HasChanges ? new NodeReport(host.Node, NodeOutcome.Converged, TimeSpan.Zero, TimeSpan.Zero, null) : NodeReport.Untouched(host);
            }
        }
        var planned = plan with
        {
            Hosts = [.. plan.Hosts.Select(host => host with { Steps = [.. steps[host.Node].Select(step => step.Planned)] })],
            RolloutOrder = [.. waves.SelectMany(wave => wave.Select(host => host.Node))],
        };
        return new RolloutProgram(planned, steps, [.. waves.Select(wave => (IReadOnlyList<string>)[.. wave.Select(host => host.Node)])]);
    }

    /// <summary>The planned step carries the binding of exactly the commands the step sends.</summary>
    private static RolloutStep Bind(RolloutStep step, Func<string, string> redact) =>
        step with { Planned = step.Planned with { CommandsSha256 = StepBinding.Of(step.Sends, redact) } };

    /// <summary>
    /// Where kubectl cordons and drains a node: the first server in rollout order that runs the API server now, another
    /// one than the node itself when there is one (its API stays up while the node restarts).
    /// </summary>
    public static string? KubectlHostFor(ClusterPlan plan, HostPlan node)
    {
        var running = plan.Hosts.Where(host => host.Desired.Role.CarriesControlPlane() && host.Facts.ServerService.IsActive).ToList();
        return (running.FirstOrDefault(host => host.Node != node.Node) ?? running.FirstOrDefault())?.Node;
    }

    /// <summary>Upgrades start with an etcd snapshot, taken on the first running etcd member, so a bad upgrade can be rolled back.</summary>
    private static (string Node, RolloutStep Step)? Snapshot(ClusterPlan plan)
    {
        if (!plan.Hosts.Any(host => host.Find<InstallChange>() is { From: not null })) return null;
        // Under --limit a member inside the limit takes it when one runs; a member outside only writes the snapshot file.
        var member = plan.Hosts.OrderBy(host => host.NotInLimit).FirstOrDefault(host => host.Desired.Role.CarriesEtcd() && host.Facts.ServerService.IsActive);
        if (member is null) return null;
        var (name, description) = SnapshotName(plan.Version.ToString(), member);
        var command = EtcdSnapshotOperations.Save(name);
        return (member.Node, new RolloutStep(SnapshotPhase, new PlannedStep(StepKind.EtcdSnapshot, description, name),
            async (node, token) => node.SnapshotOutput = (await node.ExecuteAsync(command, token).ConfigureAwait(false)).Stdout) { Sends = [command] });
    }

    /// <summary>
    /// A snapshot is named after the version etcd runs when it is taken: <c>rke2c-pre-TARGET</c> while the member still
    /// runs an older release; on an upgrade that resumes after the member already runs the target,
    /// <c>rke2c-at-TARGET</c>, so no snapshot taken at the new version claims to be from before it.
    /// </summary>
    public static (string Name, string Description) SnapshotName(string target, HostPlan member)
    {
        var flat = target.Replace('+', '-');
        if (member.Facts.InstalledVersion != target) return ($"rke2c-pre-{flat}", $"etcd snapshot rke2c-pre-{flat}, before any node changes");
        return ($"rke2c-at-{flat}", $"etcd snapshot rke2c-at-{flat}, before any node changes (the upgrade resumes: {member.Node} already runs {target})");
    }
}
