using System.Diagnostics;
using System.Text.RegularExpressions;
using Rke2Converge.Model;
using Rke2Converge.Plan;
using Rke2Converge.Plan.Changes;
using Rke2Converge.Plan.Steps;
using Rke2Converge.Remote;
using Rke2Converge.Rollout.Phases;

namespace Rke2Converge.Rollout;

/// <summary>Converges the plan wave by wave and stops the line at the first node that fails: later nodes stay untouched.</summary>
internal sealed partial class RolloutRunner(RolloutSettings settings, AgentBatching batching, Func<string, IRemoteShell> shellFor)
{
    /// <summary>What observers are told for a node outside the run's --limit.</summary>
    public const string NotInLimitReason = "not in --limit";

    /// <summary>Derives the steps from the plan (the one way they are derived) and runs them.</summary>
    public Task<RolloutResult> RunAsync(ClusterPlan plan, CancellationToken cancellationToken) =>
        RunAsync(RolloutProgram.Build(plan, settings.Planner, settings.Artifacts, settings.Gates, batching, settings.Redact), cancellationToken);

    /// <summary>Runs exactly the program's steps: the snapshot first, then node by node, wave by wave.</summary>
    public async Task<RolloutResult> RunAsync(RolloutProgram program, CancellationToken cancellationToken)
    {
        var plan = program.Plan;
        var hosts = plan.Hosts.ToDictionary(host => host.Node, StringComparer.Ordinal);
        var reports = new Dictionary<string, NodeReport>(StringComparer.Ordinal);
        var awaitingNodeReady = new List<NodeReport>();
        string? snapshot;
        try
        {
            snapshot = await SnapshotBeforeUpgradeAsync(program, cancellationToken).ConfigureAwait(false);
        }
        catch (NodeConvergeException failure)
        {
            return StoppedBeforeAnyChange(plan, failure);
        }
        var stopped = false;
        foreach (var wave in program.Waves.Select(names => names.Select(name => hosts[name]).ToList()))
        {
            if (stopped)
            {
                foreach (var host in wave) reports[host.Node] = host.HasChanges ? new NodeReport(host.Node, NodeOutcome.NotReached, TimeSpan.Zero, TimeSpan.Zero, null) : NodeReport.Untouched(host);
                continue;
            }
            var waveReports = await Task.WhenAll(wave.Select(host => ConvergeAsync(host, program.Steps[host.Node], cancellationToken))).ConfigureAwait(false);
            foreach (var report in waveReports) reports[report.Node] = report;
            awaitingNodeReady.AddRange(waveReports.Where(report => report.Outcome == NodeOutcome.AwaitingNodeReady));
            stopped = waveReports.Any(report => report.Outcome == NodeOutcome.Failed);
            if (!stopped && awaitingNodeReady.Count > 0 && ControlPlaneUp(plan, reports))
                stopped = !await ProveDeferredNodeReadyAsync(program, awaitingNodeReady, reports, cancellationToken).ConfigureAwait(false);
        }
        // No control plane came up in this run: the check runs anyway and fails with what it saw, rather than
        // calling an unproven node converged.
        if (!stopped && awaitingNodeReady.Count > 0)
            await ProveDeferredNodeReadyAsync(program, awaitingNodeReady, reports, cancellationToken).ConfigureAwait(false);
        return new RolloutResult([.. plan.Hosts.Select(host => reports[host.Node])], snapshot);
    }

    /// <summary>
    /// An API server is up once a control-plane node has converged in this run, or runs and needs no change, or was
    /// running before the rollout and has not been reached yet.
    /// </summary>
    public static bool ControlPlaneUp(ClusterPlan plan, IReadOnlyDictionary<string, NodeReport> reports) =>
        plan.Hosts.Any(host => host.Desired.Role.CarriesControlPlane()
            && (reports.TryGetValue(host.Node, out var report)
                ? report.Outcome is NodeOutcome.Converged or NodeOutcome.WouldChange || (report.Outcome == NodeOutcome.Unchanged && host.Facts.ServerService.IsActive)
                : host.Facts.ServerService.IsActive));

