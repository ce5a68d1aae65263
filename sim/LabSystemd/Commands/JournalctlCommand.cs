using System.Globalization;
using LabSystemd.Journal;
using LabSystemd.State;
using LabSystemd.Units;

namespace LabSystemd.Commands;

/// <summary>journalctl -u UNIT [-n N] [-o cat|short] [--since ...] [--no-pager]: reads the per-unit journal files.</summary>
public sealed class JournalctlCommand(HostPaths paths, TextWriter stdout, TextWriter stderr)
{
    public int Run(IReadOnlyList<string> args, DateTimeOffset now)
    {
        var units = new List<string>();
        int? lines = null;
        var output = "short";
        DateTimeOffset? since = null;
        DateTimeOffset? until = null;
        try
        {
            for (var i = 0; i < args.Count; i++)
            {
                var arg = args[i];
                string Next() => i + 1 < args.Count ? args[++i] : throw new ArgumentException($"option '{arg}' requires an argument");
                switch (arg)
                {
                    case "-h" or "--help":
                        stdout.WriteLine("journalctl [OPTIONS...] [MATCHES...]");
                        stdout.WriteLine();
                        stdout.WriteLine("Query the journal.");
                        return 0;
                    case "-u" or "--unit": units.Add(UnitNames.Normalize(Next())); break;
                    case "-n" or "--lines": lines = ParseLines(Next()); break;
                    case "-o" or "--output": output = Next(); break;
                    case "-S" or "--since": since = ParseTime(Next(), now); break;
                    case "-U" or "--until": until = ParseTime(Next(), now); break;
                    case "-e" or "--pager-end": lines ??= 1000; break;
                    case "-f" or "--follow": throw new ArgumentException("--follow is not supported by the lab journal");
                    case "--no-pager" or "-q" or "--quiet" or "-x" or "--catalog" or "-b" or "--boot" or "--utc" or "--no-hostname" or "--system" or "-a" or "--all" or "-l" or "--full":
                        break;
                    default:
                        if (arg.StartsWith("--unit=", StringComparison.Ordinal)) units.Add(UnitNames.Normalize(arg[7..]));
                        else if (arg.StartsWith("--lines=", StringComparison.Ordinal)) lines = ParseLines(arg[8..]);
                        else if (arg.StartsWith("--output=", StringComparison.Ordinal)) output = arg[9..];
                        else if (arg.StartsWith("--since=", StringComparison.Ordinal)) since = ParseTime(arg[8..], now);
                        else if (arg.StartsWith("--until=", StringComparison.Ordinal)) until = ParseTime(arg[8..], now);
                        else if (arg.StartsWith("-n", StringComparison.Ordinal) && arg.Length > 2) lines = ParseLines(arg[2..]);
                        else if (arg.StartsWith("-u", StringComparison.Ordinal) && arg.Length > 2) units.Add(UnitNames.Normalize(arg[2..]));
                        else if (arg.StartsWith("-xe", StringComparison.Ordinal) || arg.StartsWith("-xeu", StringComparison.Ordinal)) { }
                        else throw new ArgumentException($"unrecognized option '{arg}'");
                        break;
                }
            }
            if (output is not ("short" or "cat" or "short-iso" or "short-precise")) throw new ArgumentException($"Unsupported output format '{output}'");
        }
        catch (ArgumentException e) { stderr.WriteLine($"journalctl: {e.Message}"); return 1; }
        catch (FormatException e) { stderr.WriteLine($"journalctl: {e.Message}"); return 1; }

        var files = units.Count > 0
            ? units.Select(u => new UnitJournal(paths, u).FilePath)
            : Directory.Exists(paths.JournalDirectory) ? Directory.EnumerateFiles(paths.JournalDirectory, "*.log") : [];
        var entries = files.SelectMany(UnitJournal.ReadAll)
            .Where(e => since is null || e.Time >= since)
            .Where(e => until is null || e.Time <= until)
            .OrderBy(e => e.Time)
            .ToList();
        if (lines is { } n) entries = entries.TakeLast(n).ToList();
        if (entries.Count == 0)
        {
            stdout.WriteLine("-- No entries --");
            return 0;
        }
        var host = paths.HostName();
        foreach (var entry in entries)
        {
            stdout.WriteLine(output switch
            {
                "cat" => entry.Message,
                "short-iso" => entry.Time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ssK", CultureInfo.InvariantCulture) + $" {host} {entry.Identifier}[{entry.Pid}]: {entry.Message}",
                "short-precise" => entry.Time.UtcDateTime.ToString("MMM dd HH:mm:ss.ffffff", CultureInfo.InvariantCulture) + $" {host} {entry.Identifier}[{entry.Pid}]: {entry.Message}",
                _ => entry.FormatShort(host),
            });
        }
        return 0;
    }

    private static int ParseLines(string text) =>
        text == "all" ? int.MaxValue : int.Parse(text.TrimStart('+'), CultureInfo.InvariantCulture);

    /// <summary>"YYYY-MM-DD HH:MM:SS", "YYYY-MM-DD", "today", "yesterday", "now", "-5min" / "5 min ago" (UTC).</summary>
    public static DateTimeOffset ParseTime(string text, DateTimeOffset now)
    {
        var t = text.Trim();
        switch (t)
        {
            case "now": return now;
            case "today": return new DateTimeOffset(now.UtcDateTime.Date, TimeSpan.Zero);
            case "yesterday": return new DateTimeOffset(now.UtcDateTime.Date.AddDays(-1), TimeSpan.Zero);
            case "tomorrow": return new DateTimeOffset(now.UtcDateTime.Date.AddDays(1), TimeSpan.Zero);
        }
        if (t.StartsWith('-') && SystemdTime.ParseSpan(t[1..]) is { } back) return now - back;
        if (t.StartsWith('+') && SystemdTime.ParseSpan(t[1..]) is { } ahead) return now + ahead;
        if (t.EndsWith(" ago", StringComparison.Ordinal) && SystemdTime.ParseSpan(t[..^4]) is { } ago) return now - ago;
        string[] formats = ["yyyy-MM-dd HH:mm:ss", "yyyy-MM-dd HH:mm", "yyyy-MM-dd", "yyyy-MM-dd'T'HH:mm:ss", "yyyy-MM-dd HH:mm:ss.ffffff", "HH:mm:ss"];
        var withoutZone = t.EndsWith(" UTC", StringComparison.Ordinal) ? t[..^4] : t;
        if (DateTime.TryParseExact(withoutZone, formats, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var parsed))
        {
            if (withoutZone.Length == 8) parsed = now.UtcDateTime.Date + parsed.TimeOfDay;
            return new DateTimeOffset(parsed, TimeSpan.Zero);
        }
        throw new FormatException($"Failed to parse timestamp: {text}");
    }
}
