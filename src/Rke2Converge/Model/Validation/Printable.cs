using System.Globalization;
using System.Text;

namespace Rke2Converge.Model.Validation;

/// <summary>
/// Text from a playbook as it may appear in a message: quoted, with control and line-break characters escaped, so
/// a hostile name cannot forge output lines or move the cursor, and a trailing space stays visible.
/// </summary>
internal static class Printable
{
    public static string Quote(string? text) => $"'{Escape(text ?? "")}'";

    public static string Escape(string text)
    {
        var builder = new StringBuilder(text.Length);
        foreach (var c in text)
        {
            builder.Append(c switch
            {
                '\n' => @"\n",
                '\r' => @"\r",
                '\t' => @"\t",
                _ when IsUnsafe(c) => $@"\u{(int)c:X4}",
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
        foreach (var c in text)
        {
            if (IsUnsafe(c) && !allowed.Contains(c, StringComparison.Ordinal)) return c;
        }
        return null;
    }

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
