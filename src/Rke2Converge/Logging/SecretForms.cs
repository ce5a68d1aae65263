using System.Text;
using System.Text.Encodings.Web;
using System.Text.RegularExpressions;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace Rke2Converge.Logging;

/// <summary>
/// Every spelling a secret can take between its value and a line of output: the value itself, JSON-escaped (both
/// escapers the project uses), as a YAML scalar of each style (plain, single-quoted with <c>''</c>, double-quoted with
/// escapes, literal and folded blocks), shell-quoted, systemd-env-quoted, base64, and each line of any form that spans
/// lines (a block scalar is written one indented line at a time).
/// </summary>
internal static partial class SecretForms
{
    private static readonly ScalarStyle[] YamlStyles =
        [ScalarStyle.Plain, ScalarStyle.SingleQuoted, ScalarStyle.DoubleQuoted, ScalarStyle.Literal, ScalarStyle.Folded];

    /// <summary>The distinct, non-blank forms of <paramref name="secret"/>, whole and line by line.</summary>
    public static IReadOnlyCollection<string> Of(string secret)
    {
        ArgumentNullException.ThrowIfNull(secret);
        var whole = new List<string>
        {
            secret,
            JavaScriptEncoder.Default.Encode(secret),
            JavaScriptEncoder.UnsafeRelaxedJsonEscaping.Encode(secret),
            Remote.ShellQuote.Quote(secret),
            SystemdQuoted(secret),
            Convert.ToBase64String(Encoding.UTF8.GetBytes(secret)),
        };
        foreach (var style in YamlStyles)
        {
            if (Yaml(secret, style) is { } written) whole.Add(written);
        }
        var forms = new HashSet<string>(StringComparer.Ordinal);
        foreach (var quoted in whole)
        {
            // A quoted form is registered without its quotes: masking the quotes too would turn "password": "ab" into
            // invalid JSON. The bare text inside is masked, the quotes stay.
            var form = Unquoted(quoted.Trim());
            var trimmed = form.Trim();
            if (trimmed.Length > 0) forms.Add(trimmed);
            if (!form.Contains('\n', StringComparison.Ordinal) && !form.Contains('\r', StringComparison.Ordinal)) continue;
            foreach (var line in form.Split('\n'))
            {
                var piece = line.Trim();
                if (piece.Length > 0) forms.Add(piece);
            }
        }
        return forms;
    }

    private static string Unquoted(string form) =>
        form.Length >= 2 && form[0] is '"' or '\'' && form[^1] == form[0] ? form[1..^1] : form;

    /// <summary>Inside double quotes in a systemd environment file: backslash escapes <c>"</c> and <c>\</c> (as EnvFile writes).</summary>
    public static string SystemdQuoted(string value) =>
        value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal);

    /// <summary>The scalar as YamlDotNet's emitter writes it in one style (null when the style cannot hold the value).</summary>
    private static string? Yaml(string value, ScalarStyle style)
    {
        try
        {
            using var writer = new StringWriter();
            var emitter = new Emitter(writer);
            emitter.Emit(new StreamStart());
            emitter.Emit(new DocumentStart(null, null, isImplicit: true));
            emitter.Emit(new Scalar(null, null, value, style, isPlainImplicit: true, isQuotedImplicit: true));
            emitter.Emit(new DocumentEnd(isImplicit: true));
            emitter.Emit(new StreamEnd());
            var text = writer.ToString();
            // A block scalar starts with its indicator line (| or >-) and a document may end with "...": neither is the value.
            var lines = text.Split('\n').Where(line => !NotValue().IsMatch(line.Trim()));
            return string.Join('\n', lines);
        }
        catch (YamlException)
        {
            return null;
        }
    }

    [GeneratedRegex(@"^(?:---\s*)?(?:[|>][-+0-9]*)?$|^\.\.\.$", RegexOptions.CultureInvariant)]
    private static partial Regex NotValue();
}
