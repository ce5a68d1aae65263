using System.Text;

namespace Rke2Converge.Remote;

/// <summary>
/// Quotes words for a POSIX shell. Everything except a plain safe word is wrapped in single quotes, inside which
/// the shell interprets nothing; an embedded single quote becomes <c>'\''</c> (close, escaped quote, reopen).
/// </summary>
internal static class ShellQuote
{
    /// <summary>The one word <paramref name="value"/> as a POSIX shell sees it after quote removal.</summary>
    public static string Quote(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (value.Contains('\0'))
        {
            throw new ArgumentException("a shell word cannot contain a NUL character", nameof(value));
        }
        if (value.Length > 0 && value.All(IsSafe)) return value;

        var quoted = new StringBuilder(value.Length + 2);
        quoted.Append('\'');
        foreach (var c in value)
        {
            if (c == '\'') quoted.Append(@"'\''");
            else quoted.Append(c);
        }
        return quoted.Append('\'').ToString();
    }

    /// <summary>The words quoted and joined with single spaces.</summary>
    public static string Join(IEnumerable<string> values) => string.Join(' ', values.Select(Quote));

    // Characters no POSIX shell treats specially in any position of an argument word. '=' and '~' are left out
    // because they can mean assignment and tilde expansion.
    private static bool IsSafe(char c) =>
        c is (>= 'a' and <= 'z') or (>= 'A' and <= 'Z') or (>= '0' and <= '9')
            or '_' or '-' or '.' or '/' or ',' or ':' or '+' or '@' or '%';
}
