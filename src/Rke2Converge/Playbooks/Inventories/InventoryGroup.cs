namespace Rke2Converge.Playbooks.Inventories;

/// <summary>A group of an inventory: its hosts (its own and its children's, in inventory order) and its own variables.</summary>
public sealed class InventoryGroup
{
    internal InventoryGroup(string name, IReadOnlyList<InventoryHost> hosts, IReadOnlyDictionary<string, object?> vars, IReadOnlyList<string> children)
    {
        Name = name;
        Hosts = hosts;
        Vars = vars;
        Children = children;
    }

    /// <summary>
    /// The group's name as the inventory writes it.
    /// </summary>
    public string Name { get; }

    /// <summary>Every host in the group, children's included, each once, in the order the inventory lists them.</summary>
    public IReadOnlyList<InventoryHost> Hosts { get; }

    /// <summary>The host names, in order: <c>JoinOrder(inventory.Group("rke2_servers").Names)</c>.</summary>
    public string[] Names => [.. Hosts.Select(host => host.Name)];

    /// <summary>The group's own variables (the inventory's and <c>group_vars/</c>'s), not its parents'.</summary>
    public IReadOnlyDictionary<string, object?> Vars { get; }

    /// <summary>The names of its direct child groups.</summary>
    public IReadOnlyList<string> Children { get; }

    /// <summary>
    /// The group's name.
    /// </summary>
    public override string ToString() => Name;
}