    /// <summary>
    /// etcd-only nodes that joined before any control plane pass their node Ready gate as soon as one is up, before
    /// the next node changes; only then are they converged.
    /// </summary>
    private async Task<bool> ProveDeferredNodeReadyAsync(RolloutProgram program, List<NodeReport> awaiting, Dictionary<string, NodeReport> reports, CancellationToken cancellationToken)
    {
        foreach (var pending in awaiting.ToList())
        {
            awaiting.Remove(pending);
            var host = program.Plan.Hosts.Single(h => h.Node == pending.Node);
            var node = new NodeContext(host, shellFor(host.Node), settings) { ShellFor = shellFor };
            settings.Observer.Step(host.Node, "node Ready (deferred until a control plane was up)");
            var clock = Stopwatch.StartNew();
            try
            {
                foreach (var step in Deferred(program.Steps[host.Node])) await RunStepAsync(node, step, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception error) when (StepFailure.StopsTheLine(error, cancellationToken))
            {
                var message = StepFailure.Describe(host.Node, AwaitReadinessPhase.DeferredTitle, error);
                settings.Observer.NodeFailed(host.Node, message);
                reports[host.Node] = pending with { Outcome = NodeOutcome.Failed, Error = message };
                return false;
            }
            var elapsed = pending.Elapsed + clock.Elapsed;
            settings.Observer.NodeConverged(host.Node, elapsed);
            var outcome = settings.Executor.IsDryRun ? NodeOutcome.WouldChange : NodeOutcome.Converged;
            reports[host.Node] = pending with { Outcome = outcome, Elapsed = elapsed, GateTime = pending.GateTime + node.GateTime };
        }
        return true;
    }

    /// <summary>A node's steps up to its deferred node Ready check; the rest run once a control plane is up.</summary>
    private static IEnumerable<RolloutStep> Immediate(IReadOnlyList<RolloutStep> steps) =>
        steps.Where(step => step.Planned.Kind != StepKind.EtcdSnapshot).TakeWhile(step => step.Planned.Kind != StepKind.DeferredGate);

    private static IEnumerable<RolloutStep> Deferred(IReadOnlyList<RolloutStep> steps) =>
        steps.SkipWhile(step => step.Planned.Kind != StepKind.DeferredGate);

    private async Task<NodeReport> ConvergeAsync(HostPlan host, IReadOnlyList<RolloutStep> steps, CancellationToken cancellationToken)
    {
        if (!host.HasChanges)
        {
            settings.Observer.NodeSkipped(host.Node, host.NotInLimit ? NotInLimitReason : "no changes");
            return NodeReport.Untouched(host);
        }
        var node = new NodeContext(host, shellFor(host.Node), settings) { ShellFor = shellFor };
        var clock = Stopwatch.StartNew();
        settings.Observer.NodeStarted(host.Node);
        var phase = "start";
        try
        {
            foreach (var step in Immediate(steps))
            {
                if (step.Phase != phase)
                {
                    phase = step.Phase;
                    settings.Observer.Step(host.Node, phase);
                }
                foreach (var line in step.Announce) settings.Observer.Step(host.Node, line);
                await RunStepAsync(node, step, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (Exception error) when (StepFailure.StopsTheLine(error, cancellationToken))
        {
            var message = StepFailure.Describe(host.Node, phase, error);
            settings.Observer.NodeFailed(host.Node, message);
            return new NodeReport(host.Node, NodeOutcome.Failed, clock.Elapsed, node.GateTime, message);
        }
        if (Deferred(steps).Any())
        {
            settings.Observer.Step(host.Node, "node Ready deferred: no control-plane node is up yet; checked as soon as one is");
            return new NodeReport(host.Node, NodeOutcome.AwaitingNodeReady, clock.Elapsed, node.GateTime, null);
        }
        settings.Observer.NodeConverged(host.Node, clock.Elapsed);
        var outcome = settings.Executor.IsDryRun ? NodeOutcome.WouldChange : NodeOutcome.Converged;
        return new NodeReport(host.Node, outcome, clock.Elapsed, node.GateTime, null);
    }

    /// <summary>The program's etcd snapshot step, before any node changes; none planned with an upgrade is a warning.</summary>
    private async Task<string?> SnapshotBeforeUpgradeAsync(RolloutProgram program, CancellationToken cancellationToken)
    {
        var member = program.Plan.Hosts.FirstOrDefault(host => program.Steps[host.Node].Any(step => step.Planned.Kind == StepKind.EtcdSnapshot));
        if (member is null)
        {
            if (program.Plan.Hosts.Any(host => host.Find<InstallChange>() is { From: not null })) settings.Log.Warning("No running etcd member to snapshot before the upgrade");
            return null;
        }
        var node = new NodeContext(member, shellFor(member.Node), settings) { ShellFor = shellFor };
        settings.Observer.Step(member.Node, "etcd snapshot");
        try
        {
            foreach (var step in program.Steps[member.Node].Where(step => step.Planned.Kind == StepKind.EtcdSnapshot)) await RunStepAsync(node, step, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception error) when (StepFailure.StopsTheLine(error, cancellationToken))
        {
            throw new NodeConvergeException(member.Node, StepFailure.Describe(member.Node, RolloutProgram.SnapshotPhase, error), error);
        }
        // rke2 logs "Snapshot NAME-NODE-TS saved." through logrus (stderr, folded into the output here).
        var saved = SavedSnapshot().Match(node.SnapshotOutput ?? "");
        var snapshot = saved.Success ? saved.Value : $"snapshot {program.Steps[member.Node][0].Planned.Target} requested";
        settings.Log.Information("{Node}: {Snapshot}", member.Node, snapshot);
        return snapshot;
    }

    /// <summary>Without a snapshot no node is upgraded: the snapshot node fails, every node with changes is left untouched.</summary>
    private RolloutResult StoppedBeforeAnyChange(ClusterPlan plan, NodeConvergeException failure)
    {
        settings.Observer.NodeFailed(failure.Node, failure.Message);
        return new RolloutResult([.. plan.Hosts.Select(host => host.Node == failure.Node
            ? new NodeReport(host.Node, NodeOutcome.Failed, TimeSpan.Zero, TimeSpan.Zero, failure.Message)
            : host.HasChanges ? new NodeReport(host.Node, NodeOutcome.NotReached, TimeSpan.Zero, TimeSpan.Zero, null) : NodeReport.Untouched(host))], null);
    }

    /// <summary>A step runs bound to the commands it declared: anything else it tries to send is refused.</summary>
    private static Task RunStepAsync(NodeContext node, RolloutStep step, CancellationToken cancellationToken)
    {
        node.Begin(step);
        return step.RunAsync(node, cancellationToken);
    }

    [GeneratedRegex(@"Snapshot \S+ saved")]
    private static partial Regex SavedSnapshot();
}
