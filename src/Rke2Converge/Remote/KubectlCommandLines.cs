using Rke2Converge.Facts;
using Rke2Converge.Gates;
using Rke2Converge.KeyRotation;
using Rke2Converge.Model;
using Rke2Converge.Removal;
using Rke2Converge.Rollout.Operations;

namespace Rke2Converge.Remote;

/// <summary>
/// Every command rke2c sends that runs kubectl, built by the same methods the engine calls, in an order that can be
/// run against one cluster (cordon before drain, delete last). The lab runs each with the genuine kubectl of the
/// release; <see cref="Sources"/> names where each comes from, and a unit test holds it to every use of
/// <see cref="Rke2Paths.Kubectl"/> under src/, so a new kubectl command line cannot escape the lab test.
/// </summary>
internal static class KubectlCommandLines
{
    /// <summary>One command line, and whether it runs on the node it is about (as its kubelet) or on a server.</summary>
    public sealed record Entry(string Name, RemoteCommand Command, bool OnTheNodeItself = false);

    /// <summary>Source file (relative to src/) → how many times it names <see cref="Rke2Paths.Kubectl"/>.</summary>
    public static readonly IReadOnlyDictionary<string, int> Sources = new Dictionary<string, int>(StringComparer.Ordinal)
    {
        ["Rke2Converge/Gates/KubectlGates.cs"] = 2,
        ["Rke2Converge/Rollout/Operations/DrainOperations.cs"] = 3,
        ["Rke2Converge/Removal/RemovalOperations.cs"] = 3,
        ["Rke2Converge/KeyRotation/EncryptionStatusProbe.cs"] = 1,
        ["Rke2Converge/Facts/FactScript.cs"] = 2,
        ["Rke2Converge/Remote/KubectlCommandLines.cs"] = 2,
    };

    /// <summary>
    /// The command lines about <paramref name="server"/> (a control-plane node) and <paramref name="agent"/> (drained,
    /// then deleted from the cluster), with every drain flag rke2c can pass.
    /// </summary>
    public static IReadOnlyList<Entry> All(string server, string agent, TimeSpan drainTimeout)
    {
        var drain = new DrainPolicy(DrainMode.Drain, drainTimeout, DeleteEmptyDirData: true, Force: true, GracePeriodSeconds: 5);
        return
        [
            new("gate: apiserver /readyz", ApiServerReadyGate.ProbeCommand()),
            new("gate: node Ready (admin kubeconfig)", NodeReadyGate.ProbeCommand(server, controlPlane: true)),
            new("gate: node Ready (kubelet kubeconfig)", NodeReadyGate.ProbeCommand(agent, controlPlane: false), OnTheNodeItself: true),
            new("facts: cluster nodes", FactScript.Build([], [], readClusterNodes: true)),
            new("secrets-encrypt status probe", EncryptionStatusProbe.Read()),
            new("remove: get nodes -o json", RemovalOperations.Nodes()),
            new("cordon", DrainOperations.Cordon(agent)),
            new("drain (every flag)", DrainOperations.Drain(agent, drain)),
            new("drain (defaults)", DrainOperations.Drain(agent, DrainPolicy.DefaultFor(NodeRole.Agent) with { Timeout = drainTimeout })),
            new("uncordon", DrainOperations.Uncordon(agent)),
            new("remove: delete node", RemovalOperations.DeleteNode(agent)),
            new("remove: what holds a deleted node", RemovalOperations.NodeDeletionHold(agent)),
        ];
    }
}
