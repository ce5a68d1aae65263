using Rke2Converge.Model;
using Rke2Converge.Remote;

namespace Rke2Converge.Facts;

/// <summary>
/// The one read-only command that collects everything <see cref="HostFacts"/> holds. It prints one record per
/// line, <c>TAG FIELD...</c>, where every field that could contain arbitrary bytes is base64 (no spaces, no
/// newlines), so file content can never be mistaken for structure. <see cref="FactParser"/> reads it back.
/// Sysctl keys travel as script arguments, never in the script text.
/// </summary>
public static class FactScript
{
    public const string Header = "rke2c-facts 1";
    public const string Trailer = "end rke2c-facts";

    /// <summary>Unit directories searched in systemd's order of precedence, rke2's tarball location first.</summary>
    public static readonly IReadOnlyList<string> UnitDirectories =
        [Rke2Paths.UnitDirectory, "/etc/systemd/system", "/lib/systemd/system", "/usr/lib/systemd/system"];

    public static readonly IReadOnlyList<string> Units = ["rke2-server", "rke2-agent"];

    // C locale for byte-wise globs. Drop-ins: rke2 reads every *.yaml and *.yml (any case, hidden ones too) in byte
    // order of their names; the parser restores that order. No set -e: a missing file or command is a fact, not a
    // failure. `value=$(cat ...)` drops trailing newlines, which sysctl values do not need.
    /// <summary>The script without resource fragments.</summary>
    public static string Script => BaseScript + $"echo '{Trailer}'\n";

    private static readonly string BaseScript = $$"""
        export LC_ALL=C
        b64() { printf '%s' "$1" | base64 -w0; }
        file_record() {
          if [ -f "$2" ]; then printf '%s present ' "$1"; base64 -w0 < "$2"; printf '\n'
          else printf '%s missing\n' "$1"; fi
        }
        echo '{{Header}}'
        for key in "$@"; do
          case "$key" in
            ''|/*|*..*) printf 'sysctl %s missing\n' "$(b64 "$key")"; continue ;;
            */*) path="/proc/sys/$key" ;;
            *) path="/proc/sys/$(printf '%s' "$key" | tr . /)" ;;
          esac
          if [ -f "$path" ] && value=$(cat "$path" 2>/dev/null); then
            printf 'sysctl %s value %s\n' "$(b64 "$key")" "$(b64 "$value")"
          else
            printf 'sysctl %s missing\n' "$(b64 "$key")"
          fi
        done
        file_record managed-sysctl {{ShellQuote.Quote(Rke2Paths.ManagedSysctlFile)}}
        file_record config {{ShellQuote.Quote(Rke2Paths.ConfigFile)}}
        file_record pending {{ShellQuote.Quote(Rke2Paths.PendingWorkMarker)}}
        for f in {{ShellQuote.Quote(Rke2Paths.ConfigDropInDirectory)}}/.* {{ShellQuote.Quote(Rke2Paths.ConfigDropInDirectory)}}/*; do
          case "$f" in *.[yY][aA][mM][lL]|*.[yY][mM][lL]) ;; *) continue ;; esac
          [ -f "$f" ] || continue
          printf 'dropin %s ' "$(b64 "${f##*/}")"; base64 -w0 < "$f"; printf '\n'
        done
        rke2=
        if [ -x {{ShellQuote.Quote(Rke2Paths.Rke2Binary)}} ]; then rke2={{ShellQuote.Quote(Rke2Paths.Rke2Binary)}}
        else rke2=$(command -v rke2 2>/dev/null) || rke2=; fi
        if [ -n "$rke2" ]; then
          printf 'rke2-version present %s\n' "$("$rke2" --version 2>/dev/null | head -n 1 | base64 -w0)"
        else
          echo 'rke2-version missing'
        fi
        # One systemctl call for both units: it answers one block per unit, blank-line separated.
        states=$(systemctl show -p Id,UnitFileState,ActiveState {{string.Join(' ', Units.Select(u => u + ".service"))}} 2>/dev/null)
        crashed=
        for unit in {{string.Join(' ', Units)}}; do
          installed=0
          for dir in {{ShellQuote.Join(UnitDirectories)}}; do
            if [ -f "$dir/$unit.service" ]; then installed=1; break; fi
          done
          block=$(printf '%s\n' "$states" | awk -v id="Id=$unit.service" 'BEGIN { RS = "" } { for (i = 1; i <= NF; i++) if ($i == id) print }')
          enabled=$(printf '%s\n' "$block" | sed -n 's/^UnitFileState=//p' | head -n 1)
          active=$(printf '%s\n' "$block" | sed -n 's/^ActiveState=//p' | head -n 1)
          printf 'unit %s %s %s %s\n' "$unit" "$installed" "$(b64 "$enabled")" "$(b64 "$active")"
          # A unit systemd keeps restarting: the line it last died with (read only then, so a healthy node pays nothing).
          case "$active" in activating|failed|deactivating)
            restarts=$(systemctl show -p NRestarts --value "$unit.service" 2>/dev/null)
            if [ -z "$crashed" ] && [ "${restarts:-0}" -ge {{Gates.ServiceActiveGate.CrashLoopRestarts}} ] 2>/dev/null; then
              line=$(journalctl -u "$unit" -n 200 --no-pager -o cat 2>/dev/null | grep -E 'level=fatal|^panic: ' | tail -n 1)
              if [ -n "$line" ]; then crashed=1; printf 'crash %s %s %s\n' "$(b64 "$unit")" "$restarts" "$(b64 "$line")"; fi
            fi ;;
          esac
        done
        if [ -f /etc/os-release ]; then file_record os-release /etc/os-release
        else file_record os-release /usr/lib/os-release; fi
        printf 'arch %s\n' "$(b64 "$(uname -m)")"
        printf 'hostname %s\n' "$(b64 "$(uname -n)")"
        lock={{ShellQuote.Quote(Rke2Paths.LockFile)}}
        if [ -f "$lock" ] && mtime=$(stat -c %Y "$lock" 2>/dev/null) && holder=$(cat "$lock" 2>/dev/null); then
          printf 'lock %s %s\n' "$(( $(date +%s) - mtime ))" "$(b64 "$holder")"
        fi

        """;

