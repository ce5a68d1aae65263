using System.Text.RegularExpressions;
using Rke2Converge.Logging;
using Rke2Converge.Model;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Rke2Converge.Plan.Diff;

/// <summary>
/// Diffs of files that hold credentials next to plain settings, entry by entry, so the plan shows what changes in the
/// settings (a mirror endpoint, a proxy URL) while a credential shows only that it changed:
/// <c>~ configs."reg:5000".auth.password: (sensitive) changed</c>. Lines read like <see cref="ConfigEntryChange"/>.
/// </summary>
internal static partial class StructuredFileDiff
{
    /// <summary>
    /// registries.yaml (or any YAML) path by path: maps by key, lists of plain values as one value, lists of maps by
    /// index. A value under a credential key (<see cref="HostSecrets.IsSensitiveName"/>: username, password, auth,
    /// identity_token, …) is masked. Null when either side is not YAML.
    /// </summary>
    public static IReadOnlyList<string>? Yaml(string before, string after)
    {
        ArgumentNullException.ThrowIfNull(before);
        ArgumentNullException.ThrowIfNull(after);
        if (FlattenYaml(before) is not { } old || FlattenYaml(after) is not { } now) return null;
        return Compare(old, now, path => path.Any(HostSecrets.IsSensitiveName));
    }

    /// <summary>
    /// An environment file (<c>NAME="value"</c> lines, systemd quoting) variable by variable. A variable's value is shown
    /// only when <paramref name="plainNames"/> holds its name and the name does not itself suggest a secret; every
    /// other value (a Secret, or one the playbook does not set, such as a removed variable) is masked.
    /// </summary>
    public static IReadOnlyList<string> EnvFile(string before, string after, IReadOnlySet<string> plainNames)
    {
        ArgumentNullException.ThrowIfNull(plainNames);
        return Compare(FlattenEnv(before), FlattenEnv(after), path => !plainNames.Contains(path[0]) || HostSecrets.IsSensitiveName(path[0]));
    }

    private static List<string> Compare(
        IReadOnlyDictionary<string, (IReadOnlyList<string> Path, string Value)> before,
        IReadOnlyDictionary<string, (IReadOnlyList<string> Path, string Value)> after,
        Func<IReadOnlyList<string>, bool> secret)
    {
        var lines = new List<string>();
        foreach (var (key, (path, value)) in before)
        {
            if (!after.TryGetValue(key, out var now)) lines.Add($"- {key}: {(secret(path) ? SecretValue.Mask : value)}");
            else if (now.Value != value) lines.Add(secret(path) ? $"~ {key}: {SecretValue.Mask} changed" : $"~ {key}: {value} → {now.Value}");
        }
        foreach (var (key, (path, value)) in after)
        {
            if (!before.ContainsKey(key)) lines.Add($"+ {key}: {(secret(path) ? SecretValue.Mask : value)}");
        }
        return lines;
    }

    private static Dictionary<string, (IReadOnlyList<string> Path, string Value)>? FlattenYaml(string text)
    {
        var entries = new Dictionary<string, (IReadOnlyList<string>, string)>(StringComparer.Ordinal);
        if (text.Trim().Length == 0) return entries;
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(text));
        }
        catch (YamlException)
        {
            return null;
        }
        foreach (var document in stream.Documents) Flatten(document.RootNode, [], entries);
        return entries;
    }

    private static void Flatten(YamlNode node, List<string> path, Dictionary<string, (IReadOnlyList<string>, string)> entries)
    {
        switch (node)
        {
            case YamlMappingNode map:
                foreach (var (key, value) in map.Children) Flatten(value, [.. path, key is YamlScalarNode scalar ? scalar.Value ?? "" : key.ToString()], entries);
                break;
            case YamlSequenceNode list when list.Children.All(item => item is YamlScalarNode):
                entries[Path(path)] = (path, "[" + string.Join(", ", list.Children.Select(item => ((YamlScalarNode)item).Value)) + "]");
                break;
            case YamlSequenceNode list:
                for (var i = 0; i < list.Children.Count; i++) Flatten(list.Children[i], [.. path, $"[{i}]"], entries);
                break;
            case YamlScalarNode scalar:
                entries[Path(path)] = (path, scalar.Value ?? "");
                break;
        }
    }

    private static string Path(IEnumerable<string> path) =>
        string.Join('.', path.Select(segment => segment.StartsWith('[') || PlainKey().IsMatch(segment) ? segment : "\"" + segment.Replace("\"", "\\\"", StringComparison.Ordinal) + "\""))
            .Replace(".[", "[", StringComparison.Ordinal);

    private static Dictionary<string, (IReadOnlyList<string> Path, string Value)> FlattenEnv(string text)
    {
        var entries = new Dictionary<string, (IReadOnlyList<string>, string)>(StringComparer.Ordinal);
        foreach (var line in text.Split('\n'))
        {
            var match = EnvLine().Match(line.TrimEnd('\r'));
            if (!match.Success) continue;
            var name = match.Groups["name"].Value;
            var value = match.Groups["value"].Value.Trim();
            if (value.Length >= 2 && value[0] == '"' && value[^1] == '"') value = Unescape().Replace(value[1..^1], "$1");
            else if (value.Length >= 2 && value[0] == '\'' && value[^1] == '\'') value = value[1..^1];
            entries[name] = ([name], value);
        }
        return entries;
    }

    [GeneratedRegex("^[A-Za-z0-9_-]+$", RegexOptions.CultureInvariant)]
    private static partial Regex PlainKey();

    [GeneratedRegex(@"^\s*(?:export\s+)?(?<name>[A-Za-z_][A-Za-z0-9_]*)=(?<value>.*)$", RegexOptions.CultureInvariant)]
    private static partial Regex EnvLine();

    [GeneratedRegex(@"\\(.)", RegexOptions.CultureInvariant)]
    private static partial Regex Unescape();
}
