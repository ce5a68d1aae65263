using System.Runtime.CompilerServices;
using Rke2Converge.Model;

namespace Rke2Converge.Playbooks;

/// <summary>
/// Readiness gate timing: <c>Gates.NodeReady(timeout: TimeSpan.FromMinutes(3), poll: TimeSpan.FromSeconds(1))</c>,
/// <c>Gates.All(timeout: ...)</c> for every gate at once, and <c>Gates.SettleWindow(...)</c>. Omitted values keep their defaults.
/// </summary>
public sealed class PlaybookGates
{
    private readonly PlaybookContext _context;

    internal PlaybookGates(PlaybookContext context) => _context = context;

    internal GateSettings Settings { get; private set; } = new();

    /// <summary>
    /// The gate that waits until the RKE2 unit is active in systemd: gives up after <paramref name="timeout"/> (default 10 minutes),
    /// checking every <paramref name="poll"/> (default 2 seconds).
    /// </summary>
    /// <example>
    /// <code>
    /// Gates.ServiceActive(timeout: TimeSpan.FromMinutes(15), poll: TimeSpan.FromSeconds(5));
    /// </code>
    /// </example>
    public PlaybookGates ServiceActive(TimeSpan? timeout = null, TimeSpan? poll = null, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0) =>
        Set(s => s with { ServiceActive = Timed(s.ServiceActive, timeout, poll, file, line) });

    /// <summary>
    /// The gate that waits until the supervisor port (9345) answers <c>/ping</c> (servers): gives up after <paramref name="timeout"/> (default 5 minutes),
    /// checking every <paramref name="poll"/> (default 2 seconds).
    /// </summary>
    /// <example>
    /// <code>
    /// Gates.SupervisorPing(timeout: TimeSpan.FromMinutes(15), poll: TimeSpan.FromSeconds(5));
    /// </code>
    /// </example>
    public PlaybookGates SupervisorPing(TimeSpan? timeout = null, TimeSpan? poll = null, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0) =>
        Set(s => s with { SupervisorPing = Timed(s.SupervisorPing, timeout, poll, file, line) });

    /// <summary>
    /// The gate that waits until the node's etcd member reports healthy (etcd-carrying servers): gives up after <paramref name="timeout"/> (default 5 minutes),
    /// checking every <paramref name="poll"/> (default 2 seconds).
    /// </summary>
    /// <example>
    /// <code>
    /// Gates.EtcdHealth(timeout: TimeSpan.FromMinutes(15), poll: TimeSpan.FromSeconds(5));
    /// </code>
    /// </example>
    public PlaybookGates EtcdHealth(TimeSpan? timeout = null, TimeSpan? poll = null, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0) =>
        Set(s => s with { EtcdHealth = Timed(s.EtcdHealth, timeout, poll, file, line) });

    /// <summary>
    /// The gate that waits until kube-apiserver answers <c>/readyz</c> (control-plane servers): gives up after <paramref name="timeout"/> (default 5 minutes),
    /// checking every <paramref name="poll"/> (default 2 seconds).
    /// </summary>
    /// <example>
    /// <code>
    /// Gates.ApiServerReady(timeout: TimeSpan.FromMinutes(15), poll: TimeSpan.FromSeconds(5));
    /// </code>
    /// </example>
    public PlaybookGates ApiServerReady(TimeSpan? timeout = null, TimeSpan? poll = null, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0) =>
        Set(s => s with { ApiServerReady = Timed(s.ApiServerReady, timeout, poll, file, line) });

    /// <summary>
    /// The gate that waits until the node is Ready in Kubernetes: gives up after <paramref name="timeout"/> (default 5 minutes),
    /// checking every <paramref name="poll"/> (default 2 seconds).
    /// </summary>
    /// <example>
    /// <code>
    /// Gates.NodeReady(timeout: TimeSpan.FromMinutes(15), poll: TimeSpan.FromSeconds(5));
    /// </code>
    /// </example>
    public PlaybookGates NodeReady(TimeSpan? timeout = null, TimeSpan? poll = null, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0) =>
        Set(s => s with { NodeReady = Timed(s.NodeReady, timeout, poll, file, line) });

    /// <summary>
    /// The gate that waits until the static pods (etcd, kube-apiserver) have not restarted within the settle window (servers): gives up after <paramref name="timeout"/> (default 5 minutes),
    /// checking every <paramref name="poll"/> (default 2 seconds).
    /// </summary>
    /// <example>
    /// <code>
    /// Gates.StaticPodsStable(timeout: TimeSpan.FromMinutes(15), poll: TimeSpan.FromSeconds(5));
    /// </code>
    /// </example>
    public PlaybookGates StaticPodsStable(TimeSpan? timeout = null, TimeSpan? poll = null, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0) =>
        Set(s => s with { StaticPodsStable = Timed(s.StaticPodsStable, timeout, poll, file, line) });

