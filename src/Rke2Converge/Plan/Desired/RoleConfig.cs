using Rke2Converge.Model;

namespace Rke2Converge.Plan.Desired;

/// <summary>
/// The config.yaml keys a node needs because of its role and place in the join order. Playbook values are merged
/// on top, except that validation forbids the playbook from setting the keys owned here.
/// </summary>
public static class RoleConfig
{
    public const int SupervisorPort = 9345;

    public static ConfigMap For(NodeSpec node, NodeSpec? joinVia, SecretSource token)
    {
        var config = new ConfigMap();
        if (joinVia is not null) config["server"] = $"https://{joinVia.Address}:{SupervisorPort}";
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
