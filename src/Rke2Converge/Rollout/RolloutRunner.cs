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
        new WriteConfigPhase(),
        new InstallRke2Phase(),
        new StartServicePhase(),
        new AwaitReadinessPhase(),
    ];

    private readonly HashSet<string> _deferredNodeReady = new(StringComparer.Ordinal);

    public async Task<RolloutResult> RunAsync(ClusterPlan plan, CancellationToken cancellationToken)
    {
        var reports = new Dictionary<string, NodeReport>(StringComparer.Ordinal);
        var snapshot = await SnapshotBeforeUpgradeAsync(plan, cancellationToken).ConfigureAwait(false);
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
            stopped = waveReports.Any(report => report.Outcome == NodeOutcome.Failed);
        }
        if (!stopped && !settings.Executor.IsDryRun) await CheckDeferredNodeReadyAsync(plan, reports, cancellationToken).ConfigureAwait(false);
        return new RolloutResult([.. plan.Hosts.Select(host => reports[host.Node])], snapshot);
    }

    /// <summary>An API server is up once a control-plane node was running before the rollout or has converged in it.</summary>
    private static bool ControlPlaneUp(ClusterPlan plan, Dictionary<string, NodeReport> reports) =>
        plan.Hosts.Any(host => host.Desired.Role.CarriesControlPlane()
            && (reports.TryGetValue(host.Node, out var report) ? report.Outcome == NodeOutcome.Converged : host.Facts.ServerService.IsActive));

    /// <summary>etcd-only nodes that joined before any control plane get their node Ready gate now.</summary>
    private async Task CheckDeferredNodeReadyAsync(ClusterPlan plan, Dictionary<string, NodeReport> reports, CancellationToken cancellationToken)
    {
        foreach (var host in plan.Hosts.Where(h => _deferredNodeReady.Contains(h.Node)))
        {
            var node = new NodeContext(host, shellFor(host.Node), settings);
            settings.Observer.Step(host.Node, "node Ready (deferred until a control plane was up)");
            try
            {
                await AwaitReadinessPhase.PassAsync(node, [new NodeReadyGate()], cancellationToken).ConfigureAwait(false);
                await node.ExecuteAsync(PendingWorkOperations.Clear(), cancellationToken).ConfigureAwait(false);
            }
            catch (NodeConvergeException error)
            {
                settings.Observer.NodeFailed(host.Node, error.Message);
                reports[host.Node] = reports[host.Node] with { Outcome = NodeOutcome.Failed, Error = error.Message };
                return;
            }
        }
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
        try
        {
            foreach (var phase in Phases.Where(phase => phase.ShouldRun(node)))
            {
                settings.Observer.Step(host.Node, phase.Title);
                await phase.RunAsync(node, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (Exception error) when (error is RemoteException or NodeConvergeException or IOException or InvalidOperationException)
        {
            var message = error is NodeConvergeException ? error.Message : $"{host.Node}: {error.Message}";
            settings.Observer.NodeFailed(host.Node, message);
            return new NodeReport(host.Node, NodeOutcome.Failed, clock.Elapsed, node.GateTime, message);
        }
        if (node.NodeReadyDeferred)
        {
            lock (_deferredNodeReady) _deferredNodeReady.Add(host.Node);
        }
        settings.Observer.NodeConverged(host.Node, clock.Elapsed);
        return new NodeReport(host.Node, NodeOutcome.Converged, clock.Elapsed, node.GateTime, null);
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
        var result = await settings.Executor.ExecuteAsync(shellFor(member.Node), EtcdSnapshotOperations.Save(name), cancellationToken).ConfigureAwait(false);
        // rke2 logs "Snapshot NAME-NODE-TS saved." through logrus (stderr, folded into the output here).
        var saved = SavedSnapshot().Match(result.Stdout);
        var snapshot = saved.Success ? saved.Value : $"snapshot {name} requested";
        settings.Log.Information("{Node}: {Snapshot}", member.Node, snapshot);
        return snapshot;
    }

    [GeneratedRegex(@"Snapshot \S+ saved")]
    private static partial Regex SavedSnapshot();
}
