namespace Rke2Converge.Model.Validation;

/// <summary>
/// Nodes that protect kernel defaults need <see cref="KernelFlags.RequiredByProtectKernelDefaults"/>. A missing
/// sysctl is fine (the engine adds it); one declared with another value is contradicted by the engine, so warn.
/// </summary>
internal static class KernelFlagRules
{
    public static void Check(ClusterModel model, List<ValidationProblem> problems)
    {
        var contradictions =
            from node in model.Nodes
            where KernelFlags.AreProtected(model.ConfigFor(node))
            let declared = model.SysctlsFor(node)
            from required in KernelFlags.RequiredByProtectKernelDefaults
            where declared.TryGetValue(required.Key, out var value) && value.Trim() != required.Value
            select (Node: node, required.Key, Declared: declared[required.Key], Required: required.Value,
                At: SiteOf(model, node, required.Key));

        // One warning per declaration, naming every node it affects, so a cluster-wide value does not warn per node.
        foreach (var group in contradictions.GroupBy(c => (c.Key, c.Declared, c.Required, c.At)))
        {
            var nodes = string.Join(", ", group.Select(c => c.Node.Name));
            problems.Add(ValidationProblem.Warning(
                $"sysctl {group.Key.Key} is declared as {group.Key.Declared}, but protect-kernel-defaults on {Nodes(group.Count())} {nodes} "
                + $"requires {group.Key.Required}: the kubelet refuses to start otherwise",
                group.Key.At));
        }
    }

    private static string Nodes(int count) => count == 1 ? "node" : "nodes";

    private static SourceLocation? SiteOf(ClusterModel model, NodeSpec node, string key) =>
        (node.Sysctls.ContainsKey(key) ? model.Sites.Sysctl(SettingScope.ForNode(node.Name), key) : model.Sites.Sysctl(SettingScope.Cluster, key))
        ?? node.DeclaredAt;
}
