using Rke2Sim.Cluster;

namespace Rke2Sim.Daemon;

/// <summary>
/// Paces a start: milestones are fractions of the start's total duration. While the startup hooks run (on releases
/// with the static pod race), waiting also keeps checking whether another server is recreating its static pods.
/// </summary>
public sealed class StartupClock(NodeDaemon daemon, TimeSpan total)
{
    public DateTimeOffset Origin { get; } = DateTimeOffset.UtcNow;

    public TimeSpan Total { get; } = total;

    public bool HooksRunning { get; set; }

    public DateTimeOffset TimeOf(double fraction) => Origin + Total * fraction;

    public async Task AtAsync(double fraction)
    {
        var due = TimeOf(fraction);
        while (true)
        {
            var remaining = due - DateTimeOffset.UtcNow;
            if (remaining <= TimeSpan.Zero) return;
            if (!HooksRunning)
            {
                await Task.Delay(remaining, daemon.Stopping);
                return;
            }
            var step = TimeSpan.FromMilliseconds(Math.Max(100, daemon.Timing.Scaled(1).TotalMilliseconds));
            await Task.Delay(remaining < step ? remaining : step, daemon.Stopping);
            await CheckHooksAsync();
        }
    }

    /// <summary>rancher/rke2#8269: on affected releases, startup hooks fail while a peer's etcd/kube-apiserver pods are being recreated.</summary>
    public async Task CheckHooksAsync()
    {
        if (!HooksRunning || !daemon.Release.HasStartupRace) return;
        var state = await daemon.TryReadStateAsync();
        if (state is null) return;
        if (StartupRace.PeerRecreatingStaticPods(state, daemon.NodeName, DateTimeOffset.UtcNow, daemon.Grace) is { } peer)
        {
            var address = state.Nodes[peer].Address;
            throw new FatalException(
                $"Failed to run startup hooks: etcd/kube-apiserver static pods on {peer} are being recreated: " +
                $"Get \"https://{address}:6443/readyz\": dial tcp {address}:6443: connect: connection refused");
        }
    }
}
