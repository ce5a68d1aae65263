using System.Diagnostics;
using LabSystemd.Journal;
using LabSystemd.Runner;
using LabSystemd.State;
using LabSystemd.Units;

namespace LabSystemd.Commands;

/// <summary>The systemctl verbs, with real systemctl's messages and exit codes.</summary>
public sealed class SystemctlCommand(UnitCatalog catalog, StateStore store, TextWriter stdout, TextWriter stderr)
{
    public const int ExitNotFound = 5;
    public const int ExitStatusNotFound = 4;
    public const int ExitInactive = 3;

    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(50);
    private static readonly TimeSpan SpawnGrace = TimeSpan.FromSeconds(15);

    private static readonly string[] DefaultProperties =
    [
        "Id", "Names", "Description", "LoadState", "ActiveState", "SubState", "UnitFileState", "FragmentPath", "DropInPaths",
        "NeedDaemonReload", "Type", "Restart", "RestartUSec", "TimeoutStartUSec", "TimeoutStopUSec", "KillMode", "MainPID",
        "ExecMainPID", "ExecMainStartTimestamp", "ExecMainExitTimestamp", "ExecMainCode", "ExecMainStatus", "NRestarts",
        "Result", "StatusText", "ActiveEnterTimestamp", "InactiveEnterTimestamp", "Conflicts", "WantedBy",
    ];

    public int Run(IReadOnlyList<string> args)
    {
        SystemctlArguments a;
        try { a = SystemctlArguments.Parse(args); }
        catch (ArgumentException e) { stderr.WriteLine($"systemctl: {e.Message}"); return 1; }
        catch (FormatException e) { stderr.WriteLine($"systemctl: {e.Message}"); return 1; }
        if (a.Help)
        {
            // systemctl --help prints its usage and does nothing else, whatever verb is given.
            stdout.WriteLine("systemctl [OPTIONS...] COMMAND ...");
            stdout.WriteLine();
            stdout.WriteLine("Query or send control commands to the system manager.");
            return 0;
        }
        if (a.Version)
        {
            stdout.WriteLine("systemd 252 (252-lab)");
            stdout.WriteLine("+LABSYSTEMD");
            return 0;
        }
        var units = a.Units.Select(UnitNames.Normalize).ToList();
        if (a.Verb is not ("daemon-reload" or "reset-failed" or "" or "list-units" or "reboot") && units.Count == 0)
        {
            stderr.WriteLine($"Too few arguments.");
            return 1;
        }
        return a.Verb switch
        {
            "start" => ForEach(units, u => Start(u, !a.NoBlock, "start")),
            "stop" => ForEach(units, u => Stop(u, !a.NoBlock)),
            "restart" => ForEach(units, u => Restart(u, !a.NoBlock, onlyIfActive: false)),
            "try-restart" => ForEach(units, u => Restart(u, !a.NoBlock, onlyIfActive: true)),
            "enable" => ForEach(units, u => Enable(u, a.Now, !a.NoBlock, a.Quiet)),
            "disable" => ForEach(units, u => Disable(u, a.Now, !a.NoBlock, a.Quiet)),
            "is-active" => IsState(units, a.Quiet, s => s.ActiveState == "active", ExitInactive),
            "is-failed" => IsState(units, a.Quiet, s => s.ActiveState == "failed", 1),
            "is-enabled" => IsEnabled(units, a.Quiet),
            "daemon-reload" => DaemonReload(),
            "reset-failed" => ResetFailed(units),
            "show" => Show(units, a.Properties, a.ValueOnly),
            "status" => Status(units, a.Lines),
            "reboot" => Reboot(units),
            "" => Usage(),
            _ => Unknown(a.Verb),
        };
    }

    private int Usage()
    {
        stderr.WriteLine("systemctl (labsystemd): start|stop|restart|try-restart|enable|disable|is-active|is-enabled|is-failed|daemon-reload|reset-failed|show|status|reboot");
        return 1;
    }

    private int Unknown(string verb)
    {
        stderr.WriteLine($"Unknown command verb '{verb}'.");
        return 1;
    }

