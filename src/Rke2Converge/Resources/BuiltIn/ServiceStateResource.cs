using Rke2Converge.Facts;
using Rke2Converge.Model;
using Rke2Converge.Plan;
using Rke2Converge.Plan.Changes;
using Rke2Converge.Plan.Desired;
using Rke2Converge.Plan.Steps;
using Rke2Converge.Remote;
using Rke2Converge.Rollout;
using Rke2Converge.Rollout.Operations;

namespace Rke2Converge.Resources.BuiltIn;

/// <summary>
/// The node's RKE2 unit: enabled, running, and restarted once when any earlier change asks for it (a handler: every
/// change with <see cref="ServiceEffect.Restart"/> is named as a reason). Started or restarted without blocking; the
/// readiness gates do the waiting, and the same command turns the pending marker from restart to verify.
/// </summary>
internal sealed class ServiceStateResource : BuiltInResource
{
    public static readonly IReadOnlyList<string> Units = ["rke2-server", "rke2-agent"];

    /// <summary>Unit directories searched in systemd's order of precedence, rke2's tarball location first.</summary>
    public static readonly IReadOnlyList<string> UnitDirectories =
        [Rke2Paths.UnitDirectory, "/etc/systemd/system", "/lib/systemd/system", "/usr/lib/systemd/system"];

    public override string Title => "start service";

    /// <summary>The reason of a restart nothing but <c>rke2c restart</c> asks for.</summary>
    public const string RestartRequestedReason = "rolling restart requested by rke2c restart";

    /// <summary>The reason of a server's certificate rotation.</summary>
    public const string CertificateRotationReason = "certificate rotation requested by rke2c certificate rotate";

    /// <summary>The reason of a reboot nothing but <c>rke2c reboot</c> asks for.</summary>
    public const string RebootRequestedReason = "rolling reboot requested by rke2c reboot";

    /// <summary>The reason an agent restarts in a certificate rotation.</summary>
    public const string AgentRenewalReason = "renews its client certificates after the servers' rotation (rke2c certificate rotate)";

    // One systemctl call for both units: it answers one block per unit, blank-line separated, read here with shell
    // builtins only. Unit states are systemd's lower-case words; anything else is reported as "invalid". A unit
    // systemd keeps restarting also prints the line it last died with (read only then, so a healthy node pays nothing).
    internal override string FactFragment => $$"""
        states=$(systemctl show -p Id,UnitFileState,ActiveState {{string.Join(' ', Units.Select(u => u + ".service"))}} 2>/dev/null)
        crashed=
        for unit in {{string.Join(' ', Units)}}; do
          installed=0
          for dir in {{ShellQuote.Join(UnitDirectories)}}; do
            if [ -f "$dir/$unit.service" ]; then installed=1; break; fi
          done
          enabled= active= id= en= ac=
          while IFS= read -r line; do
            case "$line" in
              Id=*) id=${line#Id=} ;;
              UnitFileState=*) en=${line#UnitFileState=} ;;
              ActiveState=*) ac=${line#ActiveState=} ;;
              '') if [ "$id" = "$unit.service" ]; then enabled=$en active=$ac; fi; id= en= ac= ;;
            esac
          done <<EOF
        $states

        EOF
          case "$enabled" in *[!a-z-]*) enabled=invalid ;; esac
          case "$active" in *[!a-z-]*) active=invalid ;; esac
          printf 'unit %s %s %s %s\n' "$unit" "$installed" "$enabled" "$active"
          case "$active" in activating|failed|deactivating)
            restarts=$(systemctl show -p NRestarts --value "$unit.service" 2>/dev/null)
            if [ -z "$crashed" ] && [ "${restarts:-0}" -ge {{Gates.ServiceActiveGate.CrashLoopRestarts}} ] 2>/dev/null; then
              line=$(journalctl -u "$unit" -n 200 --no-pager -o cat 2>/dev/null | grep -E 'level=fatal|^panic: ' | tail -n 1)
              if [ -n "$line" ]; then crashed=1; printf 'crash %s %s %s\n' "$(b64 "$unit")" "$restarts" "$(b64 "$line")"; fi
            fi ;;
          esac
        done

        """;

    public override IReadOnlyList<FactTag> Records { get; } = [new("unit", FactOccurrence.Many), new("crash", FactOccurrence.Optional)];

    public override HostFacts Read(HostFacts facts, IReadOnlyList<FactRecord> records)
    {
        var units = new Dictionary<string, ServiceFacts>(StringComparer.Ordinal);
        CrashLoop? crash = null;
        foreach (var record in records)
        {
            if (record.Tag == "crash")
            {
                record.Expect(3);
                crash = new CrashLoop(record.Text(1), int.TryParse(record.Raw(2), System.Globalization.CultureInfo.InvariantCulture, out var restarts) ? restarts : 0, record.Text(3));
                continue;
            }
            record.Expect(4);
            var installed = record.Raw(2) switch
            {
                "1" => true,
                "0" => false,
                var flag => throw record.Error($"unit installed flag '{flag}' is neither 0 nor 1"),
            };
            var active = record.Raw(4);
            units[record.Raw(1)] = new ServiceFacts(record.Raw(1), installed, record.Raw(3) is "enabled" or "enabled-runtime", active.Length == 0 ? "unknown" : active);
        }
        // Lacking units were reported already; the defaults only keep a partial parse total.
        return facts with
        {
            ServerService = units.GetValueOrDefault("rke2-server") ?? ServiceFacts.Missing("rke2-server"),
            AgentService = units.GetValueOrDefault("rke2-agent") ?? ServiceFacts.Missing("rke2-agent"),
            Crash = crash,
        };
    }

