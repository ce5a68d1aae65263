using Rke2Converge.Model;

namespace Rke2Converge.Playbooks.Inventories;

/// <summary>
/// An inventory as a parser read it, before membership and variables are resolved: groups with their hosts (each with
/// the variables given on that line), variables and children, in file order.
/// </summary>
internal sealed class InventorySource(string path)
{
    private readonly Dictionary<string, SourceGroup> _groups = new(StringComparer.Ordinal);

    public string Path { get; } = path;

    public IReadOnlyCollection<SourceGroup> Groups => _groups.Values;

    /// <summary>The group named <paramref name="name"/>, created (at <paramref name="at"/>) on first mention.</summary>
    public SourceGroup Group(string name, SourceLocation at)
    {
        if (!_groups.TryGetValue(name, out var group))
        {
            group = new SourceGroup(name, at, _groups.Count);
            _groups[name] = group;
        }
        return group;
    }

    public bool TryGetGroup(string name, out SourceGroup group) => _groups.TryGetValue(name, out group!);
}

internal sealed class SourceGroup(string name, SourceLocation declaredAt, int order)
{
    public string Name { get; } = name;

    public SourceLocation DeclaredAt { get; } = declaredAt;

    /// <summary>Order of first mention, for a stable order among groups.</summary>
    public int Order { get; } = order;

    public List<SourceHost> Hosts { get; } = [];

    public Dictionary<string, object?> Vars { get; } = new(StringComparer.Ordinal);

    public List<(string Name, SourceLocation At)> Children { get; } = [];
}

/// <summary>A host as one line (or one YAML entry) names it, with the variables given there.</summary>
internal sealed record SourceHost(string Name, IReadOnlyDictionary<string, object?> Vars, SourceLocation At);
