using System.Diagnostics;
using Rke2Converge.Model;
using Rke2Converge.Plan;
using Rke2Converge.Plan.Changes;
using Rke2Converge.Remote;
using Rke2Converge.Rollout.Operations;
using Rke2Converge.Rollout.Phases;

namespace Rke2Converge.Rollout;

/// <summary>Converges the plan wave by wave and stops the line at the first node that fails: later nodes stay untouched.</summary>
public sealed class RolloutRunner(RolloutSettings settings, AgentBatching batching, Func<string, IRemoteShell> shellFor)
{
    private static readonly INodePhase[] Phases =
    [
        new ApplySysctlsPhase(),
        new WriteConfigPhase(),
        new InstallRke2Phase(),
        new StartServicePhase(),
        new AwaitReadinessPhase(),
    ];

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
            var waveReports = await Task.WhenAll(wave.Select(host => ConvergeAsync(host, cancellationToken))).ConfigureAwait(false);
            foreach (var report in waveReports) reports[report.Node] = report;
            stopped = waveReports.Any(report => report.Outcome == NodeOutcome.Failed);
        }
        return new RolloutResult([.. plan.Hosts.Select(host => reports[host.Node])], snapshot);
    }

    private async Task<NodeReport> ConvergeAsync(HostPlan host, CancellationToken cancellationToken)
    {
        if (!host.HasChanges)
        {
            settings.Observer.NodeSkipped(host.Node, "no changes");
            return new NodeReport(host.Node, NodeOutcome.Unchanged, TimeSpan.Zero, TimeSpan.Zero, null);
        }
        var node = new NodeContext(host, shellFor(host.Node), settings);
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
        var saved = result.Stdout.Split('\n').LastOrDefault(line => line.Contains("saved", StringComparison.Ordinal))?.Trim();
        settings.Log.Information("{Node}: {Snapshot}", member.Node, saved ?? $"snapshot {name} requested");
        return saved ?? name;
    }
}
