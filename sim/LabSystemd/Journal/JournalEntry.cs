using System.Globalization;

namespace LabSystemd.Journal;

/// <summary>One journal line. Stored as "unixMillis TAB identifier TAB pid TAB message", one per line.</summary>
public sealed record JournalEntry(DateTimeOffset Time, string Identifier, int Pid, string Message)
{
    public string Serialize() =>
        string.Create(CultureInfo.InvariantCulture, $"{Time.ToUnixTimeMilliseconds()}\t{Identifier}\t{Pid}\t{Message.Replace('\n', ' ')}");

    public static JournalEntry? Deserialize(string line)
    {
        var parts = line.Split('\t', 4);
        if (parts.Length < 4 || !long.TryParse(parts[0], out var millis) || !int.TryParse(parts[2], out var pid)) return null;
        return new JournalEntry(DateTimeOffset.FromUnixTimeMilliseconds(millis), parts[1], pid, parts[3]);
    }

    /// <summary>journalctl's "short" format: "Nov 22 10:00:00 h3 rke2[1234]: message".</summary>
    public string FormatShort(string hostName) =>
        Time.UtcDateTime.ToString("MMM dd HH:mm:ss", CultureInfo.InvariantCulture) + $" {hostName} {Identifier}[{Pid}]: {Message}";
}
