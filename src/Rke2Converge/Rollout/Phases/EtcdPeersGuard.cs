using Rke2Converge.Gates;
using Rke2Converge.Model;
using Rke2Converge.Plan.Desired;
using Rke2Converge.Plan.Steps;

namespace Rke2Converge.Rollout.Phases;

/// <summary>
/// Before an etcd member goes down for a reboot, every other etcd member of the plan must be healthy, each seen on its
/// own host by the etcd health gate (waited on with that gate's timing): rebooting while another member is down would
/// leave a three-member cluster without quorum. The rollout order already gives the member before this one its gates;
/// this covers a member that is down for another reason, or outside a <c>--limit</c>.
/// </summary>
internal static class EtcdPeersGuard
{
    public const string Title = "etcd peers healthy";

    public static IEnumerable<RolloutStep> Steps(StepContext context)
    {
        if (!context.Host.Desired.Role.CarriesEtcd() || context.EtcdPeers.Count == 0) yield break;
        var gate = new EtcdHealthGate();
        var peers = context.EtcdPeers;
        var description = $"gate {gate.Name} on every other etcd member ({string.Join(", ", peers.Select(peer => peer.Name))}) before the reboot";
        yield return new RolloutStep(Title, new PlannedStep(StepKind.Gate, description, gate.Name), (node, token) => PassAsync(node, gate, peers, token))
        {
            Sends = [.. peers.Select(peer => gate.Probe(new GateContext(peer, 0, context.Gates)))],
        };
    }

    private static async Task PassAsync(NodeContext node, EtcdHealthGate gate, IReadOnlyList<NodeDesiredState> peers, CancellationToken cancellationToken)
    {
        if (node.Settings.Executor.IsDryRun) return;
        foreach (var peer in peers)
        {
            try
            {
                await GateRunner.WaitAsync(node.ShellOn(peer.Name), gate, new GateContext(peer, 0, node.Settings.Gates),
                    (g, elapsed, last) => node.Settings.Observer.GateWaiting(peer.Name, g.Name, elapsed, last?.Observed),
                    cancellationToken).ConfigureAwait(false);
            }
            catch (GateFailedException failure)
            {
                throw new NodeConvergeException(node.Node,
                    $"not rebooted: etcd member {peer.Name} is not healthy, so rebooting {node.Node} would take a second member down ({failure.Message})", failure);
            }
        }
    }
}