    private static int ForEach(IEnumerable<string> units, Func<string, int> action)
    {
        var exit = 0;
        foreach (var unit in units)
        {
            var code = action(unit);
            if (exit == 0) exit = code;
        }
        return exit;
    }

    // ------------------------------------------------------------------------------------------------ start/stop
    public int Start(string name, bool block, string verb)
    {
        var loaded = catalog.Load(name);
        if (loaded is null)
        {
            stderr.WriteLine($"Failed to {verb} {name}: Unit {name} not found.");
            return ExitNotFound;
        }
        WarnIfChanged(loaded);
        foreach (var other in ConflictingUnits(loaded.Unit))
        {
            if (store.ReadLive(other).IsActiveOrActivating) Stop(other, block: true);
        }

        long waitFrom = 0;
        var deadline = DateTime.UtcNow + SpawnGrace;
        while (true)
        {
            var (decision, cycle) = store.Update(name, s =>
            {
                if (!StateStore.RunnerGone(s))
                {
                    if (s.StopRequested) return ("stopping", 0L);
                    if (s.ActiveState == "active") return ("active", s.CycleId);
                    return ("join", s.SubState == "auto-restart" ? s.CycleId + 1 : s.CycleId);
                }
                s.CycleId++;
                s.ActiveState = "activating";
                s.SubState = "start-pre";
                // As systemd does: a start that is not an automatic restart begins a new restart count.
                s.NRestarts = 0;
                s.RunnerPid = 0;
                s.SpawnedAt = DateTimeOffset.UtcNow;
                s.StopRequested = false;
                return ("spawn", s.CycleId);
            });
            if (decision == "stopping" && DateTime.UtcNow < deadline + loaded.Unit.TimeoutStopSec)
            {
                Thread.Sleep(Poll);
                continue;
            }
            if (decision == "active") return 0;
            if (decision == "spawn") SpawnRunner(name);
            waitFrom = cycle;
            break;
        }
        return block ? WaitForStart(name, waitFrom, loaded.Unit) : 0;
    }

    private int WaitForStart(string name, long cycle, ServiceUnit unit)
    {
        var deadline = DateTime.UtcNow + SystemdTime.Infinity + unit.RestartSec + TimeSpan.FromMinutes(1);
        while (DateTime.UtcNow < deadline)
        {
            var state = store.ReadLive(name);
            var outcome = state.Outcomes.FirstOrDefault(o => o.CycleId >= cycle);
            if (outcome is not null)
            {
                switch (outcome.Result)
                {
                    case "done":
                        return 0;
                    case "timeout":
                        stderr.WriteLine($"Job for {name} failed because a timeout was exceeded.");
                        break;
                    case "canceled":
                        stderr.WriteLine($"Job for {name} canceled.");
                        return 1;
                    default:
                        stderr.WriteLine($"Job for {name} failed because the control process exited with error code.");
                        break;
                }
                stderr.WriteLine($"See \"systemctl status {name}\" and \"journalctl -xeu {name}\" for details.");
                return 1;
            }
            Thread.Sleep(Poll);
        }
        stderr.WriteLine($"Job for {name} did not finish in time.");
        return 1;
    }

    public int Stop(string name, bool block)
    {
        var loaded = catalog.Load(name);
        if (loaded is null && !store.KnownUnits().Contains(name))
        {
            stderr.WriteLine($"Failed to stop {name}: Unit {name} not loaded.");
            return ExitNotFound;
        }
        if (loaded is not null) WarnIfChanged(loaded);
        var stopTimeout = loaded?.Unit.TimeoutStopSec ?? TimeSpan.FromSeconds(90);
        var spawnDeadline = DateTime.UtcNow + SpawnGrace;
        int runner;
        while (true)
        {
            var (pid, spawning) = store.Update(name, s =>
            {
                if (StateStore.RunnerGone(s)) return (0, false);
                s.StopRequested = true;
                return (s.RunnerPid, s.RunnerPid == 0);
            });
            if (!spawning) { runner = pid; break; }
            if (DateTime.UtcNow > spawnDeadline) { runner = 0; break; }
            Thread.Sleep(Poll);
        }
        if (runner == 0) return 0;
        ProcessInfo.Signal(runner, ProcessInfo.SigTerm);
        if (!block) return 0;
        var deadline = DateTime.UtcNow + stopTimeout + TimeSpan.FromSeconds(15);
        while (DateTime.UtcNow < deadline && ProcessInfo.IsAlive(runner)) Thread.Sleep(Poll);
        store.ReadLive(name);
        return 0;
    }

