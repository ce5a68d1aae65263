namespace Rke2Converge.Model;

/// <summary>What happens to a node's workloads around a restart: nothing, cordon only, or cordon and drain.</summary>
internal enum DrainMode
{
    None,
    Cordon,
    Drain,
}

/// <summary>
/// Cordon/drain around a node's restart. By default only an upgrade's restart is wrapped; <see cref="AnyRestart"/>
/// wraps every restart (a config change, say). Drain always ignores DaemonSet pods and respects PodDisruptionBudgets
/// (it evicts through the Eviction API); it gives up after <see cref="Timeout"/> and leaves the node cordoned.
/// </summary>
internal sealed record DrainPolicy(
    DrainMode Mode, TimeSpan Timeout, bool DeleteEmptyDirData = true, bool Force = false, int? GracePeriodSeconds = null, bool AnyRestart = false)
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromMinutes(5);

    public static DrainPolicy None { get; } = new(DrainMode.None, DefaultTimeout);

    /// <summary>The default: agents are drained, servers (whose pods are mostly static and DaemonSet pods) only cordoned.</summary>
    public static DrainPolicy DefaultFor(NodeRole role) =>
        new(role == NodeRole.Agent ? DrainMode.Drain : DrainMode.Cordon, DefaultTimeout);
}

/// <summary>The playbook's <c>Upgrade.Drain(...)</c> / <c>Upgrade.Cordon(...)</c> / <c>Upgrade.NoCordon(...)</c>, per role.</summary>
internal sealed record UpgradeSettings
{
    public IReadOnlyDictionary<NodeRole, DrainPolicy> Drain { get; init; } = new Dictionary<NodeRole, DrainPolicy>();

    public DrainPolicy For(NodeRole role) => Drain.GetValueOrDefault(role) ?? DrainPolicy.DefaultFor(role);
}
