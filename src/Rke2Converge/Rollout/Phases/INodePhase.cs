namespace Rke2Converge.Rollout.Phases;

/// <summary>One stage of converging a node: the steps it contributes to the node's plan (none when it has nothing to do).</summary>
internal interface INodePhase
{
    string Title { get; }

    IEnumerable<RolloutStep> Steps(StepContext context);
}
