using Rke2Converge.Model;
using Rke2Converge.Remote;

namespace Rke2Converge.Rollout.Operations;

/// <summary>Writes the host's cluster identity: the cluster's name, and the hash of the CA the host's agent holds now.</summary>
internal static class IdentityOperations
{
    public const string Description = "record the cluster identity";

    // The CA hash is the fact script's (DER, SHA-256), taken on the host after the gates, so it is the CA the node
    // joined with; none yet (an etcd-only node whose agent has not fetched it) leaves the line empty, and the next
    // plan records it. Atomic: a unique temp file beside the target, renamed into place.
    public static RemoteCommand Record(string cluster) =>
        new(Description, "set -eu\n" + SymlinkGuard.Functions + """
            file=$1 cluster=$2 ca=$3
            refuse_links "$file"
            hash=""
            if [ -f "$ca" ] && openssl x509 -in "$ca" -noout 2>/dev/null; then
              hash=$(openssl x509 -in "$ca" -outform DER | sha256sum | cut -d ' ' -f 1)
            fi
            mkdir -p "$(dirname "$file")"
            tmp=$(mktemp "$file.XXXXXX")
            printf 'cluster %s\nca-sha256 %s\n' "$cluster" "$hash" > "$tmp"
            chmod 0644 "$tmp"
            mv -f "$tmp" "$file"
            """)
        {
            Arguments = [Rke2Paths.IdentityFile, cluster, Rke2Paths.AgentServerCa],
            Timeout = TimeSpan.FromSeconds(15),
        };
}
