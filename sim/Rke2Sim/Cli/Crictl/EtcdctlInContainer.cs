using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json.Nodes;
using Rke2Sim.Cluster;
using Rke2Sim.Hosting;
using Rke2Sim.Cli.Rke2;

namespace Rke2Sim.Cli.Crictl;

/// <summary>
/// <c>crictl exec &lt;etcd container&gt; etcdctl ... member list</c>, the way operators read etcd membership on an RKE2
/// node. Answered from the cluster's etcd membership, with etcdctl's JSON and table shapes (learners flagged). RKE2's
/// etcd serves clients on TLS only and requires a client certificate (k3s pkg/etcd/etcd.go: ClientCertAuth), so the
/// call fails as etcdctl's does without the certificates under server/tls/etcd, with a file that is not there, a CA
/// that did not sign etcd's certificate or a client certificate etcd's CA did not sign.
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
        if (TlsRefusal(command) is { } refusal)
        {
            Console.Error.WriteLine(refusal);
            return 1;
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

    /// <summary>Why etcd would not answer this etcdctl's TLS (null: it would).</summary>
    private static string? TlsRefusal(IReadOnlyList<string> command)
    {
        string? Flag(string name)
        {
            for (var i = 0; i < command.Count; i++)
            {
                if (command[i] == "--" + name && i + 1 < command.Count) return command[i + 1];
                if (command[i].StartsWith("--" + name + "=", StringComparison.Ordinal)) return command[i][(name.Length + 3)..];
            }
            return null;
        }
        static string Deadline(string cause) =>
            "{\"level\":\"warn\",\"logger\":\"etcd-client\",\"msg\":\"retrying of unary invoker failed\",\"error\":\"rpc error: code = DeadlineExceeded desc = latest balancer error: last connection error: connection error: desc = \\\"" + cause + "\\\"\"}\nError: context deadline exceeded";
        var (caFile, certFile, keyFile) = (Flag("cacert"), Flag("cert"), Flag("key"));
        foreach (var file in new[] { caFile, certFile, keyFile })
        {
            if (file is not null && SimPaths.ReadIfExists(file) is null) return $"Error: open {file}: no such file or directory";
        }
        var endpoints = Flag("endpoints") ?? "127.0.0.1:2379";
        if (!endpoints.Split(',').All(e => e.StartsWith("https://", StringComparison.Ordinal)))
            return Deadline("error reading server preface: EOF");
        if (certFile is null || keyFile is null) return Deadline("transport: authentication handshake failed: remote error: tls: certificate required");
        var etcdCaPem = SimPaths.ReadIfExists(Rke2Sim.Daemon.NodeFiles.EtcdTlsDir + "/server-ca.crt");
        if (etcdCaPem is null) return Deadline("connection refused");
        using var etcdCa = X509Certificate2.CreateFromPem(etcdCaPem);
        var skipVerify = command.Contains("--insecure-skip-tls-verify") || command.Contains("--insecure-skip-tls-verify=true");
        if (!skipVerify)
        {
            using var given = caFile is null ? null : TryLoad(SimPaths.ReadIfExists(caFile)!);
            if (given is null || given.Thumbprint != etcdCa.Thumbprint)
                return Deadline("transport: authentication handshake failed: tls: failed to verify certificate: x509: certificate signed by unknown authority");
        }
        X509Certificate2 client;
        try
        {
            client = X509Certificate2.CreateFromPem(SimPaths.ReadIfExists(certFile)!, SimPaths.ReadIfExists(keyFile)!);
        }
        catch (CryptographicException)
        {
            return "Error: tls: private key does not match public key";
        }
        using (client)
        using (var chain = new X509Chain())
        {
            chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
            chain.ChainPolicy.CustomTrustStore.Add(etcdCa);
            chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
            if (!chain.Build(client)) return Deadline("transport: authentication handshake failed: remote error: tls: bad certificate");
        }
        return null;
    }

    private static X509Certificate2? TryLoad(string pem)
    {
        try
        {
            return X509Certificate2.CreateFromPem(pem);
        }
        catch (CryptographicException)
        {
            return null;
        }
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
