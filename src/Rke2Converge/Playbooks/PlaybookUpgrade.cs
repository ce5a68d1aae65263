using System.Runtime.CompilerServices;
using Rke2Converge.Model;

namespace Rke2Converge.Playbooks;

/// <summary>
/// What happens to workloads when a node restarts: <c>Upgrade.Drain(NodeRole.Agent, timeout: TimeSpan.FromMinutes(10))</c>,
/// <c>Upgrade.Cordon(NodeRole.Server)</c>, <c>Upgrade.NoCordon(NodeRole.EtcdOnly)</c>. Defaults: agents drained,
/// servers cordoned, both only for an upgrade's restart unless <c>anyRestart: true</c>.
/// </summary>
public sealed class PlaybookUpgrade
{
    private readonly PlaybookContext _context;
    private readonly Dictionary<NodeRole, DrainPolicy> _policies = [];

    internal PlaybookUpgrade(PlaybookContext context) => _context = context;

    internal UpgradeSettings Settings => new() { Drain = new Dictionary<NodeRole, DrainPolicy>(_policies) };

    /// <summary>
    /// Cordon, then <c>kubectl drain --ignore-daemonsets</c> (PodDisruptionBudgets respected) bounded by
    /// <paramref name="timeout"/> (default 5 minutes), before the restart; uncordon once the gates pass.
    /// </summary>
    /// <example>
    /// <code>
    /// Upgrade.Drain(NodeRole.Agent, timeout: TimeSpan.FromMinutes(10), gracePeriodSeconds: 60);
    /// </code>
    /// </example>
    public PlaybookUpgrade Drain(NodeRole role, TimeSpan? timeout = null, bool deleteEmptyDirData = true, bool force = false, int? gracePeriodSeconds = null,
        bool anyRestart = false, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0)
    {
        var at = _context.At(file, line);
        if (timeout is { } t && (t <= TimeSpan.Zero || t.Ticks % TimeSpan.TicksPerSecond != 0))
            throw new PlaybookException($"drain timeout must be a positive whole number of seconds, got {t}", at);
        if (gracePeriodSeconds < 0) throw new PlaybookException($"drain grace period must not be negative, got {gracePeriodSeconds}", at);
        return Set(role, new DrainPolicy(DrainMode.Drain, timeout ?? DrainPolicy.DefaultTimeout, deleteEmptyDirData, force, gracePeriodSeconds, anyRestart), at);
    }

    /// <summary>Cordon before the restart and uncordon after the gates; pods stay where they are.</summary>
    /// <example>
    /// <code>
    /// Upgrade.Cordon(NodeRole.Server, anyRestart: true);
    /// </code>
    /// </example>
    public PlaybookUpgrade Cordon(NodeRole role, bool anyRestart = false, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0) =>
        Set(role, DrainPolicy.None with { Mode = DrainMode.Cordon, AnyRestart = anyRestart }, _context.At(file, line));

    /// <summary>Restart without cordoning or draining.</summary>
    /// <example>
    /// <code>
    /// Upgrade.NoCordon(NodeRole.EtcdOnly);
    /// </code>
    /// </example>
    public PlaybookUpgrade NoCordon(NodeRole role, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0) =>
        Set(role, DrainPolicy.None, _context.At(file, line));

    private PlaybookUpgrade Set(NodeRole role, DrainPolicy policy, SourceLocation at)
    {
        if (!Enum.IsDefined(role)) throw new PlaybookException($"unknown role {role}", at);
        _policies[role] = policy;
        return this;
    }
}
