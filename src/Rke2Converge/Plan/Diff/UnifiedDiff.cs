using System.Globalization;
using System.Text;

namespace Rke2Converge.Plan.Diff;

/// <summary>
/// A line diff in the unified format of <c>diff -u</c> (three lines of context), for showing what a file write would
/// change. Files rke2c writes are small, so a plain longest-common-subsequence table is enough.
/// </summary>
internal static class UnifiedDiff
{
    private const int Context = 3;

    private enum Op
    {
        Keep,
        Remove,
        Add,
    }

    /// <summary>The diff of <paramref name="before"/> (null: the file does not exist) to <paramref name="after"/>; empty when equal.</summary>
    public static string Create(string path, string? before, string after)
    {
        var oldLines = SplitLines(before ?? "");
        var newLines = SplitLines(after);
        var script = EditScript(oldLines, newLines);
        if (script.All(edit => edit.Op == Op.Keep)) return "";

        var text = new StringBuilder();
        text.Append("--- ").Append(before is null ? "/dev/null" : path).Append('\n');
        text.Append("+++ ").Append(path).Append('\n');
        foreach (var (start, end) in Hunks(script)) AppendHunk(text, script, start, end);
        return text.ToString();
    }

    private static string[] SplitLines(string text)
    {
        if (text.Length == 0) return [];
        var lines = text.Split('\n');
        return text.EndsWith('\n') ? lines[..^1] : lines;
    }

    private readonly record struct Edit(Op Op, string Line, int OldIndex, int NewIndex);

    private static List<Edit> EditScript(string[] oldLines, string[] newLines)
    {
        // common[i, j] = length of the longest common subsequence of oldLines[i..] and newLines[j..].
        var common = new int[oldLines.Length + 1, newLines.Length + 1];
        for (var i = oldLines.Length - 1; i >= 0; i--)
        {
            for (var j = newLines.Length - 1; j >= 0; j--)
            {
                common[i, j] = oldLines[i] == newLines[j] ? common[i + 1, j + 1] + 1 : Math.Max(common[i + 1, j], common[i, j + 1]);
            }
        }
        var script = new List<Edit>();
        int o = 0, n = 0;
        while (o < oldLines.Length || n < newLines.Length)
        {
            if (o < oldLines.Length && n < newLines.Length && oldLines[o] == newLines[n])
            {
                script.Add(new Edit(Op.Keep, oldLines[o], o++, n++));
            }
            // At a change, removals come before additions, as diff -u prints them.
            else if (n == newLines.Length || (o < oldLines.Length && common[o + 1, n] >= common[o, n + 1]))
            {
                script.Add(new Edit(Op.Remove, oldLines[o], o++, n));
            }
            else
            {
                script.Add(new Edit(Op.Add, newLines[n], o, n++));
            }
        }
        return script;
    }

    /// <summary>Ranges of the edit script to print: each change with its context, ranges closer than twice the context merged.</summary>
    private static List<(int Start, int End)> Hunks(List<Edit> script)
    {
        var hunks = new List<(int Start, int End)>();
        for (var i = 0; i < script.Count; i++)
        {
            if (script[i].Op == Op.Keep) continue;
            var start = Math.Max(0, i - Context);
            var end = Math.Min(script.Count, i + Context + 1);
            if (hunks.Count > 0 && start <= hunks[^1].End) hunks[^1] = (hunks[^1].Start, end);
            else hunks.Add((start, end));
        }
        return hunks;
    }

    private static void AppendHunk(StringBuilder text, List<Edit> script, int start, int end)
    {
        var slice = script.GetRange(start, end - start);
        var oldCount = slice.Count(edit => edit.Op != Op.Add);
        var newCount = slice.Count(edit => edit.Op != Op.Remove);
        // diff -u numbers an empty side by the line before it.
        var oldStart = oldCount == 0 ? slice[0].OldIndex : slice[0].OldIndex + 1;
        var newStart = newCount == 0 ? slice[0].NewIndex : slice[0].NewIndex + 1;
        text.Append(CultureInfo.InvariantCulture, $"@@ -{Range(oldStart, oldCount)} +{Range(newStart, newCount)} @@\n");
        foreach (var edit in slice)
        {
            text.Append(edit.Op switch { Op.Remove => '-', Op.Add => '+', _ => ' ' }).Append(edit.Line).Append('\n');
        }
    }

    private static string Range(int start, int count) =>
        count == 1 ? start.ToString(CultureInfo.InvariantCulture) : string.Create(CultureInfo.InvariantCulture, $"{start},{count}");
}
