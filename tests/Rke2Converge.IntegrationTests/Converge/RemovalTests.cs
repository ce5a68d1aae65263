using System.Text.Json;
using Rke2Converge.IntegrationTests.Cli;
using Rke2Converge.IntegrationTests.Lab;
using static Rke2Converge.IntegrationTests.Converge.LabPlaybook;

namespace Rke2Converge.IntegrationTests.Converge;

[Collection(Clusters.Name)]
public sealed class RemovalTests
{
    private const string Kubectl = "/var/lib/rancher/rke2/bin/kubectl --kubeconfig /etc/rancher/rke2/rke2.yaml";

    private const string MemberList = "export CRI_CONFIG_FILE=/var/lib/rancher/rke2/agent/etc/crictl.yaml; c=/var/lib/rancher/rke2/bin/crictl; "
        + "t=/var/lib/rancher/rke2/server/tls/etcd; $c exec $($c ps --name '^etcd$' --state running -q | head -n 1) "
        + "etcdctl --cacert $t/server-ca.crt --cert $t/server-client.crt --key $t/server-client.key --endpoints https://127.0.0.1:2379 member list";

    /// <summary>What a dry run must leave alone: the config, the binary, and rke2c's directory (a lock taken and released changes its mtime).</summary>
    private const string Fingerprint =
        "sha256sum /etc/rancher/rke2/config.yaml /usr/local/bin/rke2; stat -c '%n %y' /var/lib/rancher/rke2c; ls -A /var/lib/rancher/rke2c";