    public override IEnumerable<string> Lacking(IReadOnlyList<FactRecord> records, ExpectedFacts request)
    {
        var reported = records.Where(record => record.Tag == "unit").Select(record => record.Raw(1)).ToHashSet(StringComparer.Ordinal);
        return Units.Where(unit => !reported.Contains(unit)).Select(unit => $"unit {unit}");
    }

    internal override IEnumerable<Change> Diff(BuiltInPlanContext context)
    {
        var (node, facts) = (context.Node, context.Facts);
        var (unit, other) = node.Role.IsServer() ? (facts.ServerService, facts.AgentService) : (facts.AgentService, facts.ServerService);
        if (other.IsActive || other.ActiveState == "activating")
        {
            context.Problem($"{other.Unit} is {other.ActiveState} but the node is declared {node.Role.DisplayName()}: changing a node's role needs rke2-uninstall.sh first");
            return [];
        }
        var restartReason = RestartReason(context.Earlier);
        var enable = !unit.Enabled;
        if (RebootReason(context.Earlier, node) is { } rebootReason)
        {
            // A reboot starts the enabled unit with the new boot, so it also does whatever a restart was asked for.
            var why = restartReason is null ? rebootReason : $"{rebootReason}; also restarts it for {restartReason}";
            return [new ServiceChange(node.ServiceName, ServiceAction.Reboot, enable, why) { WasActive = unit.IsActive }];
        }
        var (action, reason) = unit.ActiveState switch
        {
            "active" when restartReason is not null => (ServiceAction.Restart, restartReason),
            "active" when node.RestartRequested == RequestedRestart.Restart => (ServiceAction.Restart, RestartRequestedReason),
            "active" when node.RestartRequested == RequestedRestart.RotateCertificates => node.Role.IsServer()
                ? (ServiceAction.RotateCertificates, CertificateRotationReason)
                : (ServiceAction.Restart, AgentRenewalReason),
            "active" when facts.Pending == PendingWork.Restart => (ServiceAction.Restart, "an interrupted run changed the node but did not restart it"),
            "active" when facts.Pending == PendingWork.Verify => (ServiceAction.Verify, "its readiness gates have not passed since the last restart"),
            "active" => (ServiceAction.None, "not enabled"),
            "inactive" when node.RestartRequested == RequestedRestart.RotateCertificates && node.Role.IsServer()
                => (ServiceAction.RotateCertificates, CertificateRotationReason + "; not running"),
            "inactive" or "unknown" => (ServiceAction.Start, "not running"),
            var state => (ServiceAction.Restart, facts.Crash is { } crash ? CrashReason(node, facts, crash) : $"service is {state}"),
        };
        return action == ServiceAction.None && !enable ? [] : [new ServiceChange(node.ServiceName, action, enable, reason) { WasActive = unit.IsActive }];
    }

    /// <summary>Why the host reboots: <c>rke2c reboot</c>, or a <c>Reboot.When(path)</c> whose file is there; null when nothing asks.</summary>
    private static string? RebootReason(IReadOnlyList<Change> earlier, Plan.Desired.NodeDesiredState node)
    {
        if (node.RestartRequested == RequestedRestart.Reboot) return RebootRequestedReason;
        var reasons = earlier.Where(change => change.Effect.HasFlag(ServiceEffect.Reboot)).Select(change => change.RestartReason).Distinct().ToList();
        return reasons.Count == 0 ? null : string.Join(", ", reasons);
    }

    public override IEnumerable<RolloutStep> Steps(StepContext context)
    {
        if (context.Host.Find<ServiceChange>() is not { } change) yield break;
        if (change.Action == ServiceAction.Reboot)
        {
            foreach (var guard in Rollout.Phases.EtcdPeersGuard.Steps(context)) yield return guard;
        }
        var command = ServiceOperations.Apply(change, context.Host.Facts.InstallPrefix + "/bin/rke2");
        yield return new RolloutStep(Title, new PlannedStep(StepKind.Service, command.Description, change.Unit), async (node, token) =>
        {
            var result = await node.ExecuteAsync(command, token).ConfigureAwait(false);
            node.PreviousMainPid = ServiceOperations.PreviousMainPid(result);
            node.PreviousBootId = ServiceOperations.PreviousBootId(result);
        })
        {
            Sends = [command],
        };
    }

    /// <summary>Every distinct reason an earlier change gives, in the order they apply (a few, then how many more); null when none asks.</summary>
    private static string? RestartReason(IReadOnlyList<Change> earlier)
    {
        var reasons = earlier.Where(change => change.Effect.HasFlag(ServiceEffect.Restart)).Select(change => change.RestartReason).Distinct().ToList();
        return reasons.Count switch
        {
            0 => null,
            <= 3 => string.Join(", ", reasons),
            _ => $"{string.Join(", ", reasons.Take(3))} and {reasons.Count - 3} more",
        };
    }

    /// <summary>A crash loop says what it dies with, and names the known bug when it is one.</summary>
    private static string CrashReason(Plan.Desired.NodeDesiredState node, HostFacts facts, CrashLoop crash)
    {
        var running = facts.InstalledVersion is { } installed && Rke2Version.TryParse(installed, out var parsed) ? parsed : node.Version;
        var known = KnownIssues.ExplainCrash(running, node.Role, crash.Line);
        return $"crash loop: {crash.Unit} restarted {crash.Restarts} times; it exits with: {crash.Line}" + (known is null ? "" : $"; {known}");
    }
}
