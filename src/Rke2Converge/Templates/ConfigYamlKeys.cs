using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace Rke2Converge.Templates;

/// <summary>One top-level key of a YAML mapping and the line it is on (1-based).</summary>
internal sealed record YamlKeyAt(string Key, int Line);

/// <summary>
/// The top-level keys of config.yaml in document order, duplicates included: a mapping with a key twice reads as
/// one entry in a dictionary, but RKE2's parser (k3s configfilearg, a yaml.MapSlice) sees both, the last winning.
/// </summary>
internal static class ConfigYamlKeys
{
    /// <exception cref="InvalidDataException">Not YAML, or not a mapping at the top level; the message names <paramref name="origin"/>.</exception>
    public static IReadOnlyList<YamlKeyAt> Read(string yaml, string origin)
    {
        var keys = new List<YamlKeyAt>();
        var parser = new Parser(new StringReader(yaml ?? ""));
        var depth = 0;
        var expectKey = true;
        try
        {
            while (parser.MoveNext())
            {
                switch (parser.Current)
                {
                    case SequenceStart when depth == 0:
                        throw new InvalidDataException($"{origin}: expected a YAML mapping at the top level");
                    case MappingStart or SequenceStart:
                        depth++;
                        break;
                    case MappingEnd or SequenceEnd:
                        depth--;
                        if (depth == 1) expectKey = true;
                        break;
                    case Scalar scalar when depth == 1 && expectKey:
                        keys.Add(new YamlKeyAt(scalar.Value, (int)scalar.Start.Line));
                        expectKey = false;
                        break;
                    case Scalar or AnchorAlias when depth == 1:
                        expectKey = true;
                        break;
                    case Scalar when depth == 0:
                        throw new InvalidDataException($"{origin}: expected a YAML mapping at the top level");
                }
            }
        }
        catch (YamlException error)
        {
            throw new InvalidDataException($"{origin}: not valid YAML at line {error.Start.Line}", error);
        }
        return keys;
    }
}
