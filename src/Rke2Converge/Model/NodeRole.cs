namespace Rke2Converge.Model;

/// <summary>What a node runs. Servers carry some mix of etcd and control plane; agents run workloads only.</summary>
public enum NodeRole
{
    /// <summary>All-in-one server: etcd, API server, controller manager and scheduler.</summary>
    Server,

    /// <summary>Server with the control plane disabled: etcd only.</summary>
    EtcdOnly,

    /// <summary>Server with etcd disabled: control plane only. Can never bootstrap a cluster.</summary>
    ControlPlaneOnly,

    /// <summary>Runs rke2-agent.</summary>
    Agent,
}

internal static class NodeRoleExtensions
{
    public static bool IsServer(this NodeRole role) => role != NodeRole.Agent;

    public static bool CarriesEtcd(this NodeRole role) => role is NodeRole.Server or NodeRole.EtcdOnly;

    public static bool CarriesControlPlane(this NodeRole role) => role is NodeRole.Server or NodeRole.ControlPlaneOnly;

    /// <summary>The systemd unit that runs this role.</summary>
    public static string ServiceName(this NodeRole role) => role.IsServer() ? "rke2-server" : "rke2-agent";

    /// <summary>The name users write in playbooks and see in plans.</summary>
    public static string DisplayName(this NodeRole role) => role switch
    {
        NodeRole.Server => "server",
        NodeRole.EtcdOnly => "etcd",
        NodeRole.ControlPlaneOnly => "control-plane",
        NodeRole.Agent => "agent",
        _ => throw new ArgumentOutOfRangeException(nameof(role), role, null),
    };
}
