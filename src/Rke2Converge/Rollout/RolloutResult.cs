using Rke2Converge.Plan;

namespace Rke2Converge.Rollout;

internal enum NodeOutcome
{
    Unchanged,
    Converged,

    /// <summary>Changed and passed every gate but node Ready, which waits for a control-plane node to come up.</summary>
    AwaitingNodeReady,

    /// <summary>A dry run went through the node's changes without making them.</summary>
    WouldChange,

    Failed,
    NotReached,

    /// <summary>Outside the run's --limit: read for the safety checks, never changed.</summary>
    NotInLimit,
}

internal sealed record NodeReport(string Node, NodeOutcome Outcome, TimeSpan Elapsed, TimeSpan GateTime, string? Error)
{
    /// <summary>A node the rollout did not change on purpose: outside the limit, or already matching.</summary>
    public static NodeReport Untouched(HostPlan host) =>
        new(host.Node, host.NotInLimit ? NodeOutcome.NotInLimit : NodeOutcome.Unchanged, TimeSpan.Zero, TimeSpan.Zero, null);
}

/// <summary>How the rollout went, node by node; when it stopped, which node failed and which were left untouched.</summary>
internal sealed record RolloutResult(IReadOnlyList<NodeReport> Nodes, string? Snapshot)
{
    public bool Succeeded => Nodes.All(node => node.Outcome is NodeOutcome.Unchanged or NodeOutcome.Converged or NodeOutcome.WouldChange or NodeOutcome.NotInLimit);

    public NodeReport? Failure => Nodes.FirstOrDefault(node => node.Outcome == NodeOutcome.Failed);

    public IEnumerable<string> NotReached => Nodes.Where(node => node.Outcome == NodeOutcome.NotReached).Select(node => node.Node);
}
