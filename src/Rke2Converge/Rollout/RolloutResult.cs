namespace Rke2Converge.Rollout;

public enum NodeOutcome
{
    Unchanged,
    Converged,

    /// <summary>Changed and passed every gate but node Ready, which waits for a control-plane node to come up.</summary>
    AwaitingNodeReady,

    /// <summary>A dry run went through the node's changes without making them.</summary>
    WouldChange,

    Failed,
    NotReached,
}

public sealed record NodeReport(string Node, NodeOutcome Outcome, TimeSpan Elapsed, TimeSpan GateTime, string? Error);

/// <summary>How the rollout went, node by node; when it stopped, which node failed and which were left untouched.</summary>
public sealed record RolloutResult(IReadOnlyList<NodeReport> Nodes, string? Snapshot)
{
    public bool Succeeded => Nodes.All(node => node.Outcome is NodeOutcome.Unchanged or NodeOutcome.Converged or NodeOutcome.WouldChange);

    public NodeReport? Failure => Nodes.FirstOrDefault(node => node.Outcome == NodeOutcome.Failed);

    public IEnumerable<string> NotReached => Nodes.Where(node => node.Outcome == NodeOutcome.NotReached).Select(node => node.Node);
}
