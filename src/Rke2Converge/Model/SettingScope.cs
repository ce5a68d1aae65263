namespace Rke2Converge.Model;

/// <summary>Which nodes a sysctl or config value was declared for: all of them, one role, or one node.</summary>
internal sealed record SettingScope
{
    private SettingScope(string id, string description)
    {
        Id = id;
        Description = description;
    }

    /// <summary>Stable identifier, such as <c>cluster</c>, <c>role:agent</c> or <c>node:cp-1</c>.</summary>
    public string Id { get; }

    /// <summary>Words for messages, such as <c>cluster-wide</c> or <c>node cp-1</c>.</summary>
    public string Description { get; }

    public static SettingScope Cluster { get; } = new("cluster", "cluster-wide");

    public static SettingScope ForRole(NodeRole role) => new($"role:{role.DisplayName()}", $"role {role.DisplayName()}");

    public static SettingScope ForNode(string node) => new($"node:{node}", $"node {node}");

    public override string ToString() => Id;
}
