namespace Rke2Converge.Model.Validation;

/// <summary>
/// <c>Role(NodeRole.Server)</c> means the nodes declared with <c>Server(...)</c> (etcd and control plane together),
/// not every server role: an etcd-only node and a control-plane-only node need different settings (an etcd flag on a
/// node with etcd disabled, or the reverse, is wrong), so widening it silently would surprise more than it helps. On a
/// playbook whose servers are all split, Role(NodeRole.Server) settings reach no node: that is warned, naming the
/// roles the servers have and how to address them.
/// </summary>
internal static class RoleScopeRules
{
    public static void Check(ClusterModel model, List<ValidationProblem> problems)
    {
        if (model.Nodes.Any(n => n.Role == NodeRole.Server)) return;
        var split = model.Nodes.Where(n => n.Role is NodeRole.EtcdOnly or NodeRole.ControlPlaneOnly).ToList();
        if (split.Count == 0) return;
        var keys = model.RoleConfig.TryGetValue(NodeRole.Server, out var config) ? config.Keys.ToList() : [];
        var resources = model.Resources.Where(r => r.Node is null && r.Role == NodeRole.Server).Select(r => r.Resource.Key).ToList();
        if (keys.Count == 0 && resources.Count == 0) return;
        var what = string.Join(", ", keys.Select(k => $"Config[\"{k}\"]").Concat(resources));
        var roles = split.GroupBy(n => n.Role).Select(g => $"{(g.Key == NodeRole.EtcdOnly ? "Role(NodeRole.EtcdOnly)" : "Role(NodeRole.ControlPlaneOnly)")} for {string.Join(", ", g.Select(n => n.Name))}");
        problems.Add(ValidationProblem.Warning(
            $"Role(NodeRole.Server) sets {what}, but no node is declared with Server(...): this cluster's servers are split into etcd-only and control-plane-only "
            + $"nodes, and Role(NodeRole.Server) applies only to Server(...) nodes. Use {string.Join(" and ", roles)} (or the cluster-wide Config[...] for all nodes)"));
    }
}
