using System.Text.Json;
using Rke2Converge.IntegrationTests.Lab;
using static Rke2Converge.IntegrationTests.Converge.LabPlaybook;

namespace Rke2Converge.IntegrationTests.Converge;

[Collection(Clusters.Name)]
public sealed class AllInOneClusterTests
{
    [Fact]
    public async Task Bootstraps_in_join_order_then_changes_nothing_then_fixes_drift_on_one_server_with_one_restart()
    {
        await using var lab = await LabEnvironment.UpAsync("it-aio", 5, new LabOptions { Net = 50 });
        var rke2c = new Rke2cDriver(lab.Name);
        var playbook = rke2c.WritePlaybook("site.csx", Header(lab)
            + Node(lab, "Server", "server-1", 1) + Node(lab, "Server", "server-2", 2) + Node(lab, "Server", "server-3", 3)
            + Node(lab, "Agent", "agent-1", 4) + Node(lab, "Agent", "agent-2", 5)
            + JoinOrder("server-1", "server-2", "server-3"));

        var freshPlan = await rke2c.RunAsync("plan", playbook, "--output", "json");
        Assert.True(freshPlan.Exit == 2, freshPlan.ToString());
        using (var json = JsonDocument.Parse(freshPlan.Stdout))
        {
            Assert.Equal(5, json.RootElement.GetProperty("summary").GetProperty("changed").GetInt32());
            Assert.All(json.RootElement.GetProperty("hosts").EnumerateArray(), host =>
                Assert.Contains(host.GetProperty("changes").EnumerateArray(), c => c.GetProperty("kind").GetString() == "install"));
        }

        var apply = await rke2c.RunAsync("apply", "--yes", playbook);
        Assert.True(apply.Exit == 0, apply.ToString());
        ClusterAssertions.ConvergedOneAtATime(apply.Stdout, "server-1", "server-2", "server-3", "agent-1", "agent-2");
        var nodes = await lab.ExecOkAsync(1, "/var/lib/rancher/rke2/bin/kubectl --kubeconfig /etc/rancher/rke2/rke2.yaml get nodes");
        Assert.Equal(5, nodes.Split('\n').Count(line => line.Contains(" Ready ", StringComparison.Ordinal)));
        Assert.Equal("600", await lab.ExecOkAsync(2, "stat -c %a /etc/rancher/rke2/config.yaml"));
        Assert.Equal("10", await lab.ExecOkAsync(4, "cat /proc/sys/kernel/panic"));
        Assert.Contains("kernel.panic = 10", await lab.ExecOkAsync(4, "cat /etc/sysctl.d/90-rke2c.conf"), StringComparison.Ordinal);

        var secondPlan = await rke2c.RunAsync("plan", playbook);
        Assert.True(secondPlan.Exit == 0, secondPlan.ToString());
        Assert.Contains("0 host(s) to change, 5 unchanged", secondPlan.Stdout, StringComparison.Ordinal);
        var secondApply = await rke2c.RunAsync("apply", "--yes", playbook);
        Assert.True(secondApply.Exit == 0, secondApply.ToString());
        Assert.Contains("Nothing to do", secondApply.Stdout, StringComparison.Ordinal);

        var pidsBefore = new Dictionary<int, int>();
        foreach (var host in new[] { 1, 2, 3 }) pidsBefore[host] = await lab.MainPidAsync(host);
        await lab.ExecOkAsync(2, "sysctl -w vm.swappiness=60 >/dev/null && sed -i 's/^protect-kernel-defaults: true/protect-kernel-defaults: false/' /etc/rancher/rke2/config.yaml");

        var driftPlan = await rke2c.RunAsync("plan", playbook, "--output", "json");
        Assert.True(driftPlan.Exit == 2, driftPlan.ToString());
        using (var json = JsonDocument.Parse(driftPlan.Stdout))
        {
            var changed = json.RootElement.GetProperty("hosts").EnumerateArray().Where(h => h.GetProperty("changed").GetBoolean()).ToList();
            var server2 = Assert.Single(changed);
            Assert.Equal("server-2", server2.GetProperty("node").GetString());
            var summaries = server2.GetProperty("changes").EnumerateArray().Select(c => c.GetProperty("summary").GetString()).ToList();
            Assert.Contains("sysctl vm.swappiness: 60 → 10", summaries);
            Assert.Contains("service rke2-server: restart (config changes)", summaries);
            var entry = Assert.Single(server2.GetProperty("changes").EnumerateArray().Single(c => c.GetProperty("kind").GetString() == "config").GetProperty("entries").EnumerateArray());
            Assert.Equal(("protect-kernel-defaults", "false", "true"), (entry.GetProperty("path").GetString(), entry.GetProperty("before").GetString(), entry.GetProperty("after").GetString()));
        }

        var remediate = await rke2c.RunAsync("apply", "--yes", playbook);
        Assert.True(remediate.Exit == 0, remediate.ToString());
        Assert.Equal(pidsBefore[1], await lab.MainPidAsync(1));
        Assert.Equal(pidsBefore[3], await lab.MainPidAsync(3));
        Assert.NotEqual(pidsBefore[2], await lab.MainPidAsync(2));
        Assert.Equal(2, await lab.StartsAsync(2));
        Assert.Equal(1, await lab.StartsAsync(1));
        Assert.Equal("10", await lab.ExecOkAsync(2, "cat /proc/sys/vm/swappiness"));
        Assert.NotEmpty(await lab.ExecOkAsync(2, "ls /var/lib/rancher/rke2c/backups/"));

        var finalPlan = await rke2c.RunAsync("plan", playbook);
        Assert.True(finalPlan.Exit == 0, finalPlan.ToString());
        Assert.DoesNotContain(rke2c.Token, rke2c.EverythingPrintedOrLogged(), StringComparison.Ordinal);
        Assert.Contains(rke2c.Token, await lab.ExecOkAsync(1, "cat /etc/rancher/rke2/config.yaml"), StringComparison.Ordinal);
    }
}

/// <summary>Cluster tests run one at a time: each brings up several simulated RKE2 nodes on a 2-core machine.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class Clusters
{
    public const string Name = "clusters";
}
