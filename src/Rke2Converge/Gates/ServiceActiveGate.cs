using System.Globalization;
using Rke2Converge.Model;
using Rke2Converge.Plan;
using Rke2Converge.Remote;

namespace Rke2Converge.Gates;

/// <summary>
/// The unit reached <c>active</c> (RKE2 sent READY=1) with a new main process: right after a restart the old
/// process may still look active, so the PID must differ from the one before the restart.
/// A unit that systemd has restarted <see cref="CrashLoopRestarts"/> times and whose journal holds a fatal line or a
/// Go panic is crash-looping: waiting cannot fix it, so the gate fails at once and quotes the line.
/// </summary>
internal sealed class ServiceActiveGate : ReadinessGate
{
    /// <summary>
    /// Automatic restarts (systemd's NRestarts, reset by every manual start) before a fatal exit counts as a crash
    /// loop. RKE2 can exit fatally once while another server's static pods are recreated and then come up (rancher/rke2#8269).
    /// </summary>
    public const int CrashLoopRestarts = 3;

    private const string FatalLinePrefix = "FatalLine=";

    public override string Name => "service active";

    public override GateTiming Timing(GateSettings settings) => settings.ServiceActive;

    // The journal is read only once the unit has restarted often enough, so a healthy poll stays one systemctl call.
    public override RemoteCommand Probe(GateContext context) =>
        new($"check {context.Node.ServiceName} state", """
            show=$(systemctl show -p ActiveState,SubState,MainPID,NRestarts "$1") || { status=$?; printf '%s\n' "$show"; exit "$status"; }
            printf '%s\n' "$show"
            restarts=$(printf '%s\n' "$show" | sed -n 's/^NRestarts=//p')
            if [ "${restarts:-0}" -ge "$2" ] 2>/dev/null; then
              journalctl -u "$1" -n 200 --no-pager -o cat 2>/dev/null | grep -E 'level=fatal|^panic: ' | tail -n 1 | sed "s/^/$3/"
            fi
            exit 0
            """)
        {
            Arguments = [context.Node.ServiceName, CrashLoopRestarts.ToString(CultureInfo.InvariantCulture), FatalLinePrefix],
            Timeout = ProbeTimeout,
        };

    public override GateObservation Evaluate(GateContext context, RemoteResult result)
    {
        if (!result.Succeeded) return new(false, Describe(result));
        var properties = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var line in result.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var parts = line.Split('=', 2);
            if (parts.Length == 2) properties[parts[0]] = parts[1];
        }
        var state = properties.GetValueOrDefault("ActiveState", "unknown");
        var subState = properties.GetValueOrDefault("SubState", "");
        _ = int.TryParse(properties.GetValueOrDefault("NRestarts", "0"), CultureInfo.InvariantCulture, out var restarts);
        _ = int.TryParse(properties.GetValueOrDefault("MainPID", "0"), CultureInfo.InvariantCulture, out var pid);
        var observed = $"{state} ({subState}), main PID {pid}, {restarts} restart(s)";
        var passed = state == "active" && pid != 0 && pid != context.PreviousMainPid;
        if (passed) return new(true, observed);
        if (restarts >= CrashLoopRestarts && properties.GetValueOrDefault(FatalLinePrefix.TrimEnd('=')) is { Length: > 0 } fatal)
        {
            var known = KnownIssues.ExplainCrash(context.Node.Version, context.Node.Role, fatal);
            return new(false, $"crash loop: {context.Node.ServiceName} restarted {restarts} times ({state}, {subState}); it exits with: {fatal}" +
                              (known is null ? "" : $"\n  {known}"))
            {
                Final = true,
            };
        }
        return new(false, state != "active" ? observed : $"{observed}: still the process from before the restart");
    }
}
