using System.Globalization;
using System.Text;

namespace Rke2Converge.Templates;

/// <summary>
/// Keeps a value on the line a template put it on: line breaks (including the Unicode ones YAML 1.1 honours,
/// U+0085, U+2028, U+2029) and other control characters are written as visible escapes such as <c>\n</c>.
/// Text without them is returned unchanged.
/// </summary>
internal static class SingleLine
{
    public static string Escape(string text)
    {
        if (!text.Any(NeedsEscape)) return text;
        var escaped = new StringBuilder(text.Length + 8);
        foreach (var c in text)
        {
            if (!NeedsEscape(c)) escaped.Append(c);
            else if (c == '\n') escaped.Append("\\n");
            else if (c == '\r') escaped.Append("\\r");
            else escaped.Append("\\u").Append(((int)c).ToString("X4", CultureInfo.InvariantCulture));
        }
        return escaped.ToString();
    }

    private static bool NeedsEscape(char c) => c != '\t' && (char.IsControl(c) || c is '\u2028' or '\u2029');
}
