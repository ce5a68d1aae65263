using Rke2Converge.Model;
using Rke2Converge.Resources;

namespace Rke2Converge.Plan.Desired;

/// <summary>
/// Turns a validated model into each node's desired state. The engine adds what RKE2 needs per role
/// (see <see cref="RoleConfig"/>) the kernel flags the kubelet checks under protect-kernel-defaults, and the etcd user a CIS profile requires on servers.
/// </summary>
internal static class DesiredStateBuilder
{
    public static IReadOnlyList<NodeDesiredState> Build(ClusterModel model)
    {
        var bootstrap = model.Node(model.JoinOrder[0]);
        return [.. model.RolloutOrder().Select(node => ForNode(model, node, bootstrap))];
    }

    private static NodeDesiredState ForNode(ClusterModel model, NodeSpec node, NodeSpec bootstrap)
    {
        var isBootstrap = node.Name == bootstrap.Name;
        var joinUrl = isBootstrap ? null : model.RegistrationAddress ?? RoleConfig.SupervisorUrl(bootstrap);
        var config = RoleConfig.For(node, joinUrl, model.Token!).MergedWith(model.ConfigFor(node));
        var sysctls = new SortedDictionary<string, string>(model.SysctlsFor(node).ToDictionary(), StringComparer.Ordinal);
        var added = new List<string>();
        var declared = model.ResourcesFor(node);
        // Created before anything the playbook declares, so a declared command may already rely on it.
        IReadOnlyList<Resources.Resource> resources = EtcdUserResource.RequiredOn(node, config) ? [new EtcdUserResource(), .. declared] : declared;
        var draft = new NodeDesiredState(node, model.Version, sysctls, added, config) { Resources = resources, ConfigDropIns = model.ConfigDropIns, BackupsKept = model.BackupsKept, Images = AirGapImages.For(model), Drain = model.Upgrade.For(node.Role) };
        if (draft.ProtectsKernelDefaults)
        {
            foreach (var (key, value) in KernelFlags.RequiredByProtectKernelDefaults)
            {
                if (sysctls.TryAdd(key, value)) added.Add(key);
            }
        }
        return draft;
    }
}
