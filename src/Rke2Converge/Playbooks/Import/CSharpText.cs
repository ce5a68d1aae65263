using Microsoft.CodeAnalysis.CSharp;

namespace Rke2Converge.Playbooks.Import;

/// <summary>Values from an inventory as C# source: string literals escaped by Roslyn, lists as arrays, true/false as booleans.</summary>
internal static class CSharpText
{
    public static string String(string value) => SymbolDisplay.FormatLiteral(value, quote: true);

    /// <summary>A config value as C#, or null when it has no literal form here (a map, a list holding one).</summary>
    public static string? ConfigValue(object? value) => value switch
    {
        "true" or "True" or "yes" => "true",
        "false" or "False" or "no" => "false",
        string text => String(text),
        IEnumerable<object?> list when list.All(item => item is string) => $"new[] {{ {string.Join(", ", list.Cast<string>().Select(String))} }}",
        _ => null,
    };

    /// <summary>Whether a value holds a Jinja2 expression, which only Ansible can evaluate.</summary>
    public static bool IsTemplated(object? value) => value switch
    {
        string text => text.Contains("{{", StringComparison.Ordinal) || text.Contains("{%", StringComparison.Ordinal),
        IEnumerable<object?> list => list.Any(IsTemplated),
        IReadOnlyDictionary<string, object?> map => map.Values.Any(IsTemplated),
        _ => false,
    };

    /// <summary>Unset in the role's sense: absent, empty text, an empty list or map.</summary>
    public static bool IsEmpty(object? value) => value switch
    {
        null => true,
        string text => text.Length == 0,
        IEnumerable<object?> list => !list.Any(),
        IReadOnlyDictionary<string, object?> map => map.Count == 0,
        _ => false,
    };
}
