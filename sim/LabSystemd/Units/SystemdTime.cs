using System.Globalization;

namespace LabSystemd.Units;

/// <summary>systemd time spans ("5s", "1min 30s", "90", "infinity") and its timestamp format.</summary>
public static class SystemdTime
{
    /// <summary>What "infinity" (and TimeoutStartSec=0) means here: long, but still bounded.</summary>
    public static readonly TimeSpan Infinity = TimeSpan.FromHours(6);

    private static readonly (string Suffix, double Seconds)[] Units =
    [
        ("usec", 1e-6), ("us", 1e-6), ("msec", 1e-3), ("ms", 1e-3),
        ("seconds", 1), ("second", 1), ("sec", 1), ("s", 1),
        ("minutes", 60), ("minute", 60), ("min", 60), ("m", 60),
        ("hours", 3600), ("hour", 3600), ("hr", 3600), ("h", 3600),
        ("days", 86400), ("day", 86400), ("d", 86400),
    ];

    /// <summary>Parses a span; a bare number is seconds. Returns null when the text is not a span.</summary>
    public static TimeSpan? ParseSpan(string text)
    {
        var trimmed = text.Trim();
        if (trimmed.Length == 0) return null;
        if (trimmed == "infinity") return Infinity;
        double total = 0;
        var i = 0;
        while (i < trimmed.Length)
        {
            while (i < trimmed.Length && char.IsWhiteSpace(trimmed[i])) i++;
            var start = i;
            while (i < trimmed.Length && (char.IsDigit(trimmed[i]) || trimmed[i] == '.')) i++;
            if (start == i) return null;
            var number = double.Parse(trimmed[start..i], CultureInfo.InvariantCulture);
            while (i < trimmed.Length && char.IsWhiteSpace(trimmed[i])) i++;
            var unitStart = i;
            while (i < trimmed.Length && char.IsLetter(trimmed[i])) i++;
            var unit = trimmed[unitStart..i];
            if (unit.Length == 0) { total += number; continue; }
            var match = Array.FindIndex(Units, u => u.Suffix == unit);
            if (match < 0) return null;
            total += number * Units[match].Seconds;
        }
        return TimeSpan.FromSeconds(total);
    }

    /// <summary>A timeout where 0 and "infinity" mean "no limit" (capped at <see cref="Infinity"/>).</summary>
    public static TimeSpan ParseTimeout(string text, TimeSpan fallback)
    {
        var span = ParseSpan(text);
        if (span is null) return fallback;
        return span.Value == TimeSpan.Zero || span.Value > Infinity ? Infinity : span.Value;
    }

    /// <summary>How systemctl show prints spans: "5s", "1min 30s", "infinity".</summary>
    public static string FormatSpan(TimeSpan span)
    {
        if (span >= Infinity) return "infinity";
        if (span == TimeSpan.Zero) return "0";
        var parts = new List<string>();
        if (span.Days > 0) parts.Add($"{span.Days}d");
        if (span.Hours > 0) parts.Add($"{span.Hours}h");
        if (span.Minutes > 0) parts.Add($"{span.Minutes}min");
        if (span.Seconds > 0) parts.Add($"{span.Seconds}s");
        if (span.Milliseconds > 0) parts.Add($"{span.Milliseconds}ms");
        return string.Join(' ', parts);
    }

    /// <summary>"Sun 2026-11-22 10:00:00 UTC" (the lab runs in UTC).</summary>
    public static string FormatTimestamp(DateTimeOffset? timestamp) =>
        timestamp is null ? "" : timestamp.Value.UtcDateTime.ToString("ddd yyyy-MM-dd HH:mm:ss 'UTC'", CultureInfo.InvariantCulture);
}
