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

    public PlaybookGates ServiceActive(TimeSpan? timeout = null, TimeSpan? poll = null, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0) =>
        Set(s => s with { ServiceActive = Timed(s.ServiceActive, timeout, poll, file, line) });

    public PlaybookGates SupervisorPing(TimeSpan? timeout = null, TimeSpan? poll = null, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0) =>
        Set(s => s with { SupervisorPing = Timed(s.SupervisorPing, timeout, poll, file, line) });

    public PlaybookGates EtcdHealth(TimeSpan? timeout = null, TimeSpan? poll = null, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0) =>
        Set(s => s with { EtcdHealth = Timed(s.EtcdHealth, timeout, poll, file, line) });

    public PlaybookGates ApiServerReady(TimeSpan? timeout = null, TimeSpan? poll = null, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0) =>
        Set(s => s with { ApiServerReady = Timed(s.ApiServerReady, timeout, poll, file, line) });

    public PlaybookGates NodeReady(TimeSpan? timeout = null, TimeSpan? poll = null, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0) =>
        Set(s => s with { NodeReady = Timed(s.NodeReady, timeout, poll, file, line) });

    public PlaybookGates StaticPodsStable(TimeSpan? timeout = null, TimeSpan? poll = null, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0) =>
        Set(s => s with { StaticPodsStable = Timed(s.StaticPodsStable, timeout, poll, file, line) });

    /// <summary>Sets the timeout and/or poll interval of every gate.</summary>
    public PlaybookGates All(TimeSpan? timeout = null, TimeSpan? poll = null, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0) =>
        Set(s => s with
        {
            ServiceActive = Timed(s.ServiceActive, timeout, poll, file, line),
            SupervisorPing = Timed(s.SupervisorPing, timeout, poll, file, line),
            EtcdHealth = Timed(s.EtcdHealth, timeout, poll, file, line),
            ApiServerReady = Timed(s.ApiServerReady, timeout, poll, file, line),
            NodeReady = Timed(s.NodeReady, timeout, poll, file, line),
            StaticPodsStable = Timed(s.StaticPodsStable, timeout, poll, file, line),
        });

    /// <summary>
    /// A gate of your own, run on each node after the built-in gates (only on <paramref name="roles"/> when given):
    /// it passes once <paramref name="command"/> exits 0 and its output contains <paramref name="expect"/> (if given).
    /// The command runs as the SSH user (through sudo when not root) and must only read.
    /// </summary>
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

    /// <summary>How long etcd and kube-apiserver must run without a restart before the next node is touched.</summary>
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
