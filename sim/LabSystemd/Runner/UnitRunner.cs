using System.Runtime.InteropServices;
using LabSystemd.Journal;
using LabSystemd.State;
using LabSystemd.Units;

namespace LabSystemd.Runner;

/// <summary>
/// The detached process behind one started unit (what PID 1 does for it in real systemd): runs ExecStartPre and
/// ExecStart, waits for READY=1 on Type=notify, restarts by Restart=/RestartSec=, and stops on SIGTERM.
/// </summary>
public sealed class UnitRunner(UnitCatalog catalog, StateStore store, string unitName)
{
    /// <summary>Restarts after this many are refused, so a crash loop cannot run forever.</summary>
    public const int RestartCap = 10_000;

    private static readonly string[] PassThroughPrefixes = ["DOTNET_", "RKE2C_LAB", "LABSYSTEMD_"];

    private readonly UnitJournal _journal = new(catalog.Paths, unitName);
    private readonly CancellationTokenSource _stop = new();

    private enum CycleEnd { Stopped, Ended }

    public async Task<int> RunAsync()
    {
        var loaded = catalog.Load(unitName);
        var pid = Environment.ProcessId;
        var claimed = store.Update(unitName, s =>
        {
            if (s.RunnerPid != 0 && s.RunnerPid != pid && ProcessInfo.IsSameProcess(s.RunnerPid, s.RunnerStartTime)) return false;
            s.RunnerPid = pid;
            s.RunnerStartTime = ProcessInfo.StartTime(pid);
            s.SpawnedAt = null;
            return true;
        });
        if (!claimed) return 0;
        if (loaded is null)
        {
            store.Update(unitName, s => { s.ActiveState = "inactive"; s.SubState = "dead"; s.RunnerPid = 0; s.RecordOutcome(s.CycleId, "failed"); });
            return 1;
        }

        using var term = PosixSignalRegistration.Create(PosixSignal.SIGTERM, RequestStop);
        using var interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, RequestStop);
        using var hangup = PosixSignalRegistration.Create(PosixSignal.SIGHUP, c => c.Cancel = true);
        if (store.Read(unitName).StopRequested) _stop.Cancel(); // a stop that arrived while we were being spawned
        try
        {
            await LoopAsync(loaded.Unit).ConfigureAwait(false);
        }
        finally
        {
            store.Update(unitName, s =>
            {
                if (s.RunnerPid != pid) return;
                s.RunnerPid = 0;
                s.MainPid = 0;
                s.StopRequested = false;
            });
        }
        return 0;
    }

    private void RequestStop(PosixSignalContext context)
    {
        context.Cancel = true;
        _stop.Cancel();
    }

    private async Task LoopAsync(ServiceUnit unit)
    {
        var firstCycle = true;
        while (true)
        {
            var isFirst = firstCycle;
            var cycle = store.Update(unitName, s =>
            {
                if (!isFirst) s.CycleId++;
                s.ActiveState = "activating";
                s.SubState = unit.ExecStartPre.Count > 0 ? "start-pre" : "start";
                s.StatusText = null;
                s.MainPid = 0;
                return s.CycleId;
            });
            firstCycle = false;
            if (_stop.IsCancellationRequested) { FinishStopped(unit, cycle, "success"); return; }
            _journal.AppendSystemd($"Starting {Describe(unit)}...");

            var (end, result) = await RunCycleAsync(unit, cycle).ConfigureAwait(false);
            if (end == CycleEnd.Stopped) { FinishStopped(unit, cycle, result); return; }

            var clean = result == "success";
            var restart = unit.Restart == RestartPolicy.Always || (unit.Restart == RestartPolicy.OnFailure && !clean);
            _journal.AppendSystemd(clean ? $"{unitName}: Deactivated successfully." : $"{unitName}: Failed with result '{result}'.");
            var restarts = store.Read(unitName).NRestarts;
            if (!restart || restarts >= RestartCap)
            {
                store.Update(unitName, s =>
                {
                    s.ActiveState = clean ? "inactive" : "failed";
                    s.SubState = clean ? "dead" : "failed";
                    s.Result = result;
                    s.MainPid = 0;
                    s.InactiveEnterTimestamp = DateTimeOffset.UtcNow;
                    if (!s.Outcomes.Any(o => o.CycleId == cycle)) s.RecordOutcome(cycle, clean ? "done" : "failed");
                });
                return;
            }
            store.Update(unitName, s =>
            {
                s.ActiveState = "activating";
                s.SubState = "auto-restart";
                s.Result = result;
                s.MainPid = 0;
                if (!s.Outcomes.Any(o => o.CycleId == cycle)) s.RecordOutcome(cycle, result == "timeout" ? "timeout" : "failed");
            });
            try { await Task.Delay(unit.RestartSec, _stop.Token).ConfigureAwait(false); }
            catch (OperationCanceledException) { FinishStopped(unit, cycle, "success"); return; }
            var counter = store.Update(unitName, s => ++s.NRestarts);
            _journal.AppendSystemd($"{unitName}: Scheduled restart job, restart counter is at {counter}.");
            _journal.AppendSystemd($"Stopped {Describe(unit)}.");
        }
    }

    /// <summary>One activation: ExecStartPre, ExecStart, then the main process until it exits or a stop arrives.</summary>
    private async Task<(CycleEnd End, string Result)> RunCycleAsync(ServiceUnit unit, long cycle)
    {
        var deadline = DateTimeOffset.UtcNow + unit.TimeoutStartSec;
        var environment = BuildEnvironment(unit, out var environmentError);
        if (environmentError is not null)
        {
            _journal.AppendSystemd($"{unitName}: Failed to load environment files: {environmentError}");
            _journal.AppendSystemd($"{unitName}: Failed to run 'start-pre' task: {environmentError}");
            return (CycleEnd.Ended, "resources");
        }

        foreach (var command in unit.ExecStartPre)
        {
            using var pre = ServiceProcess.Start(unitName, command.Expand(environment), environment, _journal);
            if (pre is null)
            {
                if (command.IgnoreFailure) continue;
                return (CycleEnd.Ended, "exit-code");
            }
            var (kind, exit) = await WaitForExitAsync(pre, null, deadline).ConfigureAwait(false);
            if (kind == WaitEnd.Stop) return (CycleEnd.Stopped, await StopProcessAsync(unit, pre).ConfigureAwait(false));
            if (kind == WaitEnd.Timeout)
            {
                _journal.AppendSystemd($"{unitName}: start-pre operation timed out. Terminating.");
                await StopProcessAsync(unit with { KillMode = KillMode.ControlGroup }, pre).ConfigureAwait(false);
                return (CycleEnd.Ended, "timeout");
            }
            if (!exit!.Success)
            {
                _journal.AppendSystemd($"{unitName}: Control process exited, {exit.Describe()}");
                if (!command.IgnoreFailure) return (CycleEnd.Ended, exit.Signal != 0 ? "signal" : "exit-code");
            }
        }

        if (unit.ExecStart.Count == 0)
        {
            _journal.AppendSystemd($"{unitName}: Service has no ExecStart= setting. Refusing.");
            return (CycleEnd.Ended, "resources");
        }
        var notify = unit.Type == ServiceType.Notify
            ? new NotifyListener(Path.Combine(catalog.Paths.NotifyDirectory, unitName + ".sock"), OnNotify)
            : null;
        await using var notifyScope = notify;
        if (notify is not null) environment["NOTIFY_SOCKET"] = notify.Path;

        using var main = ServiceProcess.Start(unitName, unit.ExecStart[0].Expand(environment), environment, _journal);
        if (main is null) return (CycleEnd.Ended, "exit-code");
        store.Update(unitName, s =>
        {
            s.MainPid = main.Pid;
            s.ExecMainStartTimestamp = DateTimeOffset.UtcNow;
            s.SubState = "start";
        });
        if (notify is null) MarkActive(unit, cycle);

        var (waitEnd, mainExit) = await WaitForExitAsync(main, notify?.Ready, deadline).ConfigureAwait(false);
        if (waitEnd == WaitEnd.Ready)
        {
            MarkActive(unit, cycle);
            (waitEnd, mainExit) = await WaitForExitAsync(main, null, DateTimeOffset.MaxValue).ConfigureAwait(false);
        }
        switch (waitEnd)
        {
            case WaitEnd.Stop:
                return (CycleEnd.Stopped, await StopProcessAsync(unit, main).ConfigureAwait(false));
            case WaitEnd.Timeout:
                _journal.AppendSystemd($"{unitName}: start operation timed out. Terminating.");
                await StopProcessAsync(unit, main).ConfigureAwait(false);
                return (CycleEnd.Ended, "timeout");
        }
        var exitInfo = mainExit!;
        var wasActive = store.Update(unitName, s =>
        {
            s.ExecMainExitTimestamp = DateTimeOffset.UtcNow;
            s.ExecMainCode = exitInfo.Signal != 0 ? "2" : "1";
            s.ExecMainStatus = exitInfo.Signal != 0 ? exitInfo.Signal : exitInfo.Code;
            return s.ActiveState == "active";
        });
        _journal.AppendSystemd($"{unitName}: Main process exited, {exitInfo.Describe()}");
        if (exitInfo.Success) return (CycleEnd.Ended, wasActive || notify is null ? "success" : "protocol");
        // SIGTERM, SIGINT, SIGHUP and SIGPIPE count as a clean exit for systemd.
        if (exitInfo.Signal is 1 or 2 or 13 or 15) return (CycleEnd.Ended, "success");
        return (CycleEnd.Ended, exitInfo.Signal != 0 ? "signal" : "exit-code");
    }

    private enum WaitEnd { Exited, Ready, Stop, Timeout }

    private async Task<(WaitEnd End, ProcessExit? Exit)> WaitForExitAsync(ServiceProcess process, Task? ready, DateTimeOffset deadline)
    {
        var remaining = deadline == DateTimeOffset.MaxValue ? Timeout.InfiniteTimeSpan : deadline - DateTimeOffset.UtcNow;
        if (remaining != Timeout.InfiniteTimeSpan && remaining < TimeSpan.Zero) remaining = TimeSpan.Zero;
        using var timer = new CancellationTokenSource();
        var stopped = Task.Delay(Timeout.Infinite, _stop.Token);
        var timeout = Task.Delay(remaining, timer.Token);
        var tasks = new List<Task> { process.Exited, stopped, timeout };
        if (ready is not null) tasks.Add(ready);
        var first = await Task.WhenAny(tasks).ConfigureAwait(false);
        await timer.CancelAsync().ConfigureAwait(false);
        if (first == process.Exited) return (WaitEnd.Exited, await process.Exited.ConfigureAwait(false));
        if (first == ready) return (WaitEnd.Ready, null);
        return first == stopped ? (WaitEnd.Stop, null) : (WaitEnd.Timeout, null);
    }

    /// <summary>SIGTERM per KillMode, SIGKILL after TimeoutStopSec. Returns the unit's Result ("success" or "timeout").</summary>
    private async Task<string> StopProcessAsync(ServiceUnit unit, ServiceProcess process)
    {
        store.Update(unitName, s => { s.ActiveState = "deactivating"; s.SubState = "stop-sigterm"; });
        _journal.AppendSystemd($"Stopping {Describe(unit)}...");
        var tree = unit.KillMode == KillMode.Process ? [] : ProcessInfo.Descendants(process.Pid);
        process.Signal(ProcessInfo.SigTerm, unit.KillMode, tree);
        var result = "success";
        var exit = await process.WaitAsync(unit.TimeoutStopSec).ConfigureAwait(false);
        if (exit is null)
        {
            _journal.AppendSystemd($"{unitName}: State 'stop-sigterm' timed out. Killing.");
            process.Signal(ProcessInfo.SigKill, unit.KillMode == KillMode.None ? KillMode.Process : unit.KillMode, tree);
            exit = await process.WaitAsync(TimeSpan.FromSeconds(10)).ConfigureAwait(false);
            result = "timeout";
        }
        else if (unit.KillMode is KillMode.ControlGroup or KillMode.Mixed)
        {
            foreach (var pid in tree) ProcessInfo.Signal(pid, ProcessInfo.SigKill);
        }
        if (exit is not null && !exit.Success) _journal.AppendSystemd($"{unitName}: Main process exited, {exit.Describe()}");
        return result;
    }

    private void FinishStopped(ServiceUnit unit, long cycle, string result)
    {
        store.Update(unitName, s =>
        {
            s.ActiveState = "inactive";
            s.SubState = "dead";
            s.Result = result;
            s.MainPid = 0;
            s.InactiveEnterTimestamp = DateTimeOffset.UtcNow;
            if (!s.Outcomes.Any(o => o.CycleId == cycle)) s.RecordOutcome(cycle, "canceled");
        });
        if (result == "success") _journal.AppendSystemd($"{unitName}: Deactivated successfully.");
        _journal.AppendSystemd($"Stopped {Describe(unit)}.");
    }

    private void MarkActive(ServiceUnit unit, long cycle)
    {
        store.Update(unitName, s =>
        {
            s.ActiveState = "active";
            s.SubState = "running";
            s.Result = "success";
            s.ActiveEnterTimestamp = DateTimeOffset.UtcNow;
            if (!s.Outcomes.Any(o => o.CycleId == cycle)) s.RecordOutcome(cycle, "done");
        });
        _journal.AppendSystemd($"Started {Describe(unit)}.");
    }

    private void OnNotify(string key, string value)
    {
        switch (key)
        {
            case "STATUS": store.Update(unitName, s => s.StatusText = value); break;
            case "MAINPID" when int.TryParse(value, out var pid): store.Update(unitName, s => s.MainPid = pid); break;
            default: break;
        }
    }

    /// <summary>systemd's clean service environment, then Environment=, then EnvironmentFile= (which wins).</summary>
    private static Dictionary<string, string> BuildEnvironment(ServiceUnit unit, out string? error)
    {
        error = null;
        var environment = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["PATH"] = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
            ["HOME"] = "/root",
            ["USER"] = "root",
            ["LOGNAME"] = "root",
            ["SHELL"] = "/bin/sh",
            ["INVOCATION_ID"] = Guid.NewGuid().ToString("N"),
        };
        foreach (System.Collections.DictionaryEntry entry in Environment.GetEnvironmentVariables())
        {
            var key = (string)entry.Key;
            if (PassThroughPrefixes.Any(p => key.StartsWith(p, StringComparison.Ordinal))) environment[key] = (string?)entry.Value ?? "";
        }
        foreach (var (key, value) in unit.Environment) environment[key] = value;
        foreach (var file in unit.EnvironmentFiles)
        {
            if (!File.Exists(file.Path))
            {
                if (file.Optional) continue;
                error = "No such file or directory";
                return environment;
            }
            foreach (var (key, value) in UnitFileParser.ParseEnvironmentFile(File.ReadAllText(file.Path))) environment[key] = value;
        }
        return environment;
    }

    public static string Describe(ServiceUnit unit) =>
        unit.Description.Length > 0 ? $"{unit.Name} - {unit.Description}" : unit.Name;
}
