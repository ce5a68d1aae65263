using System.Globalization;
using System.Runtime.InteropServices;

namespace LabSystemd.State;

/// <summary>Small /proc and signal helpers.</summary>
public static partial class ProcessInfo
{
    public const int SigKill = 9;
    public const int SigTerm = 15;

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int SysKill(int pid, int signal);

    /// <summary>Sends a signal to a pid (or, negative, to a process group). False when there is no such process.</summary>
    public static bool Signal(int pid, int signal) => pid != 0 && pid != -1 && SysKill(pid, signal) == 0;

    /// <summary>The process's start time in clock ticks since boot (field 22 of /proc/PID/stat), or 0.</summary>
    public static long StartTime(int pid)
    {
        var fields = StatFields(pid);
        return fields is { Length: > 19 } ? long.Parse(fields[19], CultureInfo.InvariantCulture) : 0;
    }

    /// <summary>Alive and not a zombie, and (when given) started at the recorded time, so a reused pid does not count.</summary>
    public static bool IsSameProcess(int pid, long startTime)
    {
        var fields = StatFields(pid);
        if (fields is null || fields[0] == "Z" || fields[0] == "X") return false;
        return startTime == 0 || long.Parse(fields[19], CultureInfo.InvariantCulture) == startTime;
    }

    public static bool IsAlive(int pid) => IsSameProcess(pid, 0);

    /// <summary>Every live descendant of the pid, found by walking parent links in /proc.</summary>
    public static List<int> Descendants(int pid)
    {
        var children = new Dictionary<int, List<int>>();
        foreach (var directory in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(directory), out var candidate)) continue;
            var fields = StatFields(candidate);
            if (fields is null) continue;
            var parent = int.Parse(fields[1], CultureInfo.InvariantCulture);
            if (!children.TryGetValue(parent, out var list)) children[parent] = list = [];
            list.Add(candidate);
        }
        var result = new List<int>();
        var queue = new Queue<int>([pid]);
        while (queue.Count > 0 && result.Count < 100_000)
        {
            if (!children.TryGetValue(queue.Dequeue(), out var list)) continue;
            foreach (var child in list) { result.Add(child); queue.Enqueue(child); }
        }
        return result;
    }

    /// <summary>Fields of /proc/PID/stat after the command name: [0] is the state, [1] the parent pid.</summary>
    private static string[]? StatFields(int pid)
    {
        string text;
        try { text = File.ReadAllText($"/proc/{pid}/stat"); }
        catch (IOException) { return null; }
        catch (UnauthorizedAccessException) { return null; }
        var close = text.LastIndexOf(')');
        return close < 0 ? null : text[(close + 2)..].Split(' ');
    }
}
