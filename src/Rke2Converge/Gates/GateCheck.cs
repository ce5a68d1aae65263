using Rke2Converge.Model;
using Rke2Converge.Plan.Desired;
using Rke2Converge.Remote;

namespace Rke2Converge.Gates;

/// <summary>One look at one gate of one node.</summary>
internal sealed record GateLook(string Gate, bool Passed, string Observed)
{
    /// <summary>The gate was not looked at: an earlier probe of the node could not run.</summary>
    public bool Skipped { get; init; }
}

/// <summary>Every gate of one node, in the order a rollout passes them.</summary>
internal sealed record NodeCheck(string Node, NodeRole Role, IReadOnlyList<GateLook> Gates)
{
    public bool Passed => Gates.All(look => look.Passed);

    /// <summary>The node could not be reached (the SSH connection failed), so no gate was seen.</summary>
    public bool Unreachable => Gates.Count > 0 && Gates[0] is { Passed: false } && Gates.Skip(1).All(look => look.Skipped);
}

/// <summary>
/// <c>rke2c check</c>: every gate a rollout would wait on for each node (the role's built-in gates, then the
/// playbook's custom gates), each looked at once: no polling, no waiting, nothing changed. A gate that needs time to
/// pass (the static pods' settle window right after a restart) fails, as it would stop a rollout at that moment.
/// Nodes are checked in parallel, bounded; each node's gates in order.
/// </summary>
internal static class GateCheck
{
    public static IReadOnlyList<ReadinessGate> GatesOf(NodeDesiredState node, GateSettings settings) =>
        [.. GateSet.For(node.Role), .. CustomGate.For(settings, node.Role)];

    /// <returns>One check per node, in the order of <paramref name="nodes"/> (<paramref name="checkedNode"/> sees them as they finish).</returns>
    public static async Task<IReadOnlyList<NodeCheck>> RunAsync(
        IReadOnlyList<(NodeDesiredState Node, IRemoteShell Shell)> nodes, GateSettings settings, int parallel, Action<NodeCheck> checkedNode,
        CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(parallel, 1);
        using var slots = new SemaphoreSlim(parallel);
        var checks = nodes.Select(async pair =>
        {
            await slots.WaitAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                var check = await CheckNodeAsync(pair.Node, pair.Shell, settings, cancellationToken).ConfigureAwait(false);
                checkedNode(check);
                return check;
            }
            finally
            {
                slots.Release();
            }
        });
        return await Task.WhenAll(checks).ConfigureAwait(false);
    }

    private static async Task<NodeCheck> CheckNodeAsync(NodeDesiredState node, IRemoteShell shell, GateSettings settings, CancellationToken cancellationToken)
    {
        var context = new GateContext(node, PreviousMainPid: 0, settings);
        var looks = new List<GateLook>();
        string? unreachable = null;
        foreach (var gate in GatesOf(node, settings))
        {
            if (unreachable is not null)
            {
                looks.Add(new GateLook(gate.Name, false, $"not checked: {unreachable}") { Skipped = true });
                continue;
            }
            var observation = await GateRunner.LookAsync(shell, gate, context, cancellationToken).ConfigureAwait(false);
            looks.Add(new GateLook(gate.Name, observation.Passed, observation.Observed));
            // A node that cannot be reached for one probe cannot for the next: trying each would wait out every connect timeout.
            if (observation.Unreachable) unreachable = $"{node.Name} could not be reached";
        }
        return new NodeCheck(node.Name, node.Role, looks);
    }
}
