using Rke2Converge.Model;
using YamlDotNet.RepresentationModel;

namespace Rke2Converge.Playbooks.Inventories;

/// <summary>
/// Ansible's YAML inventory format: top-level groups (usually <c>all</c>), each with <c>hosts</c> (a map of host
/// name or range to its variables), <c>vars</c> and <c>children</c> (a map of groups of the same shape).
/// </summary>
internal static class AnsibleYamlParser
{
    private static readonly HashSet<string> GroupKeys = new(["hosts", "vars", "children"], StringComparer.Ordinal);

    public static InventorySource Parse(string text, string path, Func<int, SourceLocation> at)
    {
        var source = new InventorySource(path);
        var root = YamlValues.Load(text, path, at);
        foreach (var (key, body) in YamlValues.Entries(root, "an Ansible YAML inventory's top level (groups)", at))
        {
            ReadGroup(source, YamlValues.Key(key), body, at(YamlValues.Line(key)), at);
        }
        return source;
    }

    private static void ReadGroup(InventorySource source, string name, YamlNode body, SourceLocation where, Func<int, SourceLocation> at)
    {
        var group = source.Group(name, where);
        foreach (var (key, value) in YamlValues.Entries(body, $"group {Quote(name)}", at))
        {
            var field = YamlValues.Key(key);
            var line = at(YamlValues.Line(key));
            switch (field)
            {
                case "hosts":
                    foreach (var (host, vars) in YamlValues.Entries(value, $"group {Quote(name)}: hosts", at))
                    {
                        var hostAt = at(YamlValues.Line(host));
                        var hostVars = YamlValues.Vars(vars, $"host {Quote(YamlValues.Key(host))}: its variables", at);
                        foreach (var expanded in HostPattern.Expand(YamlValues.Key(host), hostAt)) group.Hosts.Add(new SourceHost(expanded, hostVars, hostAt));
                    }
                    break;
                case "vars":
                    foreach (var (varName, varValue) in YamlValues.Vars(value, $"group {Quote(name)}: vars", at)) group.Vars[varName] = varValue;
                    break;
                case "children":
                    foreach (var (child, childBody) in YamlValues.Entries(value, $"group {Quote(name)}: children", at))
                    {
                        var childName = YamlValues.Key(child);
                        var childAt = at(YamlValues.Line(child));
                        group.Children.Add((childName, childAt));
                        ReadGroup(source, childName, childBody, childAt, at);
                    }
                    break;
                default:
                    throw new PlaybookException(
                        $"group {Quote(name)}: unknown key {Quote(field)} (a group has {string.Join(", ", GroupKeys)}; a host goes under hosts:)", line);
            }
        }
    }

    private static string Quote(string text) => Model.Validation.Printable.Quote(text);
}
