using System.Text.Json;
using Rke2Converge.Model;
using Rke2Converge.Remote;

namespace Rke2Converge.Gates;

/// <summary>
/// This node's etcd member has been promoted from learner to voter. etcd admits one learner at a time, so the next
/// server may join only after this promotion; /health already answers for a learner, which is why it is not enough.
/// </summary>
internal sealed class EtcdMemberVotingGate : ReadinessGate
{
    private const string EtcdTls = "/var/lib/rancher/rke2/server/tls/etcd";

    public override string Name => "etcd member voting";

    public override GateTiming Timing(GateSettings settings) => settings.EtcdHealth;

    public override RemoteCommand Probe(GateContext context) =>
        new("etcdctl member list", """
            id=$(CRI_CONFIG_FILE="$2" "$1" ps --name '^etcd$' --state running -q | head -n 1)
            if [ -z "$id" ]; then echo "etcd container is not running" >&2; exit 1; fi
            CRI_CONFIG_FILE="$2" "$1" exec "$id" etcdctl --cacert "$3/server-ca.crt" --cert "$3/server-client.crt" \
              --key "$3/server-client.key" --endpoints https://127.0.0.1:2379 member list -w json
            """)
        {
            Arguments = [Rke2Paths.Crictl, Rke2Paths.CrictlConfig, EtcdTls],
            Timeout = ProbeTimeout,
        };

    public override GateObservation Evaluate(GateContext context, RemoteResult result)
    {
        if (!result.Succeeded) return new(false, Describe(result));
        List<(string Name, bool Learner)> members;
        try
        {
            using var document = JsonDocument.Parse(result.Stdout);
            members = [.. document.RootElement.GetProperty("members").EnumerateArray().Select(m => (
                m.TryGetProperty("name", out var name) ? name.GetString() ?? "" : "",
                m.TryGetProperty("isLearner", out var learner) && learner.GetBoolean()))];
        }
        catch (Exception error) when (error is JsonException or KeyNotFoundException or InvalidOperationException)
        {
            return new(false, $"etcdctl output is not member-list JSON: {error.Message}");
        }
        var own = members.Where(m => EtcdMemberName.IsOf(m.Name, context.Node.Name)).ToList();
        var learners = members.Where(m => m.Learner).Select(m => m.Name).ToList();
        var summary = $"{members.Count - learners.Count} voting, {learners.Count} learner(s){(learners.Count > 0 ? ": " + string.Join(", ", learners) : "")}";
        if (own.Count == 0) return new(false, $"no member for {context.Node.Name} yet ({summary})");
        return own.Any(m => m.Learner) ? new(false, $"{context.Node.Name} is still a learner ({summary})") : new(true, summary);
    }
}
