using Rke2Converge.Facts;
using Rke2Converge.Plan;
using Rke2Converge.Plan.Changes;
using Rke2Converge.Plan.Desired;

namespace Rke2Converge.Resources.BuiltIn;

/// <summary>What a built-in resource's diff may consult and report for one node.</summary>
internal sealed class BuiltInPlanContext(NodeDesiredState node, HostFacts facts, Planner planner, IReadOnlyList<Change> earlier)
{
    private readonly List<string> _problems = [];
    private readonly List<string> _notes = [];
    private readonly List<string> _unresolved = [];

    public NodeDesiredState Node { get; } = node;

    public HostFacts Facts { get; } = facts;

    /// <summary>Renders the node's files and reveals secrets.</summary>
    public Planner Planner { get; } = planner;

    /// <summary>The node's changes before this resource's, in the order they apply (what a restart is owed to).</summary>
    public IReadOnlyList<Change> Earlier { get; } = earlier;

    public IReadOnlyList<string> Problems => _problems;

    public IReadOnlyList<string> Notes => _notes;

    public IReadOnlyList<string> Unresolved => _unresolved;

    /// <summary>Blocks the node's rollout; shown in the plan.</summary>
    public void Problem(string message) => _problems.Add(message);

    public void Note(string message) => _notes.Add(message);

    /// <summary>A difference the playbook has not said how to handle: drift, and apply refuses until it does.</summary>
    public void Unresolve(string message) => _unresolved.Add(message);
}
