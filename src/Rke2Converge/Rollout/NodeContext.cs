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

    /// <summary>Whether an API server is up somewhere in the cluster when this node converges.</summary>
    public bool ControlPlaneUp { get; init; } = true;

    /// <summary>Set when the readiness phase left out node Ready because no API server was up yet.</summary>
    public bool NodeReadyDeferred { get; set; }

    /// <summary>Time spent waiting in readiness gates (the rest of a node's time is rollout overhead).</summary>
    public TimeSpan GateTime { get; set; }

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
    ILogger Log);
