using System.Text;
using Rke2Converge.Model;

namespace Rke2Converge.Playbooks.Inventories;

/// <summary>
/// Ansible's INI inventory format: <c>[group]</c> host lines (<c>name[:port] key=value ...</c>, with host ranges),
/// <c>[group:vars]</c> <c>key=value</c> lines, <c>[group:children]</c> group names; lines before any section are in
/// <c>ungrouped</c>; <c>#</c> and <c>;</c> start comments. Values are strings; quotes around them are removed.
/// </summary>
internal static class AnsibleIniParser
{
    public static InventorySource Parse(string text, string path, Func<int, SourceLocation> at)
    {
        var source = new InventorySource(path);
        var section = "ungrouped";
        var kind = SectionKind.Hosts;
        var lines = text.ReplaceLineEndings("\n").Split('\n');
        for (var index = 0; index < lines.Length; index++)
        {
            var where = at(index + 1);
            var line = lines[index].Trim();
            if (line.Length == 0 || line[0] is '#' or ';') continue;
            if (line[0] == '[')
            {
                (section, kind) = Header(line, where);
                source.Group(section, where);
                continue;
            }
            var group = source.Group(section, where);
            switch (kind)
            {
                case SectionKind.Hosts:
                    HostLine(line, group, where);
                    break;
                case SectionKind.Vars:
                    var equals = line.IndexOf('=', StringComparison.Ordinal);
                    if (equals <= 0) throw new PlaybookException($"[{section}:vars] expects key=value, got {Quote(line)}", where);
                    group.Vars[line[..equals].Trim()] = Unquote(StripComment(line[(equals + 1)..]).Trim(), where);
                    break;
                case SectionKind.Children:
                    var child = StripComment(line).Trim();
                    if (child.Length == 0 || child.Any(char.IsWhiteSpace)) throw new PlaybookException($"[{section}:children] expects one group name a line, got {Quote(line)}", where);
                    group.Children.Add((child, where));
                    break;
            }
        }
        return source;
    }

    private enum SectionKind { Hosts, Vars, Children }

    private static (string Name, SectionKind Kind) Header(string line, SourceLocation at)
    {
        var close = line.IndexOf(']', StringComparison.Ordinal);
        if (close < 0 || StripComment(line[(close + 1)..]).Trim().Length > 0) throw new PlaybookException($"section header {Quote(line)} is not [name], [name:vars] or [name:children]", at);
        var inside = line[1..close].Trim();
        var colon = inside.LastIndexOf(':');
        var (name, kind) = colon < 0
            ? (inside, SectionKind.Hosts)
            : inside[(colon + 1)..] switch
            {
                "vars" => (inside[..colon], SectionKind.Vars),
                "children" => (inside[..colon], SectionKind.Children),
                var other => throw new PlaybookException($"section {Quote(line)}: ':{Model.Validation.Printable.Escape(other)}' is neither :vars nor :children", at),
            };
        if (name.Length == 0 || name.Any(char.IsWhiteSpace)) throw new PlaybookException($"section {Quote(line)} has no valid group name", at);
        return (name, kind);
    }

    private static void HostLine(string line, SourceGroup group, SourceLocation at)
    {
        var tokens = Tokens(line, at);
        var (pattern, port) = SplitPort(tokens[0]);
        var vars = new Dictionary<string, object?>(StringComparer.Ordinal);
        if (port is not null) vars["ansible_port"] = port;
        foreach (var token in tokens.Skip(1))
        {
            var equals = token.IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0) throw new PlaybookException($"host {Quote(pattern)}: expected key=value, got {Quote(token)}", at);
            vars[token[..equals]] = token[(equals + 1)..];
        }
        foreach (var name in HostPattern.Expand(pattern, at)) group.Hosts.Add(new SourceHost(name, vars, at));
    }

    /// <summary><c>host:2222</c> names a port; an IPv6 address (several colons) does not.</summary>
    private static (string Host, string? Port) SplitPort(string token)
    {
        var colon = token.IndexOf(':');
        if (colon > 0 && colon == token.LastIndexOf(':') && token[(colon + 1)..] is { Length: > 0 } port && port.All(char.IsAsciiDigit))
        {
            return (token[..colon], port);
        }
        return (token, null);
    }

    /// <summary>Splits a host line on white space, keeping quoted runs together and removing their quotes; a <c>#</c> outside quotes ends it.</summary>
    private static List<string> Tokens(string line, SourceLocation at)
    {
        var tokens = new List<string>();
        var current = new StringBuilder();
        char? quote = null;
        var started = false;
        foreach (var c in line)
        {
            if (quote is { } open)
            {
                if (c == open) quote = null;
                else current.Append(c);
            }
            else if (c is '"' or '\'')
            {
                quote = c;
                started = true;
            }
            else if (c == '#' && current.Length == 0 && !started)
            {
                break;
            }
            else if (char.IsWhiteSpace(c))
            {
                if (started) tokens.Add(current.ToString());
                current.Clear();
                started = false;
            }
            else
            {
                current.Append(c);
                started = true;
            }
        }
        if (quote is not null) throw new PlaybookException($"unterminated quote in {Quote(line)}", at);
        if (started) tokens.Add(current.ToString());
        return tokens;
    }

    private static string StripComment(string value)
    {
        var hash = value.IndexOf(" #", StringComparison.Ordinal);
        return hash < 0 ? value : value[..hash];
    }

    private static string Unquote(string value, SourceLocation at)
    {
        if (value.Length >= 2 && value[0] is '"' or '\'' && value[^1] == value[0]) return value[1..^1];
        if (value.Length > 0 && value[0] is '"' or '\'') throw new PlaybookException($"unterminated quote in {Quote(value)}", at);
        return value;
    }

    private static string Quote(string text) => Model.Validation.Printable.Quote(text);
}
