using Rke2Converge.Model;

namespace Rke2Converge.Playbooks.Inventories;

/// <summary>
/// One host of an inventory, with every variable that applies to it already merged the way Ansible merges them
/// (<c>all</c>, then parent groups before their children, then the host's own; <c>group_vars/</c> and
/// <c>host_vars/</c> files over the inventory file's values at the same level).
/// </summary>
public sealed class InventoryHost
{
    internal InventoryHost(string name, IReadOnlyList<string> groups, IReadOnlyDictionary<string, object?> vars, SourceLocation declaredAt, IReadOnlySet<string> ownVariables)
    {
        OwnVariables = ownVariables;
        Name = name;
        Groups = groups;
        Vars = vars;
        DeclaredAt = declaredAt;
    }

    /// <summary>The inventory's name for the host (Ansible's <c>inventory_hostname</c>).</summary>
    public string Name { get; }

    /// <summary>Where SSH connects: <c>ansible_host</c>, else the name.</summary>
    public string Address => Text("ansible_host") ?? Text("ansible_ssh_host") ?? Name;

    /// <summary><c>ansible_user</c>, or null for the playbook's default.</summary>
    public string? User => Text("ansible_user") ?? Text("ansible_ssh_user");

    /// <summary><c>ansible_port</c>, or null for the playbook's default.</summary>
    public int? Port
    {
        get
        {
            if ((Text("ansible_port") ?? Text("ansible_ssh_port")) is not { } port) return null;
            return int.TryParse(port, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var number) && number is > 0 and < 65536
                ? number
                : throw new PlaybookException($"host {Printable(Name)}: ansible_port {Printable(port)} is not a port number", DeclaredAt);
        }
    }

    /// <summary><c>ansible_ssh_private_key_file</c> as written (<c>~</c> and relative paths are resolved when a node is declared).</summary>
    public string? KeyFile => Text("ansible_ssh_private_key_file") ?? Text("ansible_private_key_file");

    /// <summary>Every group the host belongs to, directly or through <c>children</c>, <c>all</c> included.</summary>
    public IReadOnlyList<string> Groups { get; }

    /// <summary>The merged variables: strings, lists (<see cref="IReadOnlyList{T}"/>) and maps (<see cref="IReadOnlyDictionary{TKey, TValue}"/>).</summary>
    public IReadOnlyDictionary<string, object?> Vars { get; }

    /// <summary>The inventory file and line where the host first appears, for errors about it.</summary>
    internal SourceLocation DeclaredAt { get; }

    /// <summary>The variables set for this host itself (on its inventory line or in host_vars/), not through a group.</summary>
    internal IReadOnlySet<string> OwnVariables { get; }

    /// <summary>Whether the host is in <paramref name="group"/> (directly or through children).</summary>
    public bool InGroup(string group) => Groups.Contains(group, StringComparer.Ordinal);

    /// <summary>A variable as text (a scalar as written), or null when it is unset or not a scalar.</summary>
    public string? Text(string name) => Vars.TryGetValue(name, out var value) && value is string text ? text : null;

    /// <summary>
    /// The host's name.
    /// </summary>
    public override string ToString() => Name;

    private static string Printable(string text) => Model.Validation.Printable.Quote(text);
}
