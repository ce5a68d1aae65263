using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Rke2Converge.Model;

namespace Rke2Converge.Logging;

/// <summary>
/// The one redaction path: knows every secret value resolved in this run and every secret value read from a host
/// (<see cref="RegisterHostFile"/>), each in every form <see cref="SecretForms"/> lists, and masks them in any text.
/// Secrets are registered the moment they are resolved or parsed, before anything could print them. A form of at least
/// <see cref="ShortLength"/> characters is masked wherever it occurs; a shorter one only where it stands as a whole
/// value (see <see cref="ShortValue"/>), so a three-letter password does not blank every word that contains it.
/// </summary>
internal sealed class SecretRedactor
{
    /// <summary>Forms shorter than this are masked only where they are a whole value.</summary>
    public const int ShortLength = 4;

    private readonly Lock _gate = new();
    private readonly HashSet<string> _known = new(StringComparer.Ordinal);
    private List<string> _long = [];
    private Regex? _short;

    /// <summary>Registers a secret value in all its forms; an empty value is ignored.</summary>
    public void Register(string secret)
    {
        ArgumentNullException.ThrowIfNull(secret);
        if (secret.Trim().Length == 0) return;
        lock (_gate)
        {
            var added = false;
            foreach (var form in SecretForms.Of(secret)) added |= _known.Add(form);
            if (added) Rebuild();
        }
    }

    /// <summary>Registers every secret value <see cref="HostSecrets"/> finds in a file read from a host (or about to be written to one).</summary>
    public void RegisterHostFile(string content)
    {
        ArgumentNullException.ThrowIfNull(content);
        foreach (var secret in HostSecrets.Find(content)) Register(secret);
    }

    public string Redact(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        List<string> forms;
        Regex? shortForms;
        lock (_gate)
        {
            forms = _long;
            shortForms = _short;
        }
        foreach (var form in forms) text = text.Replace(form, SecretValue.Mask, StringComparison.Ordinal);
        return shortForms is null ? text : shortForms.Replace(text, SecretValue.Mask);
    }

    /// <summary>
    /// Like <see cref="Redact"/>, but a text that is one JSON document is masked value by value (every string and property
    /// name), so it stays valid JSON even when a secret is spelled like a number or <c>true</c>; other text as
    /// <see cref="Redact"/> does.
    /// </summary>
    public string RedactDocument(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var body = text.TrimEnd('\n', '\r');
        if (body.TrimStart() is not ['{' or '[', ..]) return Redact(text);
        JsonNode? document;
        try
        {
            document = JsonNode.Parse(body);
        }
        catch (JsonException)
        {
            return Redact(text);
        }
        var indented = body.Contains("\n ", StringComparison.Ordinal);
        var masked = RedactNode(document)?.ToJsonString(new JsonSerializerOptions { WriteIndented = indented }) ?? "null";
        return masked + text[body.Length..];
    }

    private JsonNode? RedactNode(JsonNode? node) => node switch
    {
        JsonObject map => RedactObject(map),
        JsonArray list => new JsonArray([.. list.Select(RedactNode)]),
        JsonValue value when value.GetValueKind() == JsonValueKind.String => JsonValue.Create(Redact(value.GetValue<string>())),
        null => null,
        _ => node.DeepClone(),
    };

    private JsonObject RedactObject(JsonObject map)
    {
        var masked = new JsonObject();
        foreach (var (key, value) in map)
        {
            var name = Redact(key);
            // Two names masked alike stay two properties.
            for (var n = 2; masked.ContainsKey(name); n++) name = $"{Redact(key)} {n}";
            masked[name] = RedactNode(value);
        }
        return masked;
    }

    private void Rebuild()
    {
        // Longest first, so a secret that is a prefix of another never leaves the other's tail behind.
        _long = [.. _known.Where(form => form.Length >= ShortLength).OrderByDescending(form => form.Length).ThenBy(form => form, StringComparer.Ordinal)];
        var shorts = _known.Where(form => form.Length < ShortLength).OrderByDescending(form => form.Length).ThenBy(form => form, StringComparer.Ordinal).ToList();
        _short = shorts.Count == 0 ? null : ShortValue(shorts);
    }

    /// <summary>
    /// Where a short form counts as a whole value: the whole of a line (indentation and a list dash aside); after
    /// <c>:</c>, <c>=</c> or a <c>--flag</c> up to the end of the line, a closing quote, a comma, a bracket or the next
    /// <c>-flag</c>; or a
    /// whole quoted string (<c>"ab"</c>, <c>'ab'</c>), which is how JSON writes every string value.
    /// </summary>
    private static Regex ShortValue(IEnumerable<string> forms)
    {
        var alternatives = string.Join('|', forms.Select(Regex.Escape));
        var before = @"(?:^[ \t]*(?:-[ \t]+)?|[:=][ \t]*|--[A-Za-z0-9-]+[ \t]+)[""']?|""|'";
        var after = @"[""']?[ \t]*(?:$|[,}\]\r])|""|'|[ \t]+-";
        return new Regex($"(?<=(?:{before}))(?:{alternatives})(?=(?:{after}))", RegexOptions.Multiline | RegexOptions.CultureInvariant, TimeSpan.FromSeconds(2));
    }
}
