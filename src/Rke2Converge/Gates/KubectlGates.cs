using Rke2Converge.Model;
using Rke2Converge.Remote;

namespace Rke2Converge.Gates;

/// <summary>The API server on this node answers <c>/readyz</c> with <c>ok</c>.</summary>
internal sealed class ApiServerReadyGate : ReadinessGate
{
    public override string Name => "apiserver /readyz";

    public override GateTiming Timing(GateSettings settings) => settings.ApiServerReady;

    public override RemoteCommand Probe(GateContext context) => ProbeCommand();

    public static RemoteCommand ProbeCommand() =>
        new("kubectl get --raw /readyz", "\"$1\" --kubeconfig \"$2\" --request-timeout=5s get --raw /readyz")
        {
            Arguments = [Rke2Paths.Kubectl, Rke2Paths.AdminKubeconfig],
            Timeout = ProbeTimeout,
        };

    public override GateObservation Evaluate(GateContext context, RemoteResult result) =>
        new(result.Succeeded && result.Stdout.Trim() == "ok", Describe(result));
}

/// <summary>The node object reports Ready=True. Control-plane nodes ask with the admin kubeconfig, others as their kubelet.</summary>
internal sealed class NodeReadyGate : ReadinessGate
{
    public const string KubeletKubeconfig = "/var/lib/rancher/rke2/agent/kubelet.kubeconfig";

    public override string Name => "node Ready";

    public override GateTiming Timing(GateSettings settings) => settings.NodeReady;

    public override RemoteCommand Probe(GateContext context) => ProbeCommand(context.Node.Name, context.Node.Role.CarriesControlPlane());

    public static RemoteCommand ProbeCommand(string node, bool controlPlane) =>
        new($"kubectl get node {node}",
            "\"$1\" --kubeconfig \"$2\" --request-timeout=5s get node \"$3\" -o 'jsonpath={.status.conditions[?(@.type==\"Ready\")].status}'")
        {
            Arguments = [Rke2Paths.Kubectl, controlPlane ? Rke2Paths.AdminKubeconfig : KubeletKubeconfig, node],
            Timeout = ProbeTimeout,
        };

    public override GateObservation Evaluate(GateContext context, RemoteResult result) =>
        new(result.Succeeded && result.Stdout.Trim() == "True", result.Succeeded ? $"Ready={FirstLine(result.Stdout)}" : Describe(result));
}
