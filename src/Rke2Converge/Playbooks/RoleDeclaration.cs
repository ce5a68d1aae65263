using Rke2Converge.Model;

namespace Rke2Converge.Playbooks;

/// <summary>Settings for every node of one role: <c>Role(NodeRole.Agent).Config["node-label"] = ...</c>.</summary>
public sealed class RoleDeclaration : ResourceScope
{
    internal RoleDeclaration(PlaybookContext context, NodeRole role)
        : base(context, SettingScope.ForRole(role), role, null)
    {
        Role = role;
        Config = new PlaybookConfig(context, SettingScope.ForRole(role));
    }

    /// <summary>
    /// The role these settings apply to.
    /// </summary>
    public NodeRole Role { get; }

    /// <summary>config.yaml values for nodes of exactly this role (Server means all-in-one servers only).</summary>
    /// <example>
    /// <code>
    /// Role(NodeRole.Server).Config["etcd-snapshot-retention"] = 10;
    /// </code>
    /// </example>
    public PlaybookConfig Config { get; }
}
