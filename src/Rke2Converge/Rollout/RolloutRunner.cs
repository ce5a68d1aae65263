using System.Diagnostics;
using System.Text.RegularExpressions;
using Rke2Converge.Gates;
using Rke2Converge.Model;
using Rke2Converge.Plan;
using Rke2Converge.Plan.Changes;
using Rke2Converge.Remote;
using Rke2Converge.Rollout.Operations;
using Rke2Converge.Rollout.Phases;

namespace Rke2Converge.Rollout;

/// <summary>Converges the plan wave by wave and stops the line at the first node that fails: later nodes stay untouched.</summary>
public sealed partial class RolloutRunner(RolloutSettings settings, AgentBatching batching, Func<string, IRemoteShell> shellFor)
{
    private static readonly INodePhase[] Phases =
    [
        new MarkPendingPhase(),
        new ApplySysctlsPhase(),
        new ApplyResourcesPhase(),
        new WriteConfigPhase(),
        new RemoveConfigDropInsPhase(),
        new InstallRke2Phase(),
        new StartServicePhase(),
        new AwaitReadinessPhase(),
    ];

    public async Task<RolloutResult> RunAsync(ClusterPlan plan, CancellationToken cancellationToken)
    {
        var reports = new Dictionary<string, NodeReport>(StringComparer.Ordinal);
        var awaitingNodeReady = new List<NodeReport>();
        string? snapshot;
        try
        {
            snapshot = await SnapshotBeforeUpgradeAsync(plan, cancellationToken).ConfigureAwait(false);
        }
        catch (NodeConvergeException failure)
        {
            return StoppedBeforeAnyChange(plan, failure);
        }
        var stopped = false;
        foreach (var wave in RolloutOrder.Waves(plan, batching))
        {
            if (stopped)
            {
                foreach (var host in wave) reports[host.Node] = new NodeReport(host.Node, host.HasChanges ? NodeOutcome.NotReached : NodeOutcome.Unchanged, TimeSpan.Zero, TimeSpan.Zero, null);
                continue;
            }
            var controlPlaneUp = ControlPlaneUp(plan, reports);
            var waveReports = await Task.WhenAll(wave.Select(host => ConvergeAsync(host, controlPlaneUp, cancellationToken))).ConfigureAwait(false);
            foreach (var report in waveReports) reports[report.Node] = report;
            awaitingNodeReady.AddRange(waveReports.Where(report => report.Outcome == NodeOutcome.AwaitingNodeReady));
            stopped = waveReports.Any(report => report.Outcome == NodeOutcome.Failed);
            if (!stopped && awaitingNodeReady.Count > 0 && ControlPlaneUp(plan, reports))
                stopped = !await ProveDeferredNodeReadyAsync(plan, awaitingNodeReady, reports, cancellationToken).ConfigureAwait(false);
        }
        // No control plane came up in this run: the check runs anyway and fails with what it saw, rather than
        // calling an unproven node converged.
        if (!stopped && awaitingNodeReady.Count > 0)
            await ProveDeferredNodeReadyAsync(plan, awaitingNodeReady, reports, cancellationToken).ConfigureAwait(false);
        return new RolloutResult([.. plan.Hosts.Select(host => reports[host.Node])], snapshot);
    }

    /// <summary>
    /// An API server is up once a control-plane node has converged in this run, or runs and needs no change, or was
    /// running before the rollout and has not been reached yet.
    /// </summary>
    public static bool ControlPlaneUp(ClusterPlan plan, IReadOnlyDictionary<string, NodeReport> reports) =>
        plan.Hosts.Any(host => host.Desired.Role.CarriesControlPlane()
            && (reports.TryGetValue(host.Node, out var report)
                ? report.Outcome == NodeOutcome.Converged || (report.Outcome == NodeOutcome.Unchanged && host.Facts.ServerService.IsActive)
                : host.Facts.ServerService.IsActive));

    /// <summary>
    /// etcd-only nodes that joined before any control plane pass their node Ready gate as soon as one is up, before
    /// the next node changes; only then are they converged.
    /// </summary>
    private async Task<bool> ProveDeferredNodeReadyAsync(ClusterPlan plan, List<NodeReport> awaiting, Dictionary<string, NodeReport> reports, CancellationToken cancellationToken)
    {
        foreach (var pending in awaiting.ToList())
        {
            awaiting.Remove(pending);
            var host = plan.Hosts.Single(h => h.Node == pending.Node);
            var node = new NodeContext(host, shellFor(host.Node), settings);
            settings.Observer.Step(host.Node, "node Ready (deferred until a control plane was up)");
            var clock = Stopwatch.StartNew();
            try
            {
                await AwaitReadinessPhase.PassAsync(node, [new NodeReadyGate()], cancellationToken).ConfigureAwait(false);
                await node.ExecuteAsync(PendingWorkOperations.Clear(), cancellationToken).ConfigureAwait(false);
            }
            catch (Exception error) when (StepFailure.StopsTheLine(error, cancellationToken))
            {
                var message = StepFailure.Describe(host.Node, "node Ready (deferred)", error);
                settings.Observer.NodeFailed(host.Node, message);
                reports[host.Node] = pending with { Outcome = NodeOutcome.Failed, Error = message };
                return false;
            }
            var elapsed = pending.Elapsed + clock.Elapsed;
            settings.Observer.NodeConverged(host.Node, elapsed);
            reports[host.Node] = pending with { Outcome = NodeOutcome.Converged, Elapsed = elapsed, GateTime = pending.GateTime + node.GateTime };
        }
        return true;
    }

