namespace Rke2Converge.Rollout;

/// <summary>A node could not be converged; the message names the node, the step and what went wrong.</summary>
internal sealed class NodeConvergeException(string node, string message, Exception? inner = null) : Exception(message, inner)
{
    public string Node { get; } = node;
}
