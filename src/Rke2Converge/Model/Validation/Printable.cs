using System.Globalization;
using System.Text;

namespace Rke2Converge.Model.Validation;

/// <summary>
/// Text from a playbook or a host as it may appear in output: control characters, line breaks and the invisible
/// format characters (bidirectional overrides among them) escaped, so a hostile name or file cannot forge output
/// lines, move the cursor, set the terminal's title or make text read other than it is. C0 and C1 controls come
/// out as <c>\x1b</c>, others as <c>\u202e</c>; a backslash is left alone, so escaping twice changes nothing.
/// </summary>
internal static class Printable
{
    /// <summary>The text in single quotes, escaped: a trailing space stays visible.</summary>
    public static string Quote(string? text) => $"'{Escape(text ?? "")}'";

    /// <summary>One line: line breaks and tabs escaped too.</summary>
    public static string Escape(string text) => Escape(text, keepLines: false);

    /// <summary>
    /// For whole blocks of output (a plan, a diff, a message of several lines): line feeds and tabs are kept, since a
    /// terminal only moves to the next line or column for them; everything else <see cref="IsUnsafe"/> is escaped, CR as <c>\r</c>.
    /// </summary>
    public static string EscapeForTerminal(string text) => Escape(text, keepLines: true);

    private static string Escape(string text, bool keepLines)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (!text.Any(c => IsUnsafe(c) && !(keepLines && c is '\n' or '\t'))) return text;
        var builder = new StringBuilder(text.Length + 16);
        foreach (var c in text)
        {
            if (keepLines && c is '\n' or '\t')
            {
                builder.Append(c);
                continue;
            }
            builder.Append(c switch
            {
                '\n' => @"\n",
                '\r' => @"\r",
                '\t' => @"\t",
                _ when IsUnsafe(c) && c <= '\u00FF' => string.Create(CultureInfo.InvariantCulture, $@"\x{(int)c:x2}"),
                _ when IsUnsafe(c) => string.Create(CultureInfo.InvariantCulture, $@"\u{(int)c:x4}"),
                _ => c.ToString(),
            });
        }
        return builder.ToString();
    }

    /// <summary>C0 and C1 controls, DEL, and the characters YAML 1.1 or terminals take as line or paragraph breaks.</summary>
    /// <remarks>Format characters include the bidirectional overrides that make text read other than it is; the
    /// zero-width joiners emoji need are let through.</remarks>
    public static bool IsUnsafe(char c) =>
        char.IsControl(c) || c is '\u2028' or '\u2029'
        || (char.GetUnicodeCategory(c) == UnicodeCategory.Format && c is not ('\u200C' or '\u200D'));

    /// <summary>The first <see cref="IsUnsafe"/> character of <paramref name="text"/> that is not in <paramref name="allowed"/>.</summary>
    public static char? FirstUnsafe(string text, string allowed = "")
    {
        ArgumentNullException.ThrowIfNull(text);
        foreach (var c in text)
        {
            if (IsUnsafe(c) && !allowed.Contains(c, StringComparison.Ordinal)) return c;
        }
        return null;
    }

    /// <summary>What <paramref name="c"/> is, in words, for a message that refuses it.</summary>
    public static string Describe(char c) => c switch
    {
        '\n' => "a line break (\\n)",
        '\r' => "a carriage return (\\r)",
        '\t' => "a tab",
        _ when char.IsControl(c) => $"the control character U+{(int)c:X4}",
        '\u2028' or '\u2029' => $"the line-breaking character U+{(int)c:X4}",
        _ => $"the invisible character U+{(int)c:X4}",
    };
}
