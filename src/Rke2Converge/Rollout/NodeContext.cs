using Rke2Converge.Model;
using Rke2Converge.Plan;
using Rke2Converge.Remote;
using Serilog;

namespace Rke2Converge.Rollout;

/// <summary>
/// Everything a phase needs to converge one node. While a step runs (<see cref="Begin"/>), every command sent through
/// this context, its executor or its <see cref="Shell"/> must be one the step declared in <see cref="RolloutStep.Sends"/>
/// (the commands its plan binding covers); any other is refused before it is sent.
/// </summary>
internal sealed class NodeContext
{
    private readonly IRemoteShell _shell;
    private RolloutStep? _step;
    private IReadOnlySet<string> _bound = new HashSet<string>();

    public NodeContext(HostPlan plan, IRemoteShell shell, RolloutSettings settings)
    {
        Plan = plan;
        _shell = shell;
        Settings = settings;
        Shell = new StepBoundShell(shell, this);
    }

    public HostPlan Plan { get; }

    /// <summary>The node's shell for reads (gate probes): only the running step's declared commands pass.</summary>
    public IRemoteShell Shell { get; }

    public RolloutSettings Settings { get; }

    public string Node => Plan.Node;

    /// <summary>The service's main PID before the start/restart, so gates can tell the new process from the old.</summary>
    public int PreviousMainPid { get; set; }

    /// <summary>The host's boot id before this run rebooted it; null when it did not.</summary>
    public string? PreviousBootId { get; set; }

    /// <summary>What the etcd snapshot step printed (rke2 names the snapshot it saved).</summary>
    public string? SnapshotOutput { get; set; }

    /// <summary>Time spent waiting in readiness gates (the rest of a node's time is rollout overhead).</summary>
    public TimeSpan GateTime { get; set; }

    /// <summary>Shells of the other hosts, for steps that act on this node from another one (kubectl cordon and drain).</summary>
    public Func<string, IRemoteShell>? ShellFor { get; init; }

    /// <summary>From now until the next step, only the commands <paramref name="step"/> declared may be sent.</summary>
    public void Begin(RolloutStep step)
    {
        _bound = step.Sends.Select(command => StepBinding.Of(command, Settings.Redact)).ToHashSet(StringComparer.Ordinal);
        _step = step;
    }

    /// <summary>Runs a mutating command on <paramref name="host"/> (this node or another host of the plan) through the executor.</summary>
    public Task<RemoteResult> ExecuteOnAsync(string host, RemoteCommand command, CancellationToken cancellationToken)
    {
        if (host == Node || ShellFor is null) return ExecuteAsync(command, cancellationToken);
        Check(command);
        Settings.Log.Debug("{Node}: on {Host}: {Command}", Node, host, command.Description);
        return Settings.Executor.ExecuteAsync(ShellFor(host), command, cancellationToken);
    }

    /// <summary>Another host's shell for reads a step makes there (a peer's gate probe), checked against the running step like <see cref="Shell"/>.</summary>
    public IRemoteShell ShellOn(string host) =>
        host == Node || ShellFor is null ? Shell : new StepBoundShell(ShellFor(host), this);

    public Task<RemoteResult> ExecuteAsync(RemoteCommand command, CancellationToken cancellationToken)
    {
        Check(command);
        Settings.Log.Debug("{Node}: {Command}", Node, command.Description);
        return Settings.Executor.ExecuteAsync(_shell, command, cancellationToken);
    }

    /// <summary>A step that sends what its plan does not bind is a bug in rke2c: refused before anything is sent.</summary>
    private void Check(RemoteCommand command)
    {
        if (_step is { } step && !_bound.Contains(StepBinding.Of(command, Settings.Redact)))
        {
            throw new InvalidOperationException(
                $"step '{step.Planned.Description}' tried to send '{command.Description}', which its planned step does not bind; not sent");
        }
    }

    /// <summary>The node's shell, checked against the running step.</summary>
    private sealed class StepBoundShell(IRemoteShell inner, NodeContext node) : IRemoteShell
    {
        public string NodeName => inner.NodeName;

        public Task<RemoteResult> RunAsync(RemoteCommand command, CancellationToken cancellationToken)
        {
            node.Check(command);
            return inner.RunAsync(command, cancellationToken);
        }

        public string CommandLineFor(RemoteCommand command) => inner.CommandLineFor(command);

        /// <summary>The node context does not own the shell.</summary>
        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}

/// <summary>What is the same for every node of one rollout.</summary>
internal sealed record RolloutSettings(
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
