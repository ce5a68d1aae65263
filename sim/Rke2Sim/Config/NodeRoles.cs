namespace Rke2Sim.Config;

/// <summary>Which components a node runs, derived from whether it is a server and its disable-* flags.</summary>
public sealed record NodeRoles(bool IsServer, bool Etcd, bool ApiServer, bool ControllerManager, bool Scheduler)
{
    public static NodeRoles Agent { get; } = new(false, false, false, false, false);

    public static NodeRoles ForServer(Rke2Config config) => new(
        true,
        !config.DisableEtcd,
        !config.DisableApiServer,
        !config.DisableControllerManager,
        !config.DisableScheduler);

    public bool ControlPlane => ApiServer;

    public bool EtcdOnly => IsServer && Etcd && !ApiServer;

    public bool ControlPlaneOnly => IsServer && ApiServer && !Etcd;

    /// <summary>The ROLES column of <c>kubectl get nodes</c>, from the node-role labels RKE2 sets.</summary>
    public string RolesColumn
    {
        get
        {
            var roles = new List<string>();
            if (ControlPlane) roles.Add("control-plane");
            if (Etcd) roles.Add("etcd");
            if (ControlPlane) roles.Add("master");
            return roles.Count == 0 ? "<none>" : string.Join(",", roles);
        }
    }

    public IEnumerable<KeyValuePair<string, string>> RoleLabels()
    {
        if (ControlPlane)
        {
            yield return new("node-role.kubernetes.io/control-plane", "true");
            yield return new("node-role.kubernetes.io/master", "true");
        }
        if (Etcd) yield return new("node-role.kubernetes.io/etcd", "true");
    }
}
