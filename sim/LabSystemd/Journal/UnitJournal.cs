using LabSystemd.State;

namespace LabSystemd.Journal;

/// <summary>The journal of one unit: an append-only file under /run/rke2-sim/systemd/journal.</summary>
public sealed class UnitJournal(HostPaths paths, string unit)
{
    /// <summary>systemd's own lines about the unit carry this identifier and pid 1.</summary>
    public const string SystemdIdentifier = "systemd";

    private readonly object _gate = new();

    public string FilePath => Path.Combine(paths.JournalDirectory, unit + ".log");

    public void Append(string identifier, int pid, string message)
    {
        var line = new JournalEntry(DateTimeOffset.UtcNow, identifier, pid, message).Serialize() + "\n";
        lock (_gate)
        {
            Directory.CreateDirectory(paths.JournalDirectory);
            File.AppendAllText(FilePath, line);
        }
    }

    public void AppendSystemd(string message) => Append(SystemdIdentifier, 1, message);

    public static IEnumerable<JournalEntry> ReadAll(string file)
    {
        if (!File.Exists(file)) yield break;
        using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        using var reader = new StreamReader(stream);
        while (reader.ReadLine() is { } line)
        {
            var entry = JournalEntry.Deserialize(line);
            if (entry is not null) yield return entry;
        }
    }
}
