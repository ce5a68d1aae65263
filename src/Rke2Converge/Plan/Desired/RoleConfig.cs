using Rke2Converge.Model;

namespace Rke2Converge.Plan.Desired;

/// <summary>
/// The config.yaml keys a node needs because of its role and place in the join order. Playbook values are merged
/// on top, except that validation forbids the playbook from setting the keys owned here.
/// </summary>
internal static class RoleConfig
{
    public const int SupervisorPort = 9345;

    /// <summary>A server's own supervisor URL, where joining nodes register unless a registration address is declared.</summary>
    public static string SupervisorUrl(NodeSpec server) => $"https://{UrlHost.Of(server.Address)}:{SupervisorPort}";

    /// <summary>The node's config.yaml keys; <paramref name="joinUrl"/> is where it registers, null for the first server, which bootstraps alone.</summary>
    public static ConfigMap For(NodeSpec node, string? joinUrl, SecretSource token)
    {
        var config = new ConfigMap();
        if (joinUrl is not null) config["server"] = joinUrl;
        config["token"] = token;
        // Node names default to the hostname; pinning them to the playbook's names keeps plans, gates and kubectl in agreement.
        config["node-name"] = node.Name;
        switch (node.Role)
        {
            case NodeRole.EtcdOnly:
                config["disable-apiserver"] = true;
                config["disable-controller-manager"] = true;
                config["disable-scheduler"] = true;
                break;
            case NodeRole.ControlPlaneOnly:
                config["disable-etcd"] = true;
                break;
        }
        return config;
    }
}
