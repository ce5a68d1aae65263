using Rke2Converge.Model;
using Rke2Converge.Remote;

namespace Rke2Converge.Facts;

/// <summary>
/// The one read-only command that collects everything <see cref="HostFacts"/> holds. It prints one record per
/// line, <c>TAG FIELD...</c>, where every field that could contain arbitrary bytes is base64 (no spaces, no
/// newlines), so file content can never be mistaken for structure. <see cref="FactParser"/> reads it back.
/// Sysctl keys travel as script arguments, never in the script text.
/// </summary>
internal static class FactScript
{
    public const string Header = "rke2c-facts 2";
    public const string Trailer = "end rke2c-facts";

    // C locale for byte-wise globs. No set -e: a missing file or command is a fact, not a failure. Each built-in
    // resource's fragment runs in the script's own shell, in order (the install's $rke2 is read by the cluster probe);
    // then the host's identity and lock.
    /// <summary>The script without declared resources' fragments.</summary>
    public static string Script => BaseScript + $"echo '{Trailer}'\n";

    // managed_record reads a file rke2c writes: never through a link its writes would refuse (SymlinkGuard), which
    // it reports as TAG link PATH instead. os-release is read with file_record: it is often a link, and never written.
    private static readonly string Prelude = Rollout.Operations.SymlinkGuard.Functions + $$"""
        export LC_ALL=C
        b64() { printf '%s' "$1" | base64 -w0; }
        file_record() {
          if [ -f "$2" ]; then printf '%s present ' "$1"; base64 -w0 < "$2"; printf '\n'
          else printf '%s missing\n' "$1"; fi
        }
        managed_record() {
          if lp_link=$(link_on_path "$2"); then printf '%s link %s\n' "$1" "$(b64 "$lp_link")"
          else file_record "$1" "$2"; fi
        }
        echo '{{Header}}'

        """;

    private static readonly string HostFragment = $$"""
        if [ -f /etc/os-release ]; then file_record os-release /etc/os-release
        else file_record os-release /usr/lib/os-release; fi
        printf 'arch %s\n' "$(b64 "$(uname -m)")"
        printf 'hostname %s\n' "$(b64 "$(uname -n)")"
        for crt in {{ShellQuote.Quote(Rke2Paths.ServerTlsDirectory)}}/*.crt; do
          [ -f "$crt" ] || continue
          if end=$(openssl x509 -enddate -noout -in "$crt" 2>/dev/null) && end=$(date -d "${end#notAfter=}" +%s 2>/dev/null); then
            printf 'cert-expiry %s %s\n' "$(( end - $(date +%s) ))" "$(b64 "$crt")"
          fi
        done
        ca={{ShellQuote.Quote(Rke2Paths.AgentServerCa)}}
        if [ -f "$ca" ] && openssl x509 -in "$ca" -noout 2>/dev/null; then
          printf 'cluster-ca %s\n' "$(openssl x509 -in "$ca" -outform DER | sha256sum | cut -d ' ' -f 1)"
        fi
        lock={{ShellQuote.Quote(Rke2Paths.LockFile)}}
        if [ -f "$lock" ] && mtime=$(stat -c %Y "$lock" 2>/dev/null) && holder=$(cat "$lock" 2>/dev/null); then
          printf 'lock %s %s\n' "$(( $(date +%s) - mtime ))" "$(b64 "$holder")"
        fi

        """;

    private static readonly string BaseScript =
        Prelude + string.Concat(Resources.BuiltIn.BuiltInResources.All.Select(resource => resource.FactFragment)) + HostFragment;

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
