namespace Rke2Converge.Resources;

/// <summary>A line diff for the plan: <c>- old</c> / <c>+ new</c> lines around the longest common subsequence, unchanged lines left out.</summary>
internal static class TextDiff
{
    /// <summary>Beyond this many lines on either side the plan shows a count instead of a diff.</summary>
    public const int MaxLines = 2000;

    /// <summary>At most this many diff lines are shown; the rest is summarised.</summary>
    public const int MaxShown = 40;

    public static IReadOnlyList<string> Lines(string before, string after)
    {
        var a = Split(before);
        var b = Split(after);
        if (a.Length > MaxLines || b.Length > MaxLines) return [$"content changed ({a.Length} → {b.Length} lines)"];
        var lcs = new int[a.Length + 1, b.Length + 1];
        for (var i = a.Length - 1; i >= 0; i--)
        {
            for (var j = b.Length - 1; j >= 0; j--)
            {
                lcs[i, j] = a[i] == b[j] ? lcs[i + 1, j + 1] + 1 : Math.Max(lcs[i + 1, j], lcs[i, j + 1]);
            }
        }
        var diff = new List<string>();
        int x = 0, y = 0;
        while (x < a.Length || y < b.Length)
        {
            if (x < a.Length && y < b.Length && a[x] == b[y]) { x++; y++; }
            else if (x < a.Length && (y == b.Length || lcs[x + 1, y] >= lcs[x, y + 1])) diff.Add("- " + a[x++]);
            else diff.Add("+ " + b[y++]);
        }
        return diff.Count <= MaxShown ? diff : [.. diff.Take(MaxShown), $"… {diff.Count - MaxShown} more changed lines"];
    }

    private static string[] Split(string text) =>
        text.Length == 0 ? [] : text.TrimEnd('\n').Split('\n');
}
