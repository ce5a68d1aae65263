using System.Text.RegularExpressions;
using Rke2Converge.Model;

namespace Rke2Converge.Plan.Limit;

/// <summary>
/// <c>--limit PATTERN[,PATTERN...]</c>, as Ansible reads it: each pattern is a node name, a role (<c>server</c>,
/// <c>etcd</c>, <c>control-plane</c>, <c>agent</c>, or <c>servers</c> for every server role, <c>agents</c>), or a glob
/// over node names (<c>*</c>, <c>?</c>, <c>[abc]</c>); a pattern starting with <c>!</c> takes nodes out again.
/// Patterns are separated by commas or colons.
/// </summary>
internal sealed partial class NodeLimit
{
    private readonly IReadOnlyList<Pattern> _include;
    private readonly IReadOnlyList<Pattern> _exclude;

    private NodeLimit(string text, IReadOnlyList<Pattern> include, IReadOnlyList<Pattern> exclude)
    {
        Text = text;
        _include = include;
        _exclude = exclude;
    }

    /// <summary>The limit as given, for the plan and the saved plan.</summary>
    public string Text { get; }

    /// <exception cref="FormatException">Empty, or a pattern that cannot be a node name, role or glob.</exception>
    public static NodeLimit Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var parts = text.Split([',', ':'], StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length == 0) throw new FormatException("--limit needs a node name, role or glob");
        var include = new List<Pattern>();
        var exclude = new List<Pattern>();
        foreach (var part in parts)
        {
            var negated = part.StartsWith('!');
            var body = negated ? part[1..] : part;
            if (body.Length == 0 || !ValidPattern().IsMatch(body))
                throw new FormatException($"--limit: {Model.Validation.Printable.Quote(part)} is not a node name, role or glob (letters, digits, '.', '-', '_', '*', '?', '[...]')");
            (negated ? exclude : include).Add(new Pattern(body));
        }
        // Only exclusions: everything else, as Ansible's "all:!x".
        if (include.Count == 0) include.Add(new Pattern("*"));
        return new NodeLimit(string.Join(',', parts), include, exclude);
    }

    public bool Matches(NodeSpec node)
    {
        ArgumentNullException.ThrowIfNull(node);
        return _include.Any(p => p.Matches(node)) && !_exclude.Any(p => p.Matches(node));
    }

    /// <summary>Patterns that select no node of <paramref name="nodes"/> (likely a typo), one message each.</summary>
    public IReadOnlyList<string> Unmatched(IReadOnlyList<NodeSpec> nodes)
    {
        ArgumentNullException.ThrowIfNull(nodes);
        var problems = _include.Concat(_exclude).Where(p => p.Text != "*" && !nodes.Any(p.Matches))
            .Select(p => $"--limit: '{p.Text}' matches no node of the playbook (nodes: {string.Join(", ", nodes.Select(n => n.Name))}; roles: {Roles})")
            .ToList();
        if (problems.Count == 0 && !nodes.Any(Matches)) problems.Add($"--limit {Text} leaves no node of the playbook");
        return problems;
    }

    public override string ToString() => Text;

    private const string Roles = "server, etcd, control-plane, agent, servers, agents";

    private sealed class Pattern(string text)
    {
        private readonly Regex _glob = new("^" + Regex.Escape(text).Replace(@"\*", ".*", StringComparison.Ordinal).Replace(@"\?", ".", StringComparison.Ordinal)
            .Replace(@"\[", "[", StringComparison.Ordinal) + "$", RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1));

        public string Text => text;

        public bool Matches(NodeSpec node) => text switch
        {
            "servers" => node.Role.IsServer(),
            "agents" => node.Role == NodeRole.Agent,
            _ when text == node.Role.DisplayName() => true,
            _ => _glob.IsMatch(node.Name),
        };
    }

    [GeneratedRegex(@"^(?!-)[A-Za-z0-9._*?\-]*(\[[A-Za-z0-9._\-]+\][A-Za-z0-9._*?\-]*)*$")]
    private static partial Regex ValidPattern();
}
