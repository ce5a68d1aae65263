using Rke2Converge.Gates;
using Rke2Converge.Model;
using Rke2Converge.Plan;
using Rke2Converge.Plan.Steps;
using Rke2Converge.Remote;

namespace Rke2Converge.Rollout;

/// <summary>
/// A planned step and how apply performs it. Every mutation goes through the node's executor, so a dry run walks the
/// same steps; gates are waited on only in a real run. <see cref="Sends"/> names every command the step may send (a
/// gate's probe, polled; a read it makes on failure): the plan carries their binding, and a running step is refused
/// any other command.
/// </summary>
internal sealed record RolloutStep(string Phase, PlannedStep Planned, Func<NodeContext, CancellationToken, Task> RunAsync)
{
    /// <summary>The commands this step sends, in order, built now from the plan (<see cref="StepBinding"/>).</summary>
    public IReadOnlyList<RemoteCommand> Sends { get; init; } = [];

    /// <summary>Lines the progress shows when the step starts (a resource change's summary, say).</summary>
    public IReadOnlyList<string> Announce { get; init; } = [];

    /// <summary>A step that runs one command, built now (so the plan and apply see the same command).</summary>
    public static RolloutStep Run(string phase, StepKind kind, RemoteCommand command, string target, string? sha256 = null) =>
        new(phase, new PlannedStep(kind, command.Description, target, sha256), (node, token) => node.ExecuteAsync(command, token)) { Sends = [command] };
}

/// <summary>What the phases need to derive a node's steps from its plan.</summary>
internal sealed record StepContext(
    HostPlan Host, Planner Planner, ArtifactSource? Artifacts, GateSettings Gates, bool ControlPlaneUp, Func<string, string> Redact)
{
    /// <summary>The server whose API cordons and drains this node (<see cref="Phases.CordonDrainPhase"/>); null when none runs.</summary>
    public string? KubectlHost { get; init; }

    /// <summary>The plan's other nodes that run etcd, for the check before an etcd member reboots (<see cref="Phases.EtcdPeersGuard"/>).</summary>
    public IReadOnlyList<Plan.Desired.NodeDesiredState> EtcdPeers { get; init; } = [];
}
