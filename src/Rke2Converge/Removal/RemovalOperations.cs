using Rke2Converge.Model;
using Rke2Converge.Remote;

namespace Rke2Converge.Removal;

/// <summary>The commands node removal and reset run: reads, kubectl delete node, and RKE2's own uninstall script.</summary>
internal static class RemovalOperations
{
    public static RemoteCommand Nodes() =>
        new("kubectl get nodes -o json", "\"$1\" --kubeconfig \"$2\" --request-timeout=30s get nodes -o json")
        {
            Arguments = [Rke2Paths.Kubectl, Rke2Paths.AdminKubeconfig],
        };

    /// <summary>
    /// Deletes the node object without kubectl's wait for it to go: an etcd node's object stays (Terminating) until
    /// RKE2's finalizer has removed its member, which the removal then waits for itself and, if held, reports by
    /// <see cref="NodeDeletionHold"/> rather than by kubectl's timeout.
    /// </summary>
    public static RemoteCommand DeleteNode(string node) =>
        new($"kubectl delete node {node}", "\"$1\" --kubeconfig \"$2\" --request-timeout=60s delete node \"$3\" --wait=false 2>&1")
        {
            Arguments = [Rke2Paths.Kubectl, Rke2Paths.AdminKubeconfig, node],
            Timeout = TimeSpan.FromSeconds(90),
        };

    /// <summary>A deleted node's deletion timestamp and the finalizers holding it (empty once it is gone).</summary>
    public static RemoteCommand NodeDeletionHold(string node) =>
        new($"kubectl get node {node} (finalizers)",
            "\"$1\" --kubeconfig \"$2\" --request-timeout=30s get node \"$3\" --ignore-not-found -o 'jsonpath={.metadata.deletionTimestamp} {.metadata.finalizers}'")
        {
            Arguments = [Rke2Paths.Kubectl, Rke2Paths.AdminKubeconfig, node],
        };

    /// <summary>
    /// rke2-uninstall.sh from the tarball (/usr/local/bin) or the RPM (/usr/bin): stops RKE2 and removes its units,
    /// binaries and data. rke2c's pending marker goes too; its lock stays until this run releases it.
    /// </summary>
    public static RemoteCommand Uninstall() =>
        new("rke2-uninstall.sh", """
            found=
            for script in /usr/local/bin/rke2-uninstall.sh /usr/bin/rke2-uninstall.sh /opt/rke2/bin/rke2-uninstall.sh; do
              if [ -x "$script" ]; then
                err=$(mktemp)
                if ! "$script" >/dev/null 2>"$err"; then tail -n 20 "$err" >&2; rm -f "$err"; exit 1; fi
                rm -f "$err"; found=$script; break
              fi
            done
            rm -f "$1"
            echo "${found:-rke2 was not installed}"
            """)
        {
            Arguments = [Rke2Paths.PendingWorkMarker],
            Timeout = TimeSpan.FromMinutes(5),
        };

    /// <summary>
    /// What rke2c itself put on the host and rke2-uninstall.sh leaves (it removes /etc/rancher/rke2, the data directory
    /// and the units, not /etc/default or the units' drop-in directories: rancher/rke2 bundle/bin/rke2-uninstall.sh):
    /// the env files and drop-in directories of RKE2's units, rke2c's sysctl file, its kernel-module files.
    /// Listed by path in the plan; the module files and rke2c's state directory follow in <see cref="CleanupSummary"/>.
    /// </summary>
    public static IReadOnlyList<string> LeftByRke2c { get; } =
    [
        "/etc/default/rke2-server", "/etc/default/rke2-agent",
        "/etc/systemd/system/rke2-server.service.d", "/etc/systemd/system/rke2-agent.service.d",
        Rke2Paths.ManagedSysctlFile,
    ];

    /// <summary>What the cleanup removes, for the plan: every path, the module files and the state directory.</summary>
    public static string CleanupSummary =>
        $"{string.Join(", ", LeftByRke2c)}, {Resources.KernelModuleResource.Directory}/rke2c-*.conf, and everything in {Rke2Paths.StateDirectory} "
        + "(config.yaml and registries.yaml backups holding the token and registry passwords, the pending marker); "
        + "the lock goes when this run releases it, and the directory with it";

    /// <summary>
    /// Removes what rke2c put on the host (see <see cref="LeftByRke2c"/>), after rke2-uninstall.sh: links are removed as
    /// links, never followed; rke2c's lock stays until this run releases it. Prints each path it removed.
    /// </summary>
    public static RemoteCommand Cleanup() =>
        new("remove what rke2c put on the host", """
            state=$1 modules=$2; shift 2
            for path in "$@" "$modules"/rke2c-*.conf; do
              if [ -e "$path" ] || [ -L "$path" ]; then rm -rf -- "$path" && echo "$path"; fi
            done
            if [ -d "$state" ] && [ ! -L "$state" ]; then
              for path in "$state"/* "$state"/.[!.]*; do
                case $path in "$state/lock"|"$state/*"|"$state/.[!.]*") continue ;; esac
                if [ -e "$path" ] || [ -L "$path" ]; then rm -rf -- "$path" && echo "$path"; fi
              done
            fi
            """)
        {
            Arguments = [Rke2Paths.StateDirectory, Resources.KernelModuleResource.Directory, .. LeftByRke2c],
            Timeout = TimeSpan.FromSeconds(60),
        };

    /// <summary>etcd's member list, read inside the etcd static pod of an etcd node (read-only).</summary>
    public static RemoteCommand MemberList() =>
        new("etcdctl member list", """
            id=$(CRI_CONFIG_FILE="$2" "$1" ps --name '^etcd$' --state running -q | head -n 1)
            if [ -z "$id" ]; then echo "etcd container is not running" >&2; exit 1; fi
            CRI_CONFIG_FILE="$2" "$1" exec "$id" etcdctl --cacert "$3/server-ca.crt" --cert "$3/server-client.crt" \
              --key "$3/server-client.key" --endpoints https://127.0.0.1:2379 member list -w json
            """)
        {
            Arguments = [Rke2Paths.Crictl, Rke2Paths.CrictlConfig, "/var/lib/rancher/rke2/server/tls/etcd"],
            Timeout = TimeSpan.FromSeconds(30),
        };

    /// <summary>Member names in etcdctl's JSON; RKE2 names a member after its node: NODE-&lt;hex&gt;.</summary>
    public static IReadOnlyList<string> MemberNames(string json)
    {
        using var document = System.Text.Json.JsonDocument.Parse(json);
        return [.. document.RootElement.GetProperty("members").EnumerateArray()
            .Select(m => m.TryGetProperty("name", out var name) ? name.GetString() ?? "" : "")];
    }
}
