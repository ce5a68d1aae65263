namespace LabSystemd.State;

/// <summary>How one activation attempt ended: "done", "failed", "timeout" or "canceled".</summary>
public sealed record CycleOutcome(long CycleId, string Result);

/// <summary>The runtime state of one unit, shared between its runner and every systemctl call.</summary>
public sealed class UnitState
{
    public string ActiveState { get; set; } = "inactive";
    public string SubState { get; set; } = "dead";
    public string Result { get; set; } = "success";
    public int MainPid { get; set; }
    public int NRestarts { get; set; }
    public string? StatusText { get; set; }
    public string ExecMainCode { get; set; } = "0";
    public int ExecMainStatus { get; set; }
    public DateTimeOffset? ActiveEnterTimestamp { get; set; }
    public DateTimeOffset? ExecMainStartTimestamp { get; set; }
    public DateTimeOffset? ExecMainExitTimestamp { get; set; }
    public DateTimeOffset? InactiveEnterTimestamp { get; set; }

    /// <summary>The runner process owning this unit (0: none, or being spawned since <see cref="SpawnedAt"/>).</summary>
    public int RunnerPid { get; set; }
    public long RunnerStartTime { get; set; }
    public DateTimeOffset? SpawnedAt { get; set; }
    public bool StopRequested { get; set; }

    /// <summary>Activation attempts are numbered; a blocking start waits for the first outcome at or after its id.</summary>
    public long CycleId { get; set; }
    public List<CycleOutcome> Outcomes { get; set; } = [];

    public bool IsActiveOrActivating => ActiveState is "active" or "activating" or "reloading" or "deactivating";

    public void RecordOutcome(long cycleId, string result)
    {
        Outcomes.Add(new CycleOutcome(cycleId, result));
        if (Outcomes.Count > 32) Outcomes.RemoveRange(0, Outcomes.Count - 32);
    }
}
