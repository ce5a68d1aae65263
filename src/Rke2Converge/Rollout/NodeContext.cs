using Rke2Converge.Model;
using Rke2Converge.Plan;
using Rke2Converge.Remote;
using Serilog;

namespace Rke2Converge.Rollout;

/// <summary>Everything a phase needs to converge one node.</summary>
public sealed class NodeContext(HostPlan plan, IRemoteShell shell, RolloutSettings settings)
{
    public HostPlan Plan { get; } = plan;

    public IRemoteShell Shell { get; } = shell;

    public RolloutSettings Settings { get; } = settings;

    public string Node => Plan.Node;

    /// <summary>The service's main PID before the start/restart, so gates can tell the new process from the old.</summary>
    public int PreviousMainPid { get; set; }

    /// <summary>What the etcd snapshot step printed (rke2 names the snapshot it saved).</summary>
    public string? SnapshotOutput { get; set; }

    /// <summary>Time spent waiting in readiness gates (the rest of a node's time is rollout overhead).</summary>
    public TimeSpan GateTime { get; set; }

    /// <summary>Shells of the other hosts, for steps that act on this node from another one (kubectl cordon and drain).</summary>
    public Func<string, IRemoteShell>? ShellFor { get; init; }

    /// <summary>Runs a mutating command on <paramref name="host"/> (this node or another host of the plan) through the executor.</summary>
    public Task<RemoteResult> ExecuteOnAsync(string host, RemoteCommand command, CancellationToken cancellationToken)
    {
        if (host == Node || ShellFor is null) return ExecuteAsync(command, cancellationToken);
        Settings.Log.Debug("{Node}: on {Host}: {Command}", Node, host, command.Description);
        return Settings.Executor.ExecuteAsync(ShellFor(host), command, cancellationToken);
    }

    public Task<RemoteResult> ExecuteAsync(RemoteCommand command, CancellationToken cancellationToken)
    {
        Settings.Log.Debug("{Node}: {Command}", Node, command.Description);
        return Settings.Executor.ExecuteAsync(Shell, command, cancellationToken);
    }
}

/// <summary>What is the same for every node of one rollout.</summary>
public sealed record RolloutSettings(
    IChangeExecutor Executor,
    Planner Planner,
    ArtifactSource? Artifacts,
    GateSettings Gates,
    IRolloutObserver Observer,
    ILogger Log)
{
    /// <summary>Masks known secret values (file content is masked this way before it is hashed for the plan).</summary>
    public Func<string, string> Redact { get; init; } = text => text;
}
