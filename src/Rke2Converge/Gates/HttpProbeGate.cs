using Rke2Converge.Model;
using Rke2Converge.Remote;

namespace Rke2Converge.Gates;

/// <summary>A gate that curls an endpoint on the node itself and expects a body.</summary>
internal abstract class HttpProbeGate : ReadinessGate
{
    protected abstract string Url(GateContext context);

    protected abstract bool Accepts(string body);

    public override RemoteCommand Probe(GateContext context) =>
        new($"probe {Url(context)}", "curl -gksS --max-time 5 \"$1\"")
        {
            Arguments = [Url(context)],
            Timeout = ProbeTimeout,
        };

    public override GateObservation Evaluate(GateContext context, RemoteResult result) =>
        new(result.Succeeded && Accepts(result.Stdout.Trim()), $"{Url(context)}: {Describe(result)}");
}

/// <summary>The supervisor (port 9345) answers <c>/ping</c> with <c>pong</c>: joiners and agents can register through it.</summary>
internal sealed class SupervisorPingGate : HttpProbeGate
{
    public override string Name => "supervisor /ping";

    public override GateTiming Timing(GateSettings settings) => settings.SupervisorPing;

    protected override string Url(GateContext context) => $"https://{UrlHost.Of(context.Node.Node.Address)}:9345/ping";

    protected override bool Accepts(string body) => body == "pong";
}

/// <summary>This node's etcd member reports healthy on the metrics port, the static pod's own probe.</summary>
internal sealed class EtcdHealthGate : HttpProbeGate
{
    public override string Name => "etcd health";

    public override GateTiming Timing(GateSettings settings) => settings.EtcdHealth;

    protected override string Url(GateContext context) => $"http://{UrlHost.Of(context.Node.EtcdProbeHost)}:2381/health?serializable=true";

    protected override bool Accepts(string body) =>
        body.Replace(" ", "", StringComparison.Ordinal).Contains("\"health\":\"true\"", StringComparison.Ordinal);
}
