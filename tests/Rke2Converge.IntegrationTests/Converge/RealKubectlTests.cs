using System.Text.Json;
using Rke2Converge.IntegrationTests.Lab;
using Rke2Converge.Model;
using Rke2Converge.Remote;
using static Rke2Converge.IntegrationTests.Converge.LabPlaybook;

namespace Rke2Converge.IntegrationTests.Converge;

/// <summary>
/// The genuine kubectl of the release (lab/lab.sh setup fetches it) against the simulated kube-apiserver: an
/// operator's everyday commands, then every kubectl command line rke2c sends (<see cref="KubectlCommandLines"/>),
/// each run over SSH as rke2c runs it. One 3-server, 1-agent cluster for all of it.
/// </summary>
[Collection(Clusters.Name)]
public sealed class RealKubectlTests
{
    private const string Kubectl = "/var/lib/rancher/rke2/bin/kubectl --kubeconfig /etc/rancher/rke2/rke2.yaml";

    [Fact]
    public async Task The_releases_own_kubectl_serves_an_operators_commands_and_every_command_line_rke2c_sends()
    {
        await using var lab = await LabEnvironment.UpAsync("it-kubectl", 4, new LabOptions { Net = 110 });
        var rke2c = new Rke2cDriver(lab.Name);
        var playbook = rke2c.WritePlaybook("site.csx", Header(lab, "v1.32.5+rke2r1")
            + Node(lab, "Server", "server-1", 1) + Node(lab, "Server", "server-2", 2) + Node(lab, "Server", "server-3", 3)
            + Node(lab, "Agent", "agent-1", 4) + JoinOrder("server-1", "server-2", "server-3"));
        var apply = await rke2c.RunAsync("apply", "--yes", playbook);
        Assert.True(apply.Exit == 0, apply.ToString());

        // The binary is upstream's, of the release's minor, where RKE2 puts it.
        var client = await lab.ExecOkAsync(1, "/var/lib/rancher/rke2/bin/kubectl version --client -o json");
        Assert.StartsWith("v1.32.", JsonDocument.Parse(client).RootElement.GetProperty("clientVersion").GetProperty("gitVersion").GetString(), StringComparison.Ordinal);
        Assert.StartsWith("v1.32.", JsonDocument.Parse(await lab.ExecOkAsync(4, "/var/lib/rancher/rke2/bin/kubectl version --client -o json"))
            .RootElement.GetProperty("clientVersion").GetProperty("gitVersion").GetString(), StringComparison.Ordinal);

        // Without the admin kubeconfig's client certificate: 401; an unknown path: 404 (a Status object each).
        var anonymous = await lab.ExecOkAsync(1, $"curl -sk -w ' %{{http_code}}' https://{Address(lab, 1)}:6443/api/v1/nodes");
        Assert.EndsWith(" 401", anonymous, StringComparison.Ordinal);
        Assert.Contains("\"reason\":\"Unauthorized\"", anonymous, StringComparison.Ordinal);
        var unknown = await lab.ExecAsync(1, $"{Kubectl} get --raw /apis/no.such.group/v1/things");
        Assert.True(unknown.Exit != 0, unknown.ToString());
        Assert.Contains("NotFound", unknown.Stderr, StringComparison.Ordinal);

        // An operator's reads.
        var nodes = (await lab.ExecOkAsync(1, $"{Kubectl} get nodes")).Split('\n');
        Assert.Matches(@"^NAME\s+STATUS\s+ROLES\s+AGE\s+VERSION$", nodes[0]);
        Assert.Equal(4, nodes.Count(l => l.Contains(" Ready ", StringComparison.Ordinal) && l.Contains("v1.32.5+rke2r1", StringComparison.Ordinal)));
        Assert.Contains(nodes, l => l.StartsWith("server-1 ", StringComparison.Ordinal) && l.Contains("control-plane,etcd,master", StringComparison.Ordinal));
        Assert.Contains(nodes, l => l.StartsWith("agent-1 ", StringComparison.Ordinal) && l.Contains("<none>", StringComparison.Ordinal));
        var wide = await lab.ExecOkAsync(1, $"{Kubectl} get nodes -o wide");
        Assert.Contains(Address(lab, 4), wide, StringComparison.Ordinal);
        await DrainTests.KubectlAsync(lab, "create deployment web --image=nginx --replicas=2");
        var pods = (await lab.ExecOkAsync(1, $"{Kubectl} get pods -A -o wide")).Split('\n');
        Assert.Matches(@"^NAMESPACE\s+NAME\s+READY\s+STATUS\s+RESTARTS\s+AGE\s+IP\s+NODE\s+NOMINATED NODE\s+READINESS GATES$", pods[0]);
        Assert.Contains(pods, l => l.StartsWith("kube-system ", StringComparison.Ordinal) && l.Contains("kube-apiserver-server-1", StringComparison.Ordinal) && l.Contains("Running", StringComparison.Ordinal));
        Assert.Equal(2, pods.Count(l => l.StartsWith("default ", StringComparison.Ordinal) && l.Contains(" web-", StringComparison.Ordinal)));
        using (var json = JsonDocument.Parse(await lab.ExecOkAsync(1, $"{Kubectl} get pods -A -o json")))
        {
            Assert.Equal("List", json.RootElement.GetProperty("kind").GetString());
            Assert.Contains(json.RootElement.GetProperty("items").EnumerateArray(), p => p.GetProperty("metadata").GetProperty("namespace").GetString() == "kube-system");
        }
        Assert.Equal("nginx nginx", await lab.ExecOkAsync(1, $"{Kubectl} get pods -A -l app=web -o jsonpath='{{.items[*].spec.containers[0].image}}'"));
        Assert.Equal("", await lab.ExecOkAsync(1, $"{Kubectl} get pods -A --field-selector spec.nodeName=no-such-node -o name"));
        Assert.Equal("yes", await lab.ExecOkAsync(1, $"{Kubectl} auth can-i delete nodes"));

        // Budgets: a drain the budget forbids is refused with upstream's message, then the budget is relaxed.
        await DrainTests.KubectlAsync(lab, "create pdb web --selector=app=web --min-available=2");
        Assert.Equal("0", await lab.ExecOkAsync(1, $"{Kubectl} get pdb web -o jsonpath='{{.status.disruptionsAllowed}}'"));
        var blocked = await lab.ExecAsync(1, $"{Kubectl} drain agent-1 --ignore-daemonsets --timeout=5s 2>&1");
        Assert.True(blocked.Exit != 0, blocked.ToString());
        Assert.Contains("Cannot evict pod as it would violate the pod's disruption budget.", blocked.Stdout, StringComparison.Ordinal);
        await DrainTests.KubectlAsync(lab, "uncordon agent-1");
        await DrainTests.KubectlAsync(lab, """patch pdb web -p '{"spec":{"minAvailable":1}}'""");
        Assert.Equal("1", await lab.ExecOkAsync(1, $"{Kubectl} get pdb web -o jsonpath='{{.spec.minAvailable}}'"));

        // Every kubectl command line rke2c sends, over SSH as rke2c sends it.
        var ssh = new OpenSshShellFactory(new OpenSshOptions { ControlDirectory = Path.Combine(Path.GetTempPath(), "rke2c-kc-" + Guid.NewGuid().ToString("N")[..8]) });
        try
        {
            IRemoteShell Shell(int host, string name) => ssh.Open(
                new NodeSpec(name, lab.Host(host).Address, NodeRole.Server, new SshSettings("root", lab.Host(host).Port, lab.KeyPath), new Dictionary<string, string>(), new ConfigMap(), null),
                new SshSettings(), lab.KnownHostsPath);
            await using var server = Shell(1, "server-1");
            await using var agent = Shell(4, "agent-1");
            foreach (var entry in KubectlCommandLines.All("server-1", "agent-1", TimeSpan.FromSeconds(60)))
            {
                var result = await (entry.OnTheNodeItself ? agent : server).RunAsync(entry.Command, CancellationToken.None);
                Assert.True(result.Succeeded, $"{entry.Name}: {entry.Command.Description}\n{result.Stdout}\n{result.Stderr}");
                var expected = entry.Name switch
                {
                    "gate: apiserver /readyz" => "ok",
                    "gate: node Ready (admin kubeconfig)" or "gate: node Ready (kubelet kubeconfig)" => "True",
                    "facts: cluster nodes" => "cluster-nodes ",
                    "secrets-encrypt status probe" => "nodes ",
                    "remove: get nodes -o json" => "\"name\": \"agent-1\"",
                    "cordon" => "node/agent-1 cordoned",
                    "drain (every flag)" => "node/agent-1 drained",
                    "drain (defaults)" => "node/agent-1 drained",
                    "uncordon" => "node/agent-1 uncordoned",
                    "remove: delete node" => "node \"agent-1\" deleted",
                    "remove: what holds a deleted node" => "",
                    _ => throw new InvalidOperationException($"no expectation for {entry.Name}: add one"),
                };
                Assert.True(result.Stdout.Contains(expected, StringComparison.Ordinal), $"{entry.Name}: expected '{expected}' in\n{result.Stdout}\n{result.Stderr}");
                if (entry.Name == "remove: what holds a deleted node")
                {
                    // An agent's node carries no finalizer (only RKE2's etcd controller adds one): gone at once.
                    Assert.True(result.Stdout.Trim().Length == 0, $"{entry.Name}: expected nothing, got\n{result.Stdout}");
                }
                if (entry.Name == "drain (every flag)")
                {
                    Assert.Equal("", await lab.ExecOkAsync(1, $"{Kubectl} get pods -A --field-selector spec.nodeName=agent-1 -l app=web -o name"));
                }
            }
        }
        finally
        {
            await ssh.CloseMastersAsync();
        }
        var after = await lab.ExecOkAsync(1, $"{Kubectl} get nodes -o name");
        Assert.Equal(["node/server-1", "node/server-2", "node/server-3"], after.Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }
}
