namespace Rke2Converge.Rollout.Phases;

/// <summary>One step of converging a node. A phase with nothing to do for a node is not run for it.</summary>
public interface INodePhase
{
    string Title { get; }

    bool ShouldRun(NodeContext node);

    Task RunAsync(NodeContext node, CancellationToken cancellationToken);
}
