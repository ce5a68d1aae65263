using System.Text;

namespace Rke2Sim.Cli;

/// <summary>crictl's (and kubectl's) tab-aligned tables (tabwriter with 3 spaces of padding).</summary>
public static class TextTable
{
    public static string Render(IReadOnlyList<string> header, IEnumerable<IReadOnlyList<string>> rows)
    {
        var all = new List<IReadOnlyList<string>> { header };
        all.AddRange(rows);
        var widths = header.Select((_, c) => all.Max(r => r[c].Length)).ToArray();
        var builder = new StringBuilder();
        foreach (var row in all)
        {
            for (var c = 0; c < row.Count; c++)
            {
                builder.Append(c == row.Count - 1 ? row[c] : row[c].PadRight(widths[c] + 3));
            }
            builder.Append('\n');
        }
        return builder.ToString();
    }

    /// <summary>kubectl's short duration format (5s, 3m20s, 45m, 2h10m, 3d4h, 12d).</summary>
    public static string Age(TimeSpan age)
    {
        if (age < TimeSpan.Zero) age = TimeSpan.Zero;
        var seconds = (long)age.TotalSeconds;
        if (seconds < 120) return $"{seconds}s";
        var minutes = seconds / 60;
        if (minutes < 10) return seconds % 60 == 0 ? $"{minutes}m" : $"{minutes}m{seconds % 60}s";
        if (minutes < 180) return $"{minutes}m";
        var hours = minutes / 60;
        if (hours < 8) return minutes % 60 == 0 ? $"{hours}h" : $"{hours}h{minutes % 60}m";
        if (hours < 48) return $"{hours}h";
        var days = hours / 24;
        if (days < 8) return hours % 24 == 0 ? $"{days}d" : $"{days}d{hours % 24}h";
        return $"{days}d";
    }
}
