using Rke2Converge.Model;

namespace Rke2Converge.Playbooks.Inventories;

/// <summary>
/// Turns what a parser read into an <see cref="Inventory"/> the way Ansible does: every host is in <c>all</c>, a
/// group holds its children's hosts, <c>ungrouped</c> holds the hosts no other group has, and a host's variables are
/// merged from <c>all</c>, then its groups by depth (parents before children, then by name), then the host's own;
/// at each level the <c>group_vars/</c> or <c>host_vars/</c> file wins over the inventory file.
/// </summary>
internal static class InventoryResolver
{
    public const string All = "all";
    public const string Ungrouped = "ungrouped";

    public static Inventory Resolve(InventorySource source, string displayPath, AnsibleVarsFiles varsFiles, Func<string, int, SourceLocation> at)
    {
        var fileStart = at(source.Path, 1);
        source.Group(All, fileStart);
        source.Group(Ungrouped, fileStart);
        var groups = source.Groups.ToDictionary(group => group.Name, StringComparer.Ordinal);
        foreach (var group in groups.Values)
        {
            foreach (var (child, childAt) in group.Children)
            {
                if (!groups.ContainsKey(child)) groups[child] = source.Group(child, childAt);
            }
        }
        var parents = Parents(groups);
        var depth = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var name in groups.Keys) Depth(name, parents, depth, [], groups);

        // Hosts in the order the file first names them.
        var hostLines = groups.Values.SelectMany(group => group.Hosts.Select(host => (host, group)))
            .OrderBy(entry => entry.host.At.Line).ThenBy(entry => entry.group.Order).ToList();
        var names = hostLines.Select(entry => entry.host.Name).Distinct(StringComparer.Ordinal).ToList();
        var direct = names.ToDictionary(name => name, name => hostLines.Where(entry => entry.host.Name == name).Select(entry => entry.group.Name).ToHashSet(StringComparer.Ordinal), StringComparer.Ordinal);
        foreach (var (name, set) in direct)
        {
            if (set.All(group => group is All or Ungrouped)) set.Add(Ungrouped);
        }

        var groupVars = groups.Keys.ToDictionary(name => name, name => Merge(groups[name].Vars, varsFiles.Group(name)), StringComparer.Ordinal);
        var hosts = new List<InventoryHost>();
        foreach (var name in names)
        {
            var memberOf = Ancestors(direct[name], parents);
            memberOf.Add(All);
            var vars = new Dictionary<string, object?>(StringComparer.Ordinal);
            foreach (var group in memberOf.OrderBy(group => depth[group]).ThenBy(group => group, StringComparer.Ordinal))
            {
                foreach (var (key, value) in groupVars[group]) vars[key] = value;
            }
            var own = new HashSet<string>(StringComparer.Ordinal);
            foreach (var line in hostLines.Where(entry => entry.host.Name == name))
            {
                foreach (var (key, value) in line.host.Vars) vars[key] = value;
                own.UnionWith(line.host.Vars.Keys);
            }
            var hostFiles = varsFiles.Host(name);
            foreach (var (key, value) in hostFiles) vars[key] = value;
            own.UnionWith(hostFiles.Keys);
            var ordered = memberOf.OrderBy(group => depth[group]).ThenBy(group => group, StringComparer.Ordinal).ToList();
            hosts.Add(new InventoryHost(name, ordered, vars, hostLines.First(entry => entry.host.Name == name).host.At, own));
        }

        var resolved = groups.Keys.ToDictionary(
            name => name,
            name => new InventoryGroup(
                name,
                [.. hosts.Where(host => host.InGroup(name))],
                groupVars[name],
                [.. groups[name].Children.Select(child => child.Name).Distinct(StringComparer.Ordinal)]),
            StringComparer.Ordinal);
        return new Inventory(displayPath, hosts, resolved, at);
    }

    private static Dictionary<string, HashSet<string>> Parents(Dictionary<string, SourceGroup> groups)
    {
        var parents = groups.Keys.ToDictionary(name => name, _ => new HashSet<string>(StringComparer.Ordinal), StringComparer.Ordinal);
        foreach (var group in groups.Values)
        {
            foreach (var (child, _) in group.Children) parents[child].Add(group.Name);
        }
        foreach (var (name, set) in parents)
        {
            if (name != All && set.Count == 0) set.Add(All);
        }
        return parents;
    }

    private static int Depth(string name, Dictionary<string, HashSet<string>> parents, Dictionary<string, int> depth, HashSet<string> path, Dictionary<string, SourceGroup> groups)
    {
        if (depth.TryGetValue(name, out var known)) return known;
        if (name == All) return depth[name] = 0;
        if (!path.Add(name)) throw new PlaybookException($"group {Model.Validation.Printable.Quote(name)} is its own ancestor (children form a cycle)", groups[name].DeclaredAt);
        var value = 1 + parents[name].Max(parent => Depth(parent, parents, depth, path, groups));
        path.Remove(name);
        return depth[name] = value;
    }

    private static HashSet<string> Ancestors(IEnumerable<string> groups, Dictionary<string, HashSet<string>> parents)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var pending = new Stack<string>(groups);
        while (pending.Count > 0)
        {
            var group = pending.Pop();
            if (!seen.Add(group)) continue;
            foreach (var parent in parents[group]) pending.Push(parent);
        }
        return seen;
    }

    private static Dictionary<string, object?> Merge(IReadOnlyDictionary<string, object?> first, IReadOnlyDictionary<string, object?> second)
    {
        var merged = new Dictionary<string, object?>(first, StringComparer.Ordinal);
        foreach (var (key, value) in second) merged[key] = value;
        return merged;
    }
}
