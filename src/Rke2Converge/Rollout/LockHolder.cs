using System.Globalization;
using System.Text;

namespace Rke2Converge.Rollout;

/// <summary>
/// Who holds a host's lock: the run's id, the local user, the machine rke2c runs on, its pid, when it started and
/// what it runs. Stored as <c>key=value</c> lines; values never contain a newline.
/// </summary>
internal sealed record LockHolder(string Run, string User, string Machine, int Pid, DateTimeOffset? Since, string Command)
{
    /// <summary>A lock older than this is reported stale even when its holder runs on another machine.</summary>
    public static readonly TimeSpan StaleAfter = TimeSpan.FromHours(24);

    // The kernel's process start time is coarse; a holder always starts well before it writes the lock.
    private static readonly TimeSpan StartTimeSlack = TimeSpan.FromSeconds(2);

    /// <summary>The holder this process writes.</summary>
    public static LockHolder ForThisProcess(string command)
    {
        var now = DateTimeOffset.UtcNow;
        // Whole milliseconds, as the lock file stores it, so the holder reads back equal.
        var since = new DateTimeOffset(now.Ticks - (now.Ticks % TimeSpan.TicksPerMillisecond), TimeSpan.Zero);
        return new(Guid.NewGuid().ToString("N"), Environment.UserName, Environment.MachineName, Environment.ProcessId, since, command);
    }

    public string Format() => new StringBuilder()
        .Append("run=").Append(OneLine(Run)).Append('\n')
        .Append("user=").Append(OneLine(User)).Append('\n')
        .Append("machine=").Append(OneLine(Machine)).Append('\n')
        .Append("pid=").Append(Pid.ToString(CultureInfo.InvariantCulture)).Append('\n')
        .Append("since=").Append(Since?.ToUniversalTime().ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture) ?? "").Append('\n')
        .Append("command=").Append(OneLine(Command)).Append('\n')
        .ToString();

    /// <summary>Reads a lock file's content; fields it does not find stay empty, so a damaged lock is still reported.</summary>
    public static LockHolder Parse(string text)
    {
        var fields = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var line in text.Split('\n'))
        {
            var equals = line.IndexOf('=', StringComparison.Ordinal);
            if (equals > 0) fields.TryAdd(line[..equals].Trim(), line[(equals + 1)..].Trim());
        }
        string Field(string key) => fields.TryGetValue(key, out var value) ? value : "";
        var pid = int.TryParse(Field("pid"), NumberStyles.None, CultureInfo.InvariantCulture, out var p) ? p : 0;
        DateTimeOffset? since = DateTimeOffset.TryParse(Field("since"), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var s) ? s : null;
        return new LockHolder(Field("run"), Field("user"), Field("machine"), pid, since, Field("command"));
    }

    /// <summary><c>ops@laptop, pid 4242, since 2026-11-29 22:40:00Z, running `rke2c apply site.csx`</c></summary>
    public string Describe()
    {
        var who = $"{Unknown(User)}@{Unknown(Machine)}";
        var pid = Pid > 0 ? $", pid {Pid.ToString(CultureInfo.InvariantCulture)}" : "";
        var since = Since is { } s ? $", since {s.ToUniversalTime().ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture)}Z" : "";
        var command = Command.Length > 0 ? $", running `{Command}`" : "";
        return who + pid + since + command;
    }

    /// <summary>
    /// Why the lock looks abandoned, or null while its holder may still be running: its process is gone from this
    /// machine (or the pid now belongs to a process started after the lock was taken), or the lock is older than
    /// <see cref="StaleAfter"/> by the host's clock.
    /// </summary>
    public string? StaleReason(TimeSpan age, string thisMachine, Func<int, DateTimeOffset?> processStartTime)
    {
        ArgumentNullException.ThrowIfNull(processStartTime);
        if (Pid > 0 && string.Equals(Machine, thisMachine, StringComparison.OrdinalIgnoreCase))
        {
            var started = processStartTime(Pid);
            if (started is null) return $"process {Pid.ToString(CultureInfo.InvariantCulture)} is no longer running on this machine";
            if (Since is { } since && started > since + StartTimeSlack) return $"pid {Pid.ToString(CultureInfo.InvariantCulture)} now belongs to a process started after the lock was taken";
            return null;
        }
        return age >= StaleAfter ? $"it was taken {FormatAge(age)} ago, more than {StaleAfter.TotalHours.ToString(CultureInfo.InvariantCulture)} hours" : null;
    }

    public static string FormatAge(TimeSpan age) => age switch
    {
        { TotalMinutes: < 2 } => $"{(int)age.TotalSeconds}s",
        { TotalHours: < 2 } => $"{(int)age.TotalMinutes}m",
        { TotalDays: < 2 } => $"{(int)age.TotalHours}h",
        _ => $"{(int)age.TotalDays}d",
    };

    private static string OneLine(string value) => value.Replace('\n', ' ').Replace('\r', ' ');

    private static string Unknown(string value) => value.Length > 0 ? value : "?";
}