    private int Restart(string name, bool block, bool onlyIfActive)
    {
        var loaded = catalog.Load(name);
        if (loaded is null)
        {
            if (onlyIfActive) return 0;
            stderr.WriteLine($"Failed to restart {name}: Unit {name} not found.");
            return ExitNotFound;
        }
        if (onlyIfActive && !store.ReadLive(name).IsActiveOrActivating) return 0;
        Stop(name, block: true);
        return Start(name, block, "restart");
    }

    /// <summary>Units named in this unit's Conflicts=, and units whose Conflicts= name this one (systemd makes it mutual).</summary>
    private IEnumerable<string> ConflictingUnits(ServiceUnit unit)
    {
        var result = new HashSet<string>(unit.Conflicts, StringComparer.Ordinal);
        foreach (var other in store.KnownUnits())
        {
            if (other == unit.Name || result.Contains(other)) continue;
            if (catalog.Load(other)?.Unit.Conflicts.Contains(unit.Name) == true) result.Add(other);
        }
        result.Remove(unit.Name);
        return result;
    }

    private static void SpawnRunner(string name)
    {
        var apphost = Path.Combine(AppContext.BaseDirectory, "labsystemd");
        var info = new ProcessStartInfo("/usr/bin/setsid")
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        // Detached from the caller (its own session; stdio on /dev/null) so it outlives the SSH session.
        info.ArgumentList.Add("-f");
        info.ArgumentList.Add("/bin/sh");
        info.ArgumentList.Add("-c");
        if (File.Exists(apphost))
        {
            info.ArgumentList.Add("exec \"$0\" run-unit \"$1\" </dev/null >/dev/null 2>&1");
            info.ArgumentList.Add(apphost);
        }
        else
        {
            info.ArgumentList.Add("exec dotnet \"$0\" run-unit \"$1\" </dev/null >/dev/null 2>&1");
            info.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "labsystemd.dll"));
        }
        info.ArgumentList.Add(name);
        using var process = Process.Start(info) ?? throw new InvalidOperationException("cannot start setsid");
        process.StandardInput.Close();
        if (!process.WaitForExit(10_000)) process.Kill();
    }

    private void WarnIfChanged(LoadedUnit loaded)
    {
        if (loaded.NeedDaemonReload)
        {
            stderr.WriteLine($"Warning: The unit file, source configuration file or drop-ins of {loaded.Unit.Name} changed on disk. Run 'systemctl daemon-reload' to reload units.");
        }
    }

    // ------------------------------------------------------------------------------------------------ enable
    private int Enable(string name, bool now, bool block, bool quiet)
    {
        var sources = catalog.ReadSources(name);
        if (sources is null)
        {
            stderr.WriteLine($"Failed to enable unit: Unit file {name} does not exist.");
            return 1;
        }
        var unit = UnitFileParser.Parse(name, sources, catalog.Paths.HostName());
        if (unit.WantedBy.Count == 0)
        {
            stderr.WriteLine("The unit files have no installation config (WantedBy=, RequiredBy=, Also=,");
            stderr.WriteLine("Alias= settings in the [Install] section, and DefaultInstance= for template");
            stderr.WriteLine("units). This means they are not meant to be enabled or disabled using systemctl.");
        }
        foreach (var target in unit.WantedBy)
        {
            var directory = Path.Combine(catalog.Paths.ConfigDirectory, target + ".wants");
            var link = Path.Combine(directory, name);
            if (File.Exists(link) || new FileInfo(link).LinkTarget is not null) continue;
            Directory.CreateDirectory(directory);
            File.CreateSymbolicLink(link, unit.FragmentPath);
            if (!quiet) stderr.WriteLine($"Created symlink {link} → {unit.FragmentPath}.");
        }
        return now ? Start(name, block, "start") : 0;
    }

    private int Disable(string name, bool now, bool block, bool quiet)
    {
        if (catalog.ReadSources(name) is null && !catalog.EnablementLinks(name).Any())
        {
            stderr.WriteLine($"Failed to disable unit: Unit file {name} does not exist.");
            return 1;
        }
        foreach (var link in catalog.EnablementLinks(name))
        {
            File.Delete(link);
            if (!quiet) stderr.WriteLine($"Removed \"{link}\".");
        }
        return now ? Stop(name, block) : 0;
    }

    // ------------------------------------------------------------------------------------------------ queries
    private int IsState(List<string> units, bool quiet, Func<UnitState, bool> predicate, int failureExit)
    {
        var any = false;
        foreach (var unit in units)
        {
            var state = store.ReadLive(unit);
            if (!quiet) stdout.WriteLine(state.ActiveState);
            any |= predicate(state);
        }
        return any ? 0 : failureExit;
    }

    private int IsEnabled(List<string> units, bool quiet)
    {
        var any = false;
        var missing = false;
        foreach (var name in units)
        {
            var sources = catalog.ReadSources(name);
            if (sources is null)
            {
                if (!quiet) stderr.WriteLine($"Failed to get unit file state for {name}: No such file or directory");
                missing = true;
                continue;
            }
            var state = catalog.UnitFileState(UnitFileParser.Parse(name, sources, catalog.Paths.HostName()));
            if (!quiet) stdout.WriteLine(state);
            any |= state is "enabled" or "static";
        }
        return any && !missing ? 0 : 1;
    }

    /// <summary>
    /// <c>systemctl reboot</c>: the reboot job is queued and the call returns; the host goes down moments later (the
    /// lab's watcher runs <c>lab.sh reboot</c>, which ends every process on the host, this session's included).
    /// </summary>
    private int Reboot(List<string> units)
    {
        if (units.Count > 0)
        {
            stderr.WriteLine("Too many arguments.");
            return 1;
        }
        AtomicFile.Write(store.Paths.RebootRequestFile, DateTimeOffset.UtcNow.ToString("O") + "\n");
        return 0;
    }

    private int DaemonReload()
    {
        catalog.Reload();
        return 0;
    }

    private int ResetFailed(List<string> units)
    {
        foreach (var unit in units.Count > 0 ? units : store.KnownUnits().ToList())
        {
            store.Update(unit, s =>
            {
                if (s.ActiveState != "failed") return;
                s.ActiveState = "inactive";
                s.SubState = "dead";
                s.Result = "success";
                s.NRestarts = 0;
            });
        }
        return 0;
    }

    public IReadOnlyDictionary<string, string> Properties(string name)
    {
        var loaded = catalog.Load(name);
        var state = store.ReadLive(name);
        var unit = loaded?.Unit;
        return new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["Id"] = name,
            ["Names"] = name,
            ["Description"] = unit?.Description is { Length: > 0 } d ? d : name,
            ["LoadState"] = unit is null ? "not-found" : "loaded",
            ["ActiveState"] = state.ActiveState,
            ["SubState"] = state.SubState,
            ["UnitFileState"] = unit is null ? "" : catalog.UnitFileState(unit),
            ["FragmentPath"] = unit?.FragmentPath ?? "",
            ["DropInPaths"] = unit is null ? "" : string.Join(' ', unit.DropInPaths),
            ["NeedDaemonReload"] = loaded?.NeedDaemonReload == true ? "yes" : "no",
            ["Type"] = unit?.Type.ToString().ToLowerInvariant() ?? "simple",
            ["Restart"] = unit?.Restart switch { RestartPolicy.Always => "always", RestartPolicy.OnFailure => "on-failure", _ => "no" },
            ["RestartUSec"] = SystemdTime.FormatSpan(unit?.RestartSec ?? TimeSpan.FromMilliseconds(100)),
            ["TimeoutStartUSec"] = SystemdTime.FormatSpan(unit?.TimeoutStartSec ?? TimeSpan.FromSeconds(90)),
            ["TimeoutStopUSec"] = SystemdTime.FormatSpan(unit?.TimeoutStopSec ?? TimeSpan.FromSeconds(90)),
            ["KillMode"] = unit?.KillMode switch { KillMode.Process => "process", KillMode.Mixed => "mixed", KillMode.None => "none", _ => "control-group" },
            ["MainPID"] = state.MainPid.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["ExecMainPID"] = state.MainPid.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["ExecMainStartTimestamp"] = SystemdTime.FormatTimestamp(state.ExecMainStartTimestamp),
            ["ExecMainExitTimestamp"] = SystemdTime.FormatTimestamp(state.ExecMainExitTimestamp),
            ["ExecMainCode"] = state.ExecMainCode,
            ["ExecMainStatus"] = state.ExecMainStatus.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["NRestarts"] = state.NRestarts.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Result"] = state.Result,
            ["StatusText"] = state.StatusText ?? "",
            ["ActiveEnterTimestamp"] = SystemdTime.FormatTimestamp(state.ActiveEnterTimestamp),
            ["InactiveEnterTimestamp"] = SystemdTime.FormatTimestamp(state.InactiveEnterTimestamp),
            ["Conflicts"] = unit is null ? "" : string.Join(' ', unit.Conflicts),
            ["WantedBy"] = unit is null ? "" : string.Join(' ', unit.WantedBy),
        };
    }

    private int Show(List<string> units, List<string> requested, bool valueOnly)
    {
        var first = true;
        foreach (var name in units)
        {
            if (!first) stdout.WriteLine();
            first = false;
            var properties = Properties(name);
            foreach (var key in requested.Count > 0 ? requested : [.. DefaultProperties])
            {
                if (!properties.TryGetValue(key, out var value)) continue;
                stdout.WriteLine(valueOnly ? value : $"{key}={value}");
            }
        }
        return 0;
    }

    private int Status(List<string> units, int lines)
    {
        var exit = 0;
        foreach (var name in units)
        {
            var loaded = catalog.Load(name);
            var state = store.ReadLive(name);
            if (loaded is null && !store.KnownUnits().Contains(name))
            {
                stderr.WriteLine($"Unit {name} could not be found.");
                exit = exit == 0 ? ExitStatusNotFound : exit;
                continue;
            }
            if (loaded is not null) WarnIfChanged(loaded);
            var p = Properties(name);
            var bullet = state.ActiveState switch { "active" => "●", "failed" => "×", _ => "○" };
            stdout.WriteLine($"{bullet} {name} - {p["Description"]}");
            stdout.WriteLine(loaded is null
                ? "     Loaded: not-found (Reason: Unit " + name + " not found.)"
                : $"     Loaded: loaded ({loaded.Unit.FragmentPath}; {p["UnitFileState"]}; preset: enabled)");
            var since = state.ActiveState == "active" ? state.ActiveEnterTimestamp : state.InactiveEnterTimestamp;
            var sinceText = since is null ? "" : $" since {SystemdTime.FormatTimestamp(since)}";
            var result = state.ActiveState == "failed" ? $" (Result: {state.Result})" : "";
            stdout.WriteLine($"     Active: {state.ActiveState} ({state.SubState}){result}{sinceText}");
            if (state.MainPid != 0) stdout.WriteLine($"   Main PID: {state.MainPid} ({ProcessName(state.MainPid)})");
            if (state.StatusText is { Length: > 0 } status) stdout.WriteLine($"     Status: \"{status}\"");
            var journal = new UnitJournal(catalog.Paths, name);
            var entries = UnitJournal.ReadAll(journal.FilePath).TakeLast(Math.Max(0, lines)).ToList();
            if (entries.Count > 0)
            {
                stdout.WriteLine();
                var host = catalog.Paths.HostName();
                foreach (var entry in entries) stdout.WriteLine(entry.FormatShort(host));
            }
            if (exit == 0 && state.ActiveState != "active") exit = ExitInactive;
        }
        return exit;
    }

    private static string ProcessName(int pid)
    {
        try { return File.ReadAllText($"/proc/{pid}/comm").Trim(); }
        catch (IOException) { return "?"; }
    }
}
