using Microsoft.VisualBasic.FileIO;
using Rke2Converge.Model;

namespace Rke2Converge.Playbooks.Inventories;

/// <summary>
/// Plain host lists: a YAML sequence of maps, or a CSV file whose first line names the columns. Fields: <c>name</c>
/// (required), <c>address</c>, <c>role</c> or <c>group</c> (the group the host is in; several separated by
/// spaces), <c>user</c>, <c>port</c>, <c>key</c>; every other field becomes a variable of the host.
/// </summary>
internal static class HostListParser
{
    /// <summary>Field names and the Ansible variables they become, so both kinds of inventory read alike.</summary>
    private static readonly Dictionary<string, string> Renamed = new(StringComparer.Ordinal)
    {
        ["address"] = "ansible_host",
        ["user"] = "ansible_user",
        ["port"] = "ansible_port",
        ["key"] = "ansible_ssh_private_key_file",
    };

    public static InventorySource ParseYaml(string text, string path, Func<int, SourceLocation> at)
    {
        var source = new InventorySource(path);
        var root = YamlValues.Load(text, path, at);
        if (YamlValues.IsNull(root)) return source;
        if (root is not YamlDotNet.RepresentationModel.YamlSequenceNode hosts)
        {
            throw new PlaybookException("a host list must be a YAML sequence of hosts (- name: ...)", at(YamlValues.Line(root!)));
        }
        foreach (var entry in hosts.Children)
        {
            var fields = YamlValues.Vars(entry, "a host in the list", at);
            Add(source, fields, at(YamlValues.Line(entry)));
        }
        return source;
    }

    public static InventorySource ParseCsv(string text, string path, Func<int, SourceLocation> at)
    {
        var source = new InventorySource(path);
        using var parser = new TextFieldParser(new StringReader(text)) { TextFieldType = FieldType.Delimited, HasFieldsEnclosedInQuotes = true, TrimWhiteSpace = true };
        parser.SetDelimiters(",");
        parser.CommentTokens = ["#"];
        string[]? header = null;
        while (!parser.EndOfData)
        {
            var line = checked((int)parser.LineNumber);
            string[]? row;
            try
            {
                row = parser.ReadFields();
            }
            catch (MalformedLineException error)
            {
                throw new PlaybookException($"not valid CSV: {error.Message}", at(checked((int)error.LineNumber)));
            }
            if (row is null || row.All(string.IsNullOrEmpty)) continue;
            if (header is null)
            {
                header = [.. row.Select(column => column.ToLowerInvariant())];
                if (!header.Contains("name")) throw new PlaybookException("a CSV host list's first line names its columns, and one must be 'name'", at(line));
                continue;
            }
            if (row.Length > header.Length) throw new PlaybookException($"this row has {row.Length} fields; the header names {header.Length}", at(line));
            var fields = new Dictionary<string, object?>(StringComparer.Ordinal);
            for (var column = 0; column < row.Length; column++)
            {
                if (row[column].Length > 0) fields[header[column]] = row[column];
            }
            Add(source, fields, at(line));
        }
        return source;
    }

    private static void Add(InventorySource source, Dictionary<string, object?> fields, SourceLocation at)
    {
        if (!fields.Remove("name", out var nameValue) || nameValue is not string name || name.Length == 0)
        {
            throw new PlaybookException("a host needs a name", at);
        }
        var groups = new List<string>();
        foreach (var field in new[] { "role", "group", "groups" })
        {
            if (!fields.Remove(field, out var value)) continue;
            groups.AddRange(value switch
            {
                string text => text.Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries),
                IEnumerable<object?> list => list.OfType<string>(),
                _ => throw new PlaybookException($"host {Model.Validation.Printable.Quote(name)}: {field} must be a name or a list of names", at),
            });
        }
        var vars = fields.ToDictionary(pair => Renamed.GetValueOrDefault(pair.Key, pair.Key), pair => pair.Value, StringComparer.Ordinal);
        var host = new SourceHost(name, vars, at);
        if (groups.Count == 0) source.Group(InventoryResolver.Ungrouped, at).Hosts.Add(host);
        foreach (var group in groups.Distinct(StringComparer.Ordinal)) source.Group(group, at).Hosts.Add(host);
    }
}
