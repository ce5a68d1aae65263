using System.Diagnostics;
using LabSystemd.Journal;
using LabSystemd.State;
using LabSystemd.Units;

namespace LabSystemd.Runner;

/// <summary>How a process ended: an exit code, or the signal that killed it.</summary>
public sealed record ProcessExit(int Code, int Signal)
{
    /// <summary>systemd's exit code for "the executable could not be run".</summary>
    public const int ExecFailure = 203;

    public bool Success => Code == 0 && Signal == 0;

    /// <summary>"code=exited, status=1/FAILURE" or "code=killed, status=15/TERM", as systemd logs it.</summary>
    public string Describe() => Signal != 0
        ? $"code=killed, status={Signal}/{SignalName(Signal)}"
        : $"code=exited, status={Code}/{Code switch { 0 => "SUCCESS", ExecFailure => "EXEC", _ => "FAILURE" }}";

    public static string SignalName(int signal) => signal switch
    {
        1 => "HUP", 2 => "INT", 6 => "ABRT", 9 => "KILL", 11 => "SEGV", 13 => "PIPE", 15 => "TERM", _ => signal.ToString(System.Globalization.CultureInfo.InvariantCulture),
    };
}

/// <summary>
/// A command of a unit, running in its own session/process group (through setsid, which keeps the pid) with its
/// output going to the unit's journal under the program's name.
/// </summary>
public sealed class ServiceProcess : IDisposable
{
    private readonly Process _process;
    private readonly TaskCompletionSource<ProcessExit> _exited = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private ServiceProcess(Process process) => _process = process;

    public int Pid => _process.Id;

    public Task<ProcessExit> Exited => _exited.Task;

    /// <summary>Starts the command; null when its executable does not exist (already journaled like systemd).</summary>
    public static ServiceProcess? Start(string unitName, IReadOnlyList<string> argv, IReadOnlyDictionary<string, string> environment, UnitJournal journal)
    {
        var path = argv[0];
        if (!File.Exists(path))
        {
            journal.AppendSystemd($"{unitName}: Failed to locate executable {path}: No such file or directory");
            journal.AppendSystemd($"{unitName}: Failed at step EXEC spawning {path}: No such file or directory");
            return null;
        }
        var info = new ProcessStartInfo("/usr/bin/setsid")
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = "/",
        };
        foreach (var word in argv) info.ArgumentList.Add(word);
        info.Environment.Clear();
        foreach (var (key, value) in environment) info.Environment[key] = value;

        var process = new Process { StartInfo = info, EnableRaisingEvents = true };
        var service = new ServiceProcess(process);
        var identifier = Path.GetFileName(path);
        process.Exited += (_, _) => service._exited.TrySetResult(ToExit(process.ExitCode));
        process.Start();
        var pid = process.Id;
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) journal.Append(identifier, pid, e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) journal.Append(identifier, pid, e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        if (process.HasExited) service._exited.TrySetResult(ToExit(process.ExitCode));
        return service;
    }

    /// <summary>Sends the signal as KillMode says: to the main process only, or to its whole process tree.</summary>
    public void Signal(int signal, KillMode mode, IReadOnlyCollection<int> tree)
    {
        if (_exited.Task.IsCompleted && mode == KillMode.Process) return;
        switch (mode)
        {
            case KillMode.None:
                return;
            case KillMode.Process:
                ProcessInfo.Signal(Pid, signal);
                return;
            case KillMode.Mixed when signal != ProcessInfo.SigKill:
                ProcessInfo.Signal(Pid, signal);
                return;
            default:
                ProcessInfo.Signal(-Pid, signal);
                ProcessInfo.Signal(Pid, signal);
                foreach (var pid in tree) ProcessInfo.Signal(pid, signal);
                return;
        }
    }

    public async Task<ProcessExit?> WaitAsync(TimeSpan timeout)
    {
        var finished = await Task.WhenAny(_exited.Task, Task.Delay(timeout)).ConfigureAwait(false);
        return finished == _exited.Task ? await _exited.Task.ConfigureAwait(false) : null;
    }

    public void Dispose() => _process.Dispose();

    // .NET reports a process killed by signal N as exit code 128+N.
    private static ProcessExit ToExit(int code) => code is > 128 and <= 128 + 64 ? new ProcessExit(0, code - 128) : new ProcessExit(code, 0);
}