    /// <summary>
    /// The gate that waits, after a reboot, until the host answers over SSH with a new boot id: gives up after
    /// <paramref name="timeout"/> (default 15 minutes), checking every <paramref name="poll"/> (default 3 seconds).
    /// </summary>
    /// <example>
    /// <code>
    /// Gates.Reboot(timeout: TimeSpan.FromMinutes(30));
    /// </code>
    /// </example>
    public PlaybookGates Reboot(TimeSpan? timeout = null, TimeSpan? poll = null, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0) =>
        Set(s => s with { Reboot = Timed(s.Reboot, timeout, poll, file, line) });

    /// <summary>Sets the timeout and/or poll interval of every gate.</summary>
    /// <example>
    /// <code>
    /// Gates.All(timeout: TimeSpan.FromMinutes(20));
    /// </code>
    /// </example>
    public PlaybookGates All(TimeSpan? timeout = null, TimeSpan? poll = null, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0) =>
        Set(s => s with
        {
            ServiceActive = Timed(s.ServiceActive, timeout, poll, file, line),
            SupervisorPing = Timed(s.SupervisorPing, timeout, poll, file, line),
            EtcdHealth = Timed(s.EtcdHealth, timeout, poll, file, line),
            ApiServerReady = Timed(s.ApiServerReady, timeout, poll, file, line),
            NodeReady = Timed(s.NodeReady, timeout, poll, file, line),
            StaticPodsStable = Timed(s.StaticPodsStable, timeout, poll, file, line),
            Reboot = Timed(s.Reboot, timeout, poll, file, line),
        });

    /// <summary>
    /// A gate of your own, run on each node after the built-in gates (only on <paramref name="roles"/> when given):
    /// it passes once <paramref name="command"/> exits 0 and its output contains <paramref name="expect"/> (if given).
    /// The command runs as the SSH user (through sudo when not root) and must only read.
    /// </summary>
    /// <example>
    /// <code>
    /// Gates.Custom("cilium", "cilium status --brief", expect: "OK", timeout: TimeSpan.FromMinutes(5));
    /// </code>
    /// </example>
    public PlaybookGates Custom(string name, string command, string? expect = null, TimeSpan? timeout = null, TimeSpan? poll = null,
        NodeRole[]? roles = null, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0)
    {
        var at = _context.At(file, line);
        if (string.IsNullOrWhiteSpace(name) || name.Contains('\n', StringComparison.Ordinal)) throw new PlaybookException("custom gate name must be one non-empty line", at);
        if (string.IsNullOrWhiteSpace(command)) throw new PlaybookException($"custom gate '{name}' has an empty command", at);
        if (Settings.Custom.Any(gate => gate.Name == name)) throw new PlaybookException($"custom gate '{name}' is declared twice", at);
        var timing = Timed(new GateTiming(TimeSpan.FromMinutes(5), TimeSpan.FromSeconds(2)), timeout, poll, file, line);
        return Set(s => s with { Custom = [.. s.Custom, new CustomGateSpec(name, command, expect, timing, roles ?? [])] });
    }

    /// <summary>
    /// How long etcd and kube-apiserver must run without a restart before the next node is touched (default 30 seconds).
    /// </summary>
    /// <example>
    /// <code>
    /// Gates.SettleWindow(TimeSpan.FromMinutes(1));
    /// </code>
    /// </example>
    public PlaybookGates SettleWindow(TimeSpan window, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0)
    {
        if (window < TimeSpan.Zero) throw new PlaybookException($"settle window must not be negative, got {window}", _context.At(file, line));
        return Set(s => s with { SettleWindow = window });
    }

    private PlaybookGates Set(Func<GateSettings, GateSettings> change)
    {
        Settings = change(Settings);
        return this;
    }

    private GateTiming Timed(GateTiming current, TimeSpan? timeout, TimeSpan? poll, string file, int line)
    {
        if (timeout <= TimeSpan.Zero) throw new PlaybookException($"gate timeout must be positive, got {timeout}", _context.At(file, line));
        if (poll <= TimeSpan.Zero) throw new PlaybookException($"gate poll interval must be positive, got {poll}", _context.At(file, line));
        return new GateTiming(timeout ?? current.Timeout, poll ?? current.PollInterval);
    }
}
