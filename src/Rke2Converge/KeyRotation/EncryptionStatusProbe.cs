using System.Text;
using Rke2Converge.Model;
using Rke2Converge.Remote;

namespace Rke2Converge.KeyRotation;

/// <summary>
/// Reads the rotation's state on the server the commands run on: <c>rke2 secrets-encrypt status</c> and every node's
/// hash annotation (kubectl's escaped-dot JSONPath), in one read-only command. The fact script carries the same reads.
/// </summary>
internal static class EncryptionStatusProbe
{
    public const string NodeHashesJsonPath =
        """{range .items[*]}{.metadata.name}{"\t"}{.metadata.annotations.rke2\.io/encryption-config-hash}{"\n"}{end}""";

    /// <remarks>
    /// A refused connection is retried for a while: kube-apiserver restarts once more shortly after a server turns
    /// Ready (rancher/rke2#8269), so a read right after a rollout can meet it down for a few seconds.
    /// </remarks>
    public static RemoteCommand Read() =>
        new("read secrets-encrypt status", Rke2Paths.ResolveRke2Argument + """
            tries=0
            until nodes=$(timeout 20 "$2" --kubeconfig "$3" get nodes -o jsonpath="$4" 2>&1); do
              tries=$((tries + 1))
              case "$nodes" in *refused*) [ "$tries" -lt 8 ] && { sleep 2; continue; } ;; esac
              printf 'kubectl get nodes failed: %s\n' "$nodes" >&2; exit 1
            done
            printf 'nodes %s\n' "$(printf '%s' "$nodes" | base64 -w0)"
            status=$(timeout 20 "$1" secrets-encrypt status 2>&1) || { printf '%s\n' "$status" >&2; exit 1; }
            printf 'status %s\n' "$(printf '%s' "$status" | base64 -w0)"
            """)
        {
            Arguments = [Rke2Paths.Rke2Binary, Rke2Paths.Kubectl, Rke2Paths.AdminKubeconfig, NodeHashesJsonPath],
            Timeout = TimeSpan.FromSeconds(60),
        };

    /// <summary>The probe's answer; a <see cref="FormatException"/> when it is not a status.</summary>
    public static EncryptionStatus Parse(string server, string stdout)
    {
        string? nodes = null, status = null;
        foreach (var line in stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var parts = line.Split(' ', 2);
            var text = parts.Length == 2 ? Encoding.UTF8.GetString(Convert.FromBase64String(parts[1])) : "";
            if (parts[0] == "nodes") nodes = text;
            else if (parts[0] == "status") status = text;
        }
        if (nodes is null || status is null) throw new FormatException("the status probe printed no status");
        return EncryptionStatus.Parse(server, status, NodeHashes(nodes).Hashes)
            ?? throw new FormatException($"rke2 secrets-encrypt status printed no stage: {status.Trim()}");
    }

    /// <summary>Node names (a <c>node/</c> prefix dropped) and the hash annotation of those that have one.</summary>
    public static (IReadOnlyList<string> Names, IReadOnlyDictionary<string, string> Hashes) NodeHashes(string text)
    {
        var names = new List<string>();
        var hashes = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var line in text.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            var parts = line.Split('\t', 2);
            var name = parts[0].Trim();
            if (name.StartsWith("node/", StringComparison.Ordinal)) name = name[5..];
            if (name.Length == 0) continue;
            names.Add(name);
            if (parts.Length == 2 && parts[1].Trim() is { Length: > 0 } hash) hashes[name] = hash;
        }
        return (names, hashes);
    }
}
