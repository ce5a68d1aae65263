using System.Collections;
using System.Globalization;
using System.Text;
using YamlDotNet.Core;
using YamlDotNet.Serialization;

namespace Rke2Converge.Templates;

/// <summary>
/// One value as a YAML scalar (or a flow sequence of them) on a single line, for templates: <c>{{ name | yaml }}</c>.
/// As the YAML serializer writes it when that is one line and reads back unchanged in block and flow context,
/// double-quoted with escapes otherwise,
/// so a value can never end its line or start a key.
/// </summary>
internal static class YamlScalar
{
    private static readonly ISerializer Serializer = new SerializerBuilder().WithQuotingNecessaryStrings(quoteYaml1_1Strings: true).Build();
    private static readonly IDeserializer Deserializer = new DeserializerBuilder().Build();

    public static string Of(object? value) => value switch
    {
        null => "null",
        bool flag => flag ? "true" : "false",
        string text => Text(text),
        VerbatimText verbatim => Text(verbatim.Text),
        IFormattable number when IsNumber(number) => number.ToString(null, CultureInfo.InvariantCulture),
        IEnumerable items => "[" + string.Join(", ", items.Cast<object?>().Select(Of)) + "]",
        _ => Text(Convert.ToString(value, CultureInfo.InvariantCulture) ?? ""),
    };

    private static bool IsNumber(IFormattable value) =>
        value is sbyte or byte or short or ushort or int or uint or long or ulong or decimal
        || value is double real && double.IsFinite(real) || value is float single && float.IsFinite(single);

    private static string Text(string text)
    {
        var serialized = Serializer.Serialize(text);
        var single = serialized.EndsWith('\n') ? serialized[..^1] : serialized;
        return SingleLine.Escape(single) == single && ReadsBackAs(single, text) && !GoYamlPlainScalar.ReadsAsNonString(single) ? single : DoubleQuoted(text);
    }

    // Checked in block and in flow context, so the scalar is one value wherever a template puts it.
    private static bool ReadsBackAs(string yaml, string text)
    {
        try
        {
            return Deserializer.Deserialize<object?>(yaml) is string read && read == text
                && Deserializer.Deserialize<object?>($"[{yaml}]") is List<object?> { Count: 1 } list && list[0] is string item && item == text;
        }
        catch (YamlException)
        {
            return false;
        }
    }

    private static string DoubleQuoted(string text)
    {
        var quoted = new StringBuilder(text.Length + 2).Append('"');
        foreach (var c in text)
        {
            quoted.Append(c switch
            {
                '"' => "\\\"",
                '\\' => "\\\\",
                '\n' => "\\n",
                '\r' => "\\r",
                '\t' => "\\t",
                '\0' => "\\0",
                '\u0085' => "\\N",
                '\u2028' => "\\L",
                '\u2029' => "\\P",
                '\uFEFF' => "\\uFEFF",
                _ when char.IsControl(c) => "\\x" + ((int)c).ToString("X2", CultureInfo.InvariantCulture),
                _ => c.ToString(),
            });
        }
        return quoted.Append('"').ToString();
    }
}
