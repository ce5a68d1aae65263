using Rke2Converge.Model;
using Rke2Converge.Plan.Changes;
using Rke2Converge.Remote;

namespace Rke2Converge.Rollout.Operations;

internal static class ServiceOperations
{
    // --no-block: RKE2 units are Type=notify with TimeoutStartSec=0, so a blocking start can wait forever;
    // the readiness gates do the waiting, with timeouts and a report of what they saw.
    // Only a restart has an old main process to tell the new one from; a fresh start enables and starts in one call.
    // Once the new process is asked for, what a re-run owes the node is no longer a restart but proof of readiness.
    // A certificate rotation follows docs.rke2.io ("Certificate Rotation"): stop the service, rotate on disk, start;
    // when the rotation fails the service is started again on its old certificates, so the node is not left down.
    // A reboot is asked for two seconds after the command has answered (so the answer, with the boot id it is
    // leaving, reaches rke2c before sshd goes); the enabled unit starts with the new boot.
    private const string ApplyScript = "set -eu\n" + PendingWorkOperations.MarkFunction + """
        unit=$1 action=$2 enable=$3 marker=$4 rke2=$5 bootid=$6
        old=0
        if [ "$action" = reboot ]; then
          if [ "$enable" = yes ]; then systemctl enable "$unit" 2>&1; fi
          mark_pending "$marker" verify
          echo "boot-id-before=$(cat "$bootid")"
          sync
          nohup sh -c 'sleep 2; exec systemctl reboot' </dev/null >/dev/null 2>&1 &
          exit 0
        fi
        if [ "$action" = restart ] || [ "$action" = rotate-certificates ]; then old=$(systemctl show -p MainPID --value "$unit" 2>/dev/null || echo 0); fi
        if [ "$action" = rotate-certificates ]; then
          systemctl stop "$unit"
          if ! "$rke2" certificate rotate 2>&1; then
            systemctl start --no-block "$unit"
            echo "rke2 certificate rotate failed; $unit was started again on its old certificates" >&2
            exit 1
          fi
          systemctl start --no-block "$unit"
        elif [ "$enable" = yes ] && [ "$action" = start ]; then
          systemctl enable --now --no-block "$unit" 2>&1
        else
          if [ "$enable" = yes ]; then systemctl enable "$unit" 2>&1; fi
          if [ "$action" != none ]; then systemctl "$action" --no-block "$unit"; fi
        fi
        if [ "$action" != none ]; then mark_pending "$marker" verify; fi
        echo "main-pid-before=${old:-0}"
        """;

    public static RemoteCommand Apply(ServiceChange change, string rke2 = Rke2Paths.Rke2Binary) =>
        new(change.Summary, ApplyScript)
        {
            Arguments = [change.Unit, change.Action switch
            {
                ServiceAction.Start => "start",
                ServiceAction.Restart => "restart",
                ServiceAction.RotateCertificates => "rotate-certificates",
                ServiceAction.Reboot => "reboot",
                _ => "none",
            }, change.Enable ? "yes" : "no", Rke2Paths.PendingWorkMarker, rke2, BootIdFile],
            // A stop waits for RKE2 to shut down its pods' supervisor; the other actions do not block.
            Timeout = TimeSpan.FromSeconds(change.Action == ServiceAction.RotateCertificates ? 300 : 60),
        };

    /// <summary>Where the kernel gives each boot its own id.</summary>
    public const string BootIdFile = "/proc/sys/kernel/random/boot_id";

    /// <summary>Reads back the main PID the service had before the command, or 0.</summary>
    public static int PreviousMainPid(RemoteResult result) =>
        int.TryParse(Reported(result, "main-pid-before="), out var pid) ? pid : 0;

    /// <summary>Reads back the boot id a reboot command left, or null when it printed none.</summary>
    public static string? PreviousBootId(RemoteResult result) => Reported(result, "boot-id-before=") is { Length: > 0 } id ? id : null;

    private static string? Reported(RemoteResult result, string prefix) =>
        result.Stdout.Split('\n').LastOrDefault(line => line.StartsWith(prefix, StringComparison.Ordinal))?[prefix.Length..].Trim();

    /// <summary>
    /// What explains a node that never got ready: the unit's last journal lines, and the kubelet's own log, where
    /// RKE2's kubelet writes errors such as a kernel flag it refuses. RKE2 logs a new secrets-encryption key's value
    /// (k3s pkg/secretsencrypt: "Adding secrets-encryption key: "); it is masked on the host, so it never leaves it.
    /// </summary>
    public static RemoteCommand FailureEvidence(string unit, int lines) =>
        new($"read the logs of {unit}", """
            journalctl -u "$1" -n "$2" --no-pager -o cat 2>&1 | sed 's/\(Adding secrets-encryption key: *\).*/\1(sensitive)/' || true
            if [ -f "$3" ]; then
              echo "--- $3:"
              grep -E 'err=|level=error|E[0-9]{4} ' "$3" | tail -n 3
            fi
            """)
        {
            Arguments = [unit, lines.ToString(System.Globalization.CultureInfo.InvariantCulture), KubeletLog],
            Timeout = TimeSpan.FromSeconds(20),
        };

    public const string KubeletLog = "/var/lib/rancher/rke2/agent/logs/kubelet.log";
}
