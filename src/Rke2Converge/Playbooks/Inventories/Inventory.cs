using Rke2Converge.Model;

namespace Rke2Converge.Playbooks.Inventories;

/// <summary>
/// An inventory read by <c>Inventory.FromAnsible</c>, <c>FromYaml</c> or <c>FromCsv</c>: its hosts and groups, with
/// membership and variables resolved. The playbook maps groups to roles:
/// <code>
/// var inventory = Inventory.FromAnsible("hosts.ini");
/// foreach (var host in inventory.Group("masters").Hosts) Server(host);
/// foreach (var host in inventory.Group("workers").Hosts) Agent(host);
/// JoinOrder(inventory.Group("masters").Names);
/// </code>
/// </summary>
public sealed class Inventory
{
    private readonly IReadOnlyDictionary<string, InventoryGroup> _groups;
    private readonly Func<string, int, SourceLocation> _at;

    internal Inventory(string path, IReadOnlyList<InventoryHost> hosts, IReadOnlyDictionary<string, InventoryGroup> groups, Func<string, int, SourceLocation> at)
    {
        _at = at;
        Path = path;
        Hosts = hosts;
        _groups = groups;
    }

    /// <summary>The inventory file, as shown in messages.</summary>
    public string Path { get; }

    /// <summary>Every host, each once, in the order the inventory first lists it.</summary>
    public IReadOnlyList<InventoryHost> Hosts { get; }

    /// <summary>Every group's name, <c>all</c> and <c>ungrouped</c> included.</summary>
    public IReadOnlyCollection<string> GroupNames => [.. _groups.Keys];

    /// <summary>Whether the inventory has a group of that name.</summary>
    public bool HasGroup(string name) => _groups.ContainsKey(name);

    /// <summary>The group named <paramref name="name"/>; an unknown name is an error at the calling line, with the nearest names.</summary>
    public InventoryGroup Group(string name, [System.Runtime.CompilerServices.CallerFilePath] string file = "", [System.Runtime.CompilerServices.CallerLineNumber] int line = 0)
    {
        if (_groups.TryGetValue(name, out var group)) return group;
        var nearest = PlaybookSuggestions.Nearest(name, _groups.Keys);
        var hint = nearest.Count > 0 ? $"; did you mean {string.Join(" or ", nearest.Select(candidate => $"'{candidate}'"))}?" : "";
        throw new PlaybookException($"{Path} has no group {Model.Validation.Printable.Quote(name)}{hint}", _at(file, line));
    }

    /// <summary>The host named <paramref name="name"/>, or null.</summary>
    public InventoryHost? Host(string name) => Hosts.FirstOrDefault(host => host.Name == name);
}