    /// <summary>The fact-gathering command for the given sysctl keys (dotted, or slash-separated like sysctl(8) allows).</summary>
    public static RemoteCommand Build(IEnumerable<string> sysctlKeys, TimeSpan? timeout = null) => Build(sysctlKeys, [], timeout);

    /// <summary>
    /// Asked of one server only: the nodes the cluster has, each with its secrets-encryption hash annotation, from its
    /// admin kubeconfig (record <c>cluster-nodes</c>, lines <c>name TAB annotation</c>), and what
    /// <c>rke2 secrets-encrypt status</c> says there (record <c>secrets-encrypt</c>); both absent when RKE2 is not up
    /// there. Bounded: a hung API server costs the plan seconds, not its whole timeout.
    /// </summary>
    private static readonly string ClusterNodesFragment = $$"""
        if [ -f {{ShellQuote.Quote(Rke2Paths.AdminKubeconfig)}} ] && [ -x {{ShellQuote.Quote(Rke2Paths.Kubectl)}} ]; then
          if nodes=$(timeout 10 {{ShellQuote.Quote(Rke2Paths.Kubectl)}} --kubeconfig {{ShellQuote.Quote(Rke2Paths.AdminKubeconfig)}} get nodes -o jsonpath='{{KeyRotation.EncryptionStatusProbe.NodeHashesJsonPath}}' 2>/dev/null); then
            printf 'cluster-nodes %s\n' "$(b64 "$nodes")"
          fi
          if [ -n "$rke2" ] && status=$(timeout 10 "$rke2" secrets-encrypt status 2>&1); then
            printf 'secrets-encrypt %s\n' "$(b64 "$status")"
          fi
        fi

        """;

    /// <summary>The same, with each resource's fragment appended (record <c>res i ...</c> for fragment i).</summary>
    public static RemoteCommand Build(IEnumerable<string> sysctlKeys, IReadOnlyList<string> resourceFragments, TimeSpan? timeout = null, bool readClusterNodes = false)
    {
        ArgumentNullException.ThrowIfNull(sysctlKeys);
        var keys = sysctlKeys.Distinct(StringComparer.Ordinal).ToList();
        foreach (var key in keys) ValidateSysctlKey(key);
        var script = BaseScript + (readClusterNodes ? ClusterNodesFragment : "")
            + Resources.ResourceFactScript.Compose(resourceFragments) + $"echo '{Trailer}'\n";
        return new RemoteCommand("gather facts", script)
        {
            Arguments = keys,
            Timeout = timeout ?? TimeSpan.FromSeconds(30),
        };
    }

    /// <summary>A key must name a file under /proc/sys and nothing outside it.</summary>
    public static void ValidateSysctlKey(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        var valid = key.Length > 0 && !key.StartsWith('/') && !key.Contains("..", StringComparison.Ordinal)
            && !key.Any(c => char.IsWhiteSpace(c) || char.IsControl(c));
        if (!valid) throw new ArgumentException($"'{key}' is not a valid sysctl key", nameof(key));
    }
}
