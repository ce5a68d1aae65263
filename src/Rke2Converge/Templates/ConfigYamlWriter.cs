using Rke2Converge.Model;
using YamlDotNet.Core;
using YamlDotNet.Serialization;
using YamlDotNet.Serialization.EventEmitters;

namespace Rke2Converge.Templates;

/// <summary>Serialises a node's config map to YAML, revealing secrets: the result is written to the node only.</summary>
internal static class ConfigYamlWriter
{
    private static readonly ISerializer Serializer = new SerializerBuilder()
        .WithQuotingNecessaryStrings(quoteYaml1_1Strings: true)
        .DisableAliases()
        .WithEventEmitter(next => new EscapedLineBreaks(next))
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

    /// <summary>
    /// Strings holding a line break or control character are written double-quoted with escapes: in a block scalar a
    /// CR or a Unicode line separator would read back as a plain newline, and the node would drift on every run. So
    /// are strings RKE2's YAML parser would not read back as strings.
    /// </summary>
    private sealed class EscapedLineBreaks(IEventEmitter next) : ChainedEventEmitter(next)
    {
        public override void Emit(ScalarEventInfo eventInfo, IEmitter emitter)
        {
            if (eventInfo.Source.Value is string text && (SingleLine.Escape(text) != text || GoYamlPlainScalar.ReadsAsNonString(text)))
                eventInfo.Style = ScalarStyle.DoubleQuoted;
            base.Emit(eventInfo, emitter);
        }
    }
}
