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

    // The Ready condition and the boot id the kubelet last posted (status.nodeInfo.bootID), then the host's own boot
    // id: right after a reboot the node still shows the Ready=True of the boot before until the node controller's
    // grace period passes, so only a status carrying this boot's id proves the kubelet of this boot is Ready.
    public static RemoteCommand ProbeCommand(string node, bool controlPlane) =>
        new($"kubectl get node {node}",
            "\"$1\" --kubeconfig \"$2\" --request-timeout=5s get node \"$3\" -o 'jsonpath={.status.conditions[?(@.type==\"Ready\")].status} {.status.nodeInfo.bootID}' && printf ' %s\\n' \"$(cat \"$4\")\"")
        {
            Arguments = [Rke2Paths.Kubectl, controlPlane ? Rke2Paths.AdminKubeconfig : KubeletKubeconfig, node, Rollout.Operations.ServiceOperations.BootIdFile],
            Timeout = ProbeTimeout,
        };

    public override GateObservation Evaluate(GateContext context, RemoteResult result)
    {
        if (!result.Succeeded) return new(false, Describe(result));
        var fields = result.Stdout.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
        var ready = fields.Length > 0 ? fields[0] : "";
        // Three fields: status, the posted boot id, the host's; two: the kubelet posted no boot id (judged on Ready alone).
        if (fields.Length >= 3 && fields[1] != fields[2])
        {
            return new(false, $"Ready={ready} posted from boot {fields[1]}, before this boot ({fields[2]}): the kubelet has not reported since the reboot");
        }
        return new(ready == "True", $"Ready={(ready.Length == 0 ? FirstLine(result.Stdout) : ready)}");
    }
}