    private async Task<NodeReport> ConvergeAsync(HostPlan host, bool controlPlaneUp, CancellationToken cancellationToken)
    {
        if (!host.HasChanges)
        {
            settings.Observer.NodeSkipped(host.Node, "no changes");
            return new NodeReport(host.Node, NodeOutcome.Unchanged, TimeSpan.Zero, TimeSpan.Zero, null);
        }
        var node = new NodeContext(host, shellFor(host.Node), settings) { ControlPlaneUp = controlPlaneUp };
        var clock = Stopwatch.StartNew();
        settings.Observer.NodeStarted(host.Node);
        var step = "start";
        try
        {
            foreach (var phase in Phases.Where(phase => phase.ShouldRun(node)))
            {
                step = phase.Title;
                settings.Observer.Step(host.Node, phase.Title);
                await phase.RunAsync(node, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (Exception error) when (StepFailure.StopsTheLine(error, cancellationToken))
        {
            var message = StepFailure.Describe(host.Node, step, error);
            settings.Observer.NodeFailed(host.Node, message);
            return new NodeReport(host.Node, NodeOutcome.Failed, clock.Elapsed, node.GateTime, message);
        }
        if (node.NodeReadyDeferred)
        {
            settings.Observer.Step(host.Node, "node Ready deferred: no control-plane node is up yet; checked as soon as one is");
            return new NodeReport(host.Node, NodeOutcome.AwaitingNodeReady, clock.Elapsed, node.GateTime, null);
        }
        settings.Observer.NodeConverged(host.Node, clock.Elapsed);
        var outcome = settings.Executor.IsDryRun ? NodeOutcome.WouldChange : NodeOutcome.Converged;
        return new NodeReport(host.Node, outcome, clock.Elapsed, node.GateTime, null);
    }

    /// <summary>Upgrades start with an etcd snapshot, taken on the first running etcd member, so a bad upgrade can be rolled back.</summary>
    private async Task<string?> SnapshotBeforeUpgradeAsync(ClusterPlan plan, CancellationToken cancellationToken)
    {
        var upgrading = plan.Hosts.Any(host => host.Find<InstallChange>() is { From: not null });
        if (!upgrading) return null;
        var member = plan.Hosts.FirstOrDefault(host => host.Desired.Role.CarriesEtcd() && host.Facts.ServerService.IsActive);
        if (member is null)
        {
            settings.Log.Warning("No running etcd member to snapshot before the upgrade");
            return null;
        }
        var name = $"rke2c-pre-{plan.Version.ToString().Replace('+', '-')}";
        settings.Observer.Step(member.Node, "etcd snapshot");
        RemoteResult result;
        try
        {
            result = await settings.Executor.ExecuteAsync(shellFor(member.Node), EtcdSnapshotOperations.Save(name), cancellationToken).ConfigureAwait(false);
        }
        catch (Exception error) when (StepFailure.StopsTheLine(error, cancellationToken))
        {
            throw new NodeConvergeException(member.Node, StepFailure.Describe(member.Node, "etcd snapshot before the upgrade", error), error);
        }
        // rke2 logs "Snapshot NAME-NODE-TS saved." through logrus (stderr, folded into the output here).
        var saved = SavedSnapshot().Match(result.Stdout);
        var snapshot = saved.Success ? saved.Value : $"snapshot {name} requested";
        settings.Log.Information("{Node}: {Snapshot}", member.Node, snapshot);
        return snapshot;
    }

    /// <summary>Without a snapshot no node is upgraded: the snapshot node fails, every node with changes is left untouched.</summary>
    private RolloutResult StoppedBeforeAnyChange(ClusterPlan plan, NodeConvergeException failure)
    {
        settings.Observer.NodeFailed(failure.Node, failure.Message);
        return new RolloutResult([.. plan.Hosts.Select(host => host.Node == failure.Node
            ? new NodeReport(host.Node, NodeOutcome.Failed, TimeSpan.Zero, TimeSpan.Zero, failure.Message)
            : new NodeReport(host.Node, host.HasChanges ? NodeOutcome.NotReached : NodeOutcome.Unchanged, TimeSpan.Zero, TimeSpan.Zero, null))], null);
    }

    [GeneratedRegex(@"Snapshot \S+ saved")]
    private static partial Regex SavedSnapshot();
}
