using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Rke2Sim.Cluster;
using Rke2Sim.Cli.Rke2;

namespace Rke2Sim.Cli.Crictl;

/// <summary>
/// <c>crictl exec &lt;etcd container&gt; etcdctl ... member list</c>, the way operators read etcd membership on an RKE2
/// node. Answered from the cluster's etcd membership, with etcdctl's JSON and table shapes (learners flagged).
/// </summary>
public static class EtcdctlInContainer
{
    public static async Task<int> RunAsync(IReadOnlyList<string> command)
    {
        if (command.Count == 0 || Path.GetFileName(command[0]) != "etcdctl" || !IsMemberList(command))
        {
            Console.Error.WriteLine($"simulated etcd container runs only \"etcdctl member list\" (got \"{string.Join(' ', command)}\")");
            return 127;
        }
        var client = LocalServer.Client(out var error);
        if (client is null)
        {
            Console.Error.WriteLine($"Error: {error}");
            return 1;
        }
        ClusterState state;
        try
        {
            state = await client.PostAsync<ClusterState>(Protocol.Prefix + "/state", new { }, CancellationToken.None);
        }
        catch (Exception e) when (e is HttpRequestException or SupervisorRefusedException)
        {
            Console.Error.WriteLine($"{{\"level\":\"warn\",\"msg\":\"retrying of unary invoker failed\",\"error\":\"rpc error: code = DeadlineExceeded desc = context deadline exceeded\"}}\nError: context deadline exceeded ({e.Message})");
            return 1;
        }
        var json = command.Contains("-w=json") || command.Contains("--write-out=json")
            || command.Select((arg, i) => (arg, i)).Any(p => p.arg is "-w" or "--write-out" && p.i + 1 < command.Count && command[p.i + 1] == "json");
        Console.Out.Write(json ? Json(state) : Table(state));
        return 0;
    }

    private static bool IsMemberList(IReadOnlyList<string> command)
    {
        var words = command.Where(a => !a.StartsWith('-')).ToList();
        var member = words.IndexOf("member");
        return member >= 0 && member + 1 < words.Count && words[member + 1] == "list";
    }

    private static string Json(ClusterState state)
    {
        var members = new JsonArray();
        foreach (var m in state.EtcdMembers)
        {
            var member = new JsonObject
            {
                ["ID"] = MemberId(m.Name),
                ["name"] = MemberName(m.Name),
                ["peerURLs"] = new JsonArray(m.PeerUrl),
                ["clientURLs"] = new JsonArray(m.PeerUrl.Replace(":2380", ":2379", StringComparison.Ordinal)),
            };
            if (m.IsLearner) member["isLearner"] = true;
            members.Add(member);
        }
        var header = new JsonObject { ["cluster_id"] = MemberId("cluster"), ["member_id"] = MemberId(state.EtcdMembers.FirstOrDefault()?.Name ?? ""), ["raft_term"] = 2 };
        return new JsonObject { ["header"] = header, ["members"] = members }.ToJsonString() + "\n";
    }

    private static string Table(ClusterState state) => string.Concat(state.EtcdMembers.Select(m =>
        $"{MemberId(m.Name):x}, started, {MemberName(m.Name)}, {m.PeerUrl}, {m.PeerUrl.Replace(":2380", ":2379", StringComparison.Ordinal)}, {(m.IsLearner ? "true" : "false")}\n"));

    // RKE2 names members <node>-<8 hex chars>; IDs are uint64s.
    private static string MemberName(string node) => $"{node}-{Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(node)))[..8].ToLowerInvariant()}";

    private static ulong MemberId(string seed) => BitConverter.ToUInt64(SHA256.HashData(Encoding.UTF8.GetBytes("member:" + seed)), 0);
}
