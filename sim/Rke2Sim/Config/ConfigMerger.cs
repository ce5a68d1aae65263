using YamlDotNet.RepresentationModel;

namespace Rke2Sim.Config;

/// <summary>
/// Merges config.yaml and its drop-ins the way RKE2 (k3s configfilearg) does: files in order, the last value for a key
/// wins, and <c>key+:</c> appends to the list collected so far.
/// </summary>
public static class ConfigMerger
{
    public static Rke2Config Merge(IEnumerable<(string Name, string Text)> files)
    {
        var merged = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        var lists = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (name, text) in files)
        {
            foreach (var (rawKey, values, isList) in Parse(name, text))
            {
                var append = rawKey.EndsWith('+');
                var key = append ? rawKey[..^1] : rawKey;
                if (append && merged.TryGetValue(key, out var existing))
                {
                    existing.AddRange(values);
                }
                else
                {
                    merged[key] = [.. values];
                }
                if (isList || append) lists.Add(key);
            }
        }
        return new Rke2Config(merged.ToDictionary(kv => kv.Key, kv => (IReadOnlyList<string>)kv.Value, StringComparer.Ordinal));
    }

    /// <summary>config.yaml first, then config.yaml.d/*.yaml (and .yml) in name order.</summary>
    public static Rke2Config LoadFrom(string configFile, string dropInDirectory)
    {
        var files = new List<(string, string)>();
        if (File.Exists(configFile)) files.Add((configFile, File.ReadAllText(configFile)));
        if (Directory.Exists(dropInDirectory))
        {
            var dropIns = Directory.GetFiles(dropInDirectory)
                .Where(f => f.EndsWith(".yaml", StringComparison.Ordinal) || f.EndsWith(".yml", StringComparison.Ordinal))
                .OrderBy(f => Path.GetFileName(f), StringComparer.Ordinal);
            files.AddRange(dropIns.Select(f => (f, File.ReadAllText(f))));
        }
        return Merge(files);
    }

    private static IEnumerable<(string Key, List<string> Values, bool IsList)> Parse(string name, string text)
    {
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(text));
        }
        catch (YamlDotNet.Core.YamlException e)
        {
            throw new ConfigException($"failed to parse {name}: {e.Message}");
        }
        if (stream.Documents.Count == 0) yield break;
        if (stream.Documents[0].RootNode is not YamlMappingNode root)
        {
            if (stream.Documents[0].RootNode is YamlScalarNode { Value: null or "" }) yield break;
            throw new ConfigException($"failed to parse {name}: top level is not a mapping");
        }
        foreach (var (keyNode, valueNode) in root.Children)
        {
            var key = ((YamlScalarNode)keyNode).Value ?? "";
            switch (valueNode)
            {
                case YamlSequenceNode sequence:
                    yield return (key, sequence.Children.Select(ScalarText).ToList(), true);
                    break;
                case YamlScalarNode scalar:
                    yield return (key, [scalar.Value ?? ""], false);
                    break;
                default:
                    throw new ConfigException($"failed to parse {name}: value of {key} is not a scalar or list");
            }
        }
    }

    private static string ScalarText(YamlNode node) => node is YamlScalarNode s ? s.Value ?? "" : node.ToString();
}

public sealed class ConfigException(string message) : Exception(message);
