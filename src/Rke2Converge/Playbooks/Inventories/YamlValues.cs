using Rke2Converge.Model;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Rke2Converge.Playbooks.Inventories;

/// <summary>YAML documents read with their line numbers, and YAML nodes as plain values: strings, lists and maps.</summary>
internal static class YamlValues
{
    /// <summary>The first document's root, or null for an empty file.</summary>
    public static YamlNode? Load(string text, string path, Func<int, SourceLocation> at)
    {
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(text));
        }
        catch (YamlException error)
        {
            throw new PlaybookException($"not valid YAML: {error.Message}", at(checked((int)error.Start.Line)));
        }
        return stream.Documents.Count == 0 ? null : stream.Documents[0].RootNode;
    }

    public static int Line(YamlNode node) => checked((int)node.Start.Line);

    public static bool IsNull(YamlNode? node) =>
        node is null || node is YamlScalarNode { Style: ScalarStyle.Plain or ScalarStyle.Any, Value: null or "" or "~" or "null" or "Null" or "NULL" };

    public static object? Value(YamlNode? node) => node switch
    {
        _ when IsNull(node) => null,
        YamlScalarNode scalar => scalar.Value,
        YamlSequenceNode sequence => sequence.Children.Select(Value).ToList(),
        YamlMappingNode mapping => mapping.Children.ToDictionary(pair => Key(pair.Key), pair => Value(pair.Value), StringComparer.Ordinal),
        _ => null,
    };

    public static string Key(YamlNode node) => node is YamlScalarNode { Value: { } text } ? text : node.ToString();

    /// <summary>A mapping's entries, or an error naming <paramref name="what"/> when the node is something else.</summary>
    public static IEnumerable<KeyValuePair<YamlNode, YamlNode>> Entries(YamlNode? node, string what, Func<int, SourceLocation> at)
    {
        if (IsNull(node)) return [];
        if (node is YamlMappingNode mapping) return mapping.Children;
        throw new PlaybookException($"{what} must be a mapping", at(Line(node!)));
    }

    /// <summary>Variables from a mapping node, in file order (a later duplicate key wins, as in Ansible).</summary>
    public static Dictionary<string, object?> Vars(YamlNode? node, string what, Func<int, SourceLocation> at)
    {
        var vars = new Dictionary<string, object?>(StringComparer.Ordinal);
        foreach (var (key, value) in Entries(node, what, at)) vars[Key(key)] = Value(value);
        return vars;
    }
}
