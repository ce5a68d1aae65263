using Rke2Converge.Model;
using YamlDotNet.Serialization;

namespace Rke2Converge.Templates;

/// <summary>Serialises a node's config map to YAML, revealing secrets: the result is written to the node only.</summary>
public static class ConfigYamlWriter
{
    private static readonly ISerializer Serializer = new SerializerBuilder()
        .WithQuotingNecessaryStrings()
        .DisableAliases()
        .Build();

    public static string ToYaml(ConfigMap config, Func<SecretSource, string> revealSecret) =>
        config.Count == 0 ? "{}\n" : Serializer.Serialize(Plain(config, revealSecret));

    private static object? Plain(object? value, Func<SecretSource, string> revealSecret) => value switch
    {
        ConfigMap map => map.Where(entry => entry.Value is not null)
            .ToDictionary(entry => entry.Key, entry => Plain(entry.Value, revealSecret)),
        IReadOnlyList<object?> list => list.Select(item => Plain(item, revealSecret)).ToList(),
        SecretSource secret => revealSecret(secret),
        _ => value,
    };
}
