using Rke2Converge.Model;
using Rke2Converge.Plan.Steps;
using Rke2Converge.Remote;
using Rke2Converge.Rollout;
using Rke2Converge.Rollout.Operations;

namespace Rke2Converge.Removal;

/// <summary>One step of a removal: what the plan shows, the host it runs on and its command (null: a check that waits).</summary>
internal sealed record RemovalStep(PlannedStep Planned, string Host, RemoteCommand? Command);

/// <summary>
/// What removing one node does, in order: cordon, drain, <c>kubectl delete node</c> (RKE2 then removes an etcd
/// member's etcd membership itself: k3s pkg/etcd member_controller onRemove), a check that the member is gone, and
/// rke2-uninstall.sh on the host, then what rke2c itself put there. A refusal (quorum, no API server) means nothing is run.
/// </summary>
internal sealed record RemovalPlan(string Node, IReadOnlyList<RemovalStep> Steps, IReadOnlyList<string> Notes, string? Refusal)
{
    public const string EtcdMemberGone = "etcd-member-gone";

    /// <param name="node">The node to remove.</param>
    /// <param name="kubectlHost">A server of the playbook whose API server answered, or null.</param>
    /// <param name="clusterNodes">The cluster's nodes as that server saw them.</param>
    /// <param name="etcdHost">An etcd node (not <paramref name="node"/>) to read the member list on, or null.</param>
    /// <param name="hasHost">Whether the playbook says how to reach the node itself (for the uninstall).</param>
    /// <param name="drain">Drain settings (the node's role policy, but always a drain).</param>
    public static RemovalPlan For(string node, string? kubectlHost, IReadOnlyList<ClusterNode>? clusterNodes, string? etcdHost, bool hasHost, DrainPolicy drain)
    {
        ArgumentNullException.ThrowIfNull(drain);
        var steps = new List<RemovalStep>();
        var notes = new List<string>();
        var target = clusterNodes?.FirstOrDefault(n => n.Name == node);
        if (kubectlHost is null || clusterNodes is null)
        {
            return new RemovalPlan(node, [], [], $"no API server of the playbook answered, so {node} cannot be removed from the cluster safely");
        }
        if (target is null)
        {
            notes.Add($"{node} is not in the cluster (kubectl get nodes on {kubectlHost}): only its RKE2 install is removed");
        }
        else
        {
            if (target.Etcd)
            {
                var voters = clusterNodes.Where(n => n.Etcd).Select(n => n.Name).ToList();
                var healthy = clusterNodes.Where(n => n.Etcd && n.Ready).Select(n => n.Name).ToList();
                if (EtcdQuorum.Refusal(voters, healthy, node) is { } refusal) return new RemovalPlan(node, [], [], refusal);
                notes.Add($"{node} is an etcd member: {voters.Count} members now, {voters.Count - 1} after, quorum {EtcdQuorum.Needed(voters.Count - 1)}");
            }
            var cordon = DrainOperations.Cordon(node);
            steps.Add(Bound(StepKind.Cordon, $"{cordon.Description} (on {kubectlHost})", node, kubectlHost, cordon));
            var drainCommand = DrainOperations.Drain(node, drain with { Mode = DrainMode.Drain });
            steps.Add(Bound(StepKind.Drain, $"{drainCommand.Description} (on {kubectlHost})", node, kubectlHost, drainCommand));
            var delete = RemovalOperations.DeleteNode(node);
            steps.Add(Bound(StepKind.DeleteNode, $"{delete.Description} (on {kubectlHost})", node, kubectlHost, delete));
            if (target.Etcd && etcdHost is not null)
            {
                steps.Add(new RemovalStep(new PlannedStep(StepKind.Gate, $"gate etcd member of {node} removed by RKE2 (etcdctl member list on {etcdHost})", EtcdMemberGone), etcdHost, null));
            }
        }
        if (hasHost)
        {
            var uninstall = RemovalOperations.Uninstall();
            steps.Add(Bound(StepKind.Uninstall, $"rke2-uninstall.sh on {node}", node, node, uninstall));
            steps.Add(Bound(StepKind.RemoveFile, $"remove what rke2c put on {node}: {RemovalOperations.CleanupSummary}", node, node, RemovalOperations.Cleanup()));
        }
        else
        {
            notes.Add($"the playbook does not say how to reach {node} (Remove(\"{node}\", \"ADDRESS\")): rke2-uninstall.sh is not run; run it on the host yourself");
        }
        return new RemovalPlan(node, steps, notes, null);
    }

    /// <summary>A step that runs one command, its binding taken (removal commands carry no secret).</summary>
    private static RemovalStep Bound(StepKind kind, string description, string target, string host, RemoteCommand command) =>
        new(new PlannedStep(kind, description, target) { CommandsSha256 = StepBinding.Of([command], text => text) }, host, command);
}
