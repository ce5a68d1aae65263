using Rke2Converge.Model;
using YamlDotNet.Core;
using YamlDotNet.Serialization;

namespace Rke2Converge.Templates;

/// <summary>Parses config.yaml as found on a node into a <see cref="ConfigMap"/> whose scalars are strings.</summary>
internal static class ConfigYamlReader
{
    private static readonly IDeserializer Deserializer = new DeserializerBuilder().Build();

    /// <exception cref="InvalidDataException">The text is not a YAML mapping; the message names <paramref name="origin"/>.</exception>
    public static ConfigMap Parse(string? yaml, string origin)
    {
        if (string.IsNullOrWhiteSpace(yaml)) return new ConfigMap();
        object? parsed;
        try
        {
            parsed = Deserializer.Deserialize<object?>(yaml);
        }
        catch (YamlException error)
        {
            throw new InvalidDataException($"{origin}: not valid YAML at line {error.Start.Line}: {error.Message}", error);
        }
        return parsed switch
        {
            null => new ConfigMap(),
            System.Collections.IDictionary => (ConfigMap)ConfigMap.Normalize(parsed)!,
            _ => throw new InvalidDataException($"{origin}: expected a YAML mapping at the top level"),
        };
    }
}
