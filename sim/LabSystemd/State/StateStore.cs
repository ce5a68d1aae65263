using System.Text.Json;

namespace LabSystemd.State;

/// <summary>
/// Unit states as JSON files under /run/rke2-sim/systemd/units. Writers hold a per-unit lock file (flock) for the
/// read-modify-write; readers just read, since every write is an atomic rename.
/// </summary>
public sealed class StateStore(HostPaths paths)
{
    public HostPaths Paths => paths;

    private static readonly TimeSpan LockWait = TimeSpan.FromSeconds(20);

    public UnitState Read(string unit)
    {
        var file = StateFile(unit);
        for (var attempt = 0; attempt < 5; attempt++)
        {
            try
            {
                return File.Exists(file) ? JsonSerializer.Deserialize(File.ReadAllText(file), LabJson.Default.UnitState) ?? new UnitState() : new UnitState();
            }
            catch (IOException) { Thread.Sleep(10); }
            catch (JsonException) { Thread.Sleep(10); }
        }
        return new UnitState();
    }

    /// <summary>The state with a dead runner's leftovers corrected (a runner killed by SIGKILL or a reboot).</summary>
    public UnitState ReadLive(string unit)
    {
        var state = Read(unit);
        return RunnerGone(state) && state.IsActiveOrActivating ? Update(unit, FixAbandoned) : state;
    }

    public UnitState Update(string unit, Action<UnitState> change) => Update(unit, s => { change(s); return s; });

    public T Update<T>(string unit, Func<UnitState, T> change)
    {
        Directory.CreateDirectory(paths.UnitsStateDirectory);
        using var held = AcquireLock(unit);
        var state = Read(unit);
        var result = change(state);
        AtomicFile.Write(StateFile(unit), JsonSerializer.Serialize(state, LabJson.Default.UnitState));
        return result;
    }

    public IEnumerable<string> KnownUnits() =>
        Directory.Exists(paths.UnitsStateDirectory)
            ? Directory.EnumerateFiles(paths.UnitsStateDirectory, "*.json").Select(f => Path.GetFileNameWithoutExtension(f))
            : [];

    /// <summary>True when no runner owns the unit (none recorded, or the recorded one has exited).</summary>
    public static bool RunnerGone(UnitState state)
    {
        if (state.RunnerPid == 0)
        {
            // A runner is being spawned: give it a moment to claim the unit.
            return state.SpawnedAt is null || DateTimeOffset.UtcNow - state.SpawnedAt > TimeSpan.FromSeconds(15);
        }
        return !ProcessInfo.IsSameProcess(state.RunnerPid, state.RunnerStartTime);
    }

    private static UnitState FixAbandoned(UnitState state)
    {
        if (!RunnerGone(state)) return state;
        state.ActiveState = "inactive";
        state.SubState = "dead";
        state.MainPid = 0;
        state.RunnerPid = 0;
        state.SpawnedAt = null;
        state.InactiveEnterTimestamp = DateTimeOffset.UtcNow;
        state.RecordOutcome(state.CycleId, "canceled");
        return state;
    }

    private FileStream AcquireLock(string unit)
    {
        var lockFile = Path.Combine(paths.UnitsStateDirectory, unit + ".lock");
        var deadline = DateTime.UtcNow + LockWait;
        while (true)
        {
            try
            {
                // FileShare.None takes an exclusive flock on Unix.
                return new FileStream(lockFile, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            }
            catch (IOException) when (DateTime.UtcNow < deadline)
            {
                Thread.Sleep(5);
            }
        }
    }

    private string StateFile(string unit) => Path.Combine(paths.UnitsStateDirectory, unit + ".json");
}