    [Fact]
    public async Task Removing_an_etcd_member_is_refused_while_it_would_lose_quorum_and_keeps_quorum_once_the_other_members_are_healthy_then_reset_tears_down()
    {
        await using var lab = await LabEnvironment.UpAsync("it-remove", 3, new LabOptions { Net = 156 });
        var rke2c = new Rke2cDriver(lab.Name);
        var servers = Node(lab, "Server", "server-1", 1) + Node(lab, "Server", "server-2", 2);
        var bootstrap = await rke2c.RunAsync("apply", "--yes", rke2c.WritePlaybook("site.csx",
            Header(lab) + servers + Node(lab, "Server", "server-3", 3) + JoinOrder("server-1", "server-2", "server-3")));
        Assert.True(bootstrap.Exit == 0, bootstrap.ToString());
        var playbook = rke2c.WritePlaybook("site.csx", Header(lab) + servers + JoinOrder("server-1", "server-2")
            + $"Remove(\"server-3\", \"{Address(lab, 3)}\");\n");

        await lab.ExecOkAsync(2, "systemctl stop rke2-server");
        await WaitForReadyAsync(lab, "server-2", "Unknown");
        var refused = await rke2c.RunAsync("remove", "--yes", "-o", "json", playbook);

        Assert.True(refused.Exit == 1, refused.ToString());
        PublishedSchemas.AssertValid("remove", refused.Stdout);
        Assert.Contains("server-2 down", refused.Stdout, StringComparison.Ordinal);
        Assert.Contains("server-3: refused: removing server-3 would leave 2 etcd members of which 1 healthy, and etcd needs 2 for quorum (server-2 down",
            refused.Stderr, StringComparison.Ordinal);
        Assert.Contains("server-3", await lab.ExecOkAsync(1, $"{Kubectl} get nodes -o name"), StringComparison.Ordinal);
        Assert.Equal("", await lab.ExecOkAsync(1, $"{Kubectl} get node server-3 -o jsonpath='{{.spec.unschedulable}}'"));

        await lab.ExecOkAsync(2, "systemctl start --no-block rke2-server");
        await WaitForReadyAsync(lab, "server-2", "True");
        var before = await UntouchedAsync(lab, 1, 2, 3);
        var dryRun = await rke2c.RunAsync("remove", "--dry-run", "-o", "json", playbook);

        Assert.True(dryRun.Exit == 2, dryRun.ToString());
        PublishedSchemas.AssertValid("remove", dryRun.Stdout);
        using (var document = JsonDocument.Parse(dryRun.Stdout))
        {
            var removal = Assert.Single(document.RootElement.GetProperty("removals").EnumerateArray());
            Assert.Equal(["cordon", "drain", "delete-node", "gate", "uninstall", "remove-file"], removal.GetProperty("steps").EnumerateArray().Select(s => s.GetProperty("kind").GetString()));
            var result = document.RootElement.GetProperty("result");
            Assert.Equal("would remove", Assert.Single(result.GetProperty("nodes").EnumerateArray()).GetProperty("outcome").GetString());
            var commands = result.GetProperty("dryRun").EnumerateArray().Select(s => s.GetProperty("command").GetString()!).ToList();
            Assert.Contains(commands, command => command.Contains("delete node", StringComparison.Ordinal));
            Assert.Contains(commands, command => command.Contains("rke2-uninstall.sh", StringComparison.Ordinal));
        }
        Assert.Contains("server-3", await lab.ExecOkAsync(1, $"{Kubectl} get nodes -o name"), StringComparison.Ordinal);
        Assert.Equal("", await lab.ExecOkAsync(1, $"{Kubectl} get node server-3 -o jsonpath='{{.spec.unschedulable}}'"));
        Assert.Equal(before, await UntouchedAsync(lab, 1, 2, 3));

        var removed = await rke2c.RunAsync("remove", "--yes", "-o", "json", playbook);

        Assert.True(removed.Exit == 0, removed.ToString());
        PublishedSchemas.AssertValid("remove", removed.Stdout);
        using (var document = JsonDocument.Parse(removed.Stdout))
        {
            var result = document.RootElement.GetProperty("result");
            Assert.True(result.GetProperty("succeeded").GetBoolean());
            Assert.Equal("removed", Assert.Single(result.GetProperty("nodes").EnumerateArray()).GetProperty("outcome").GetString());
            Assert.Equal(JsonValueKind.Null, result.GetProperty("dryRun").ValueKind);
        }
        Assert.Contains("server-3 is an etcd member: 3 members now, 2 after, quorum 2", removed.Stderr, StringComparison.Ordinal);
        Assert.Contains("server-3: removed", removed.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("server-3", await lab.ExecOkAsync(1, $"{Kubectl} get nodes -o name"), StringComparison.Ordinal);
        var members = await lab.ExecOkAsync(1, MemberList);
        Assert.Equal(2, members.Split('\n').Length);
        Assert.DoesNotContain("server-3-", members, StringComparison.Ordinal);
        // RKE2's etcd requires a client certificate: etcdctl without one is refused, as on a real node.
        var bare = await lab.ExecAsync(1, MemberList[..MemberList.IndexOf("--cacert", StringComparison.Ordinal)] + "--endpoints https://127.0.0.1:2379 member list");
        Assert.True(bare.Exit == 1 && bare.Stderr.Contains("tls: certificate required", StringComparison.Ordinal), bare.ToString());
        Assert.Equal("gone", await lab.ExecOkAsync(3, "test -e /usr/local/bin/rke2 && echo present || echo gone"));
        Assert.Equal("gone", await lab.ExecOkAsync(3, LeftByRke2c));
        var plan = await rke2c.RunAsync("plan", playbook);
        Assert.True(plan.Exit == 0, plan.ToString());

        var declined = await rke2c.RunAsync("reset", playbook);
        Assert.True(declined.Exit == 1, declined.ToString());
        Assert.Contains("stdin is not a terminal; pass --yes", declined.Stderr, StringComparison.Ordinal);
        var resetBefore = await UntouchedAsync(lab, 1, 2);
        var resetDryRun = await rke2c.RunAsync("reset", "--dry-run", playbook);
        Assert.True(resetDryRun.Exit == 2, resetDryRun.ToString());
        Assert.Contains("Dry run complete: 2 node(s) would be reset; nothing was changed.", resetDryRun.Stdout, StringComparison.Ordinal);
        Assert.Contains("Commands the reset would run (none was run):", resetDryRun.Stdout, StringComparison.Ordinal);
        Assert.Equal(resetBefore, await UntouchedAsync(lab, 1, 2));
        var reset = await rke2c.RunAsync("reset", "--yes", "-o", "json", playbook);
        Assert.True(reset.Exit == 0, reset.ToString());
        PublishedSchemas.AssertValid("reset", reset.Stdout);
        Assert.Contains("server-2: /usr/local/bin/rke2-uninstall.sh", reset.Stderr, StringComparison.Ordinal);
        using (var document = JsonDocument.Parse(reset.Stdout))
        {
            Assert.Equal(["server-2", "server-1"], document.RootElement.GetProperty("order").EnumerateArray().Select(n => n.GetString()));
            Assert.All(document.RootElement.GetProperty("result").GetProperty("nodes").EnumerateArray(),
                node => Assert.Equal("uninstalled", node.GetProperty("outcome").GetString()));
        }
        Assert.DoesNotContain(rke2c.Token, rke2c.EverythingPrintedOrLogged(), StringComparison.Ordinal);
        foreach (var host in new[] { 1, 2 }) Assert.Equal("gone", await lab.ExecOkAsync(host, "test -e /var/lib/rancher/rke2/server/db && echo present || echo gone"));
        foreach (var host in new[] { 1, 2 }) Assert.Equal("gone", await lab.ExecOkAsync(host, LeftByRke2c));
    }

    /// <summary>"gone" when nothing rke2c wrote is left on the host: its state directory (lock, backups), its sysctl file.</summary>
    private const string LeftByRke2c = "if [ -e /var/lib/rancher/rke2c ] || [ -e /etc/sysctl.d/90-rke2c.conf ]; then ls -A /var/lib/rancher/rke2c /etc/sysctl.d; else echo gone; fi";

    /// <summary>Each host's <see cref="Fingerprint"/> and rke2-server's main pid, one line per host.</summary>
    private static async Task<string> UntouchedAsync(LabEnvironment lab, params int[] hosts)
    {
        var lines = new List<string>();
        foreach (var host in hosts) lines.Add($"{host}: pid {await lab.MainPidAsync(host)}\n{await lab.ExecOkAsync(host, Fingerprint)}");
        return string.Join("\n", lines);
    }

    private static async Task WaitForReadyAsync(LabEnvironment lab, string node, string status)
    {
        var seen = "";
        for (var attempt = 0; attempt < 120; attempt++)
        {
            var (exit, stdout, _) = await lab.ExecAsync(1, $"{Kubectl} get node {node} -o jsonpath='{{.status.conditions[?(@.type==\"Ready\")].status}}'");
            seen = stdout.Trim();
            if (exit == 0 && seen == status) return;
            await Task.Delay(TimeSpan.FromSeconds(1));
        }
        Assert.Fail($"{node} never became Ready={status} (last: {seen})");
    }
}
