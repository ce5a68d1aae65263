using Rke2Converge.IntegrationTests.Lab;
using static Rke2Converge.IntegrationTests.Converge.LabPlaybook;

namespace Rke2Converge.IntegrationTests.Converge;

[Collection(Clusters.Name)]
public sealed class SplitRolesAndUpgradeTests
{
    [Fact]
    public async Task Bootstraps_three_etcd_two_control_plane_and_an_agent_in_join_order()
    {
        await using var lab = await LabEnvironment.UpAsync("it-split", 6, new LabOptions { Net = 51 });
        var rke2c = new Rke2cDriver(lab.Name);
        var playbook = rke2c.WritePlaybook("site.csx", Header(lab)
            + Node(lab, "Etcd", "etcd-1", 1) + Node(lab, "Etcd", "etcd-2", 2) + Node(lab, "Etcd", "etcd-3", 3)
            + Node(lab, "ControlPlane", "cp-1", 4) + Node(lab, "ControlPlane", "cp-2", 5) + Node(lab, "Agent", "worker-1", 6)
            + JoinOrder("etcd-1", "etcd-2", "etcd-3", "cp-1", "cp-2"));

        var apply = await rke2c.RunAsync("apply", "--yes", playbook);

        Assert.True(apply.Exit == 0, apply.ToString());
        ClusterAssertions.ConvergedOneAtATime(apply.Stdout, "etcd-1", "etcd-2", "etcd-3", "cp-1", "cp-2", "worker-1");
        // The etcd-only nodes prove node Ready as soon as cp-1 is up, before cp-2 changes.
        foreach (var etcd in new[] { "etcd-1", "etcd-2", "etcd-3" })
        {
            Assert.True(apply.Stdout.IndexOf($"{etcd}: converged in", StringComparison.Ordinal) < apply.Stdout.IndexOf("cp-2: converging", StringComparison.Ordinal),
                $"{etcd} was not proven Ready before cp-2 started:\n{apply.Stdout}");
        }
        var etcdConfig = await lab.ExecOkAsync(2, "cat /etc/rancher/rke2/config.yaml");
        Assert.Contains("disable-apiserver: true", etcdConfig, StringComparison.Ordinal);
        Assert.Contains($"server: https://{Address(lab, 1)}:9345", etcdConfig, StringComparison.Ordinal);
        Assert.Contains("disable-etcd: true", await lab.ExecOkAsync(4, "cat /etc/rancher/rke2/config.yaml"), StringComparison.Ordinal);
        var nodes = await lab.ExecOkAsync(4, "/var/lib/rancher/rke2/bin/kubectl --kubeconfig /etc/rancher/rke2/rke2.yaml get nodes");
        Assert.Equal(6, nodes.Split('\n').Count(line => line.Contains(" Ready ", StringComparison.Ordinal)));
        var again = await rke2c.RunAsync("plan", playbook);
        Assert.True(again.Exit == 0, again.ToString());
    }

    [Fact]
    public async Task A_version_bump_snapshots_etcd_then_upgrades_servers_one_at_a_time_then_agents()
    {
        await using var lab = await LabEnvironment.UpAsync("it-upgrade", 4, new LabOptions { Net = 53 });
        var rke2c = new Rke2cDriver(lab.Name);
        string Playbook(string version) => Header(lab, version)
            + Node(lab, "Server", "server-1", 1) + Node(lab, "Server", "server-2", 2)
            + Node(lab, "Agent", "agent-1", 3) + Node(lab, "Agent", "agent-2", 4)
            + JoinOrder("server-1", "server-2");
        var bootstrap = await rke2c.RunAsync("apply", "--yes", rke2c.WritePlaybook("site.csx", Playbook("v1.31.9+rke2r1")));
        Assert.True(bootstrap.Exit == 0, bootstrap.ToString());

        var playbook = rke2c.WritePlaybook("site.csx", Playbook("v1.32.5+rke2r1"));
        var plan = await rke2c.RunAsync("plan", playbook);
        Assert.True(plan.Exit == 2, plan.ToString());
        Assert.Equal(4, plan.Stdout.Split('\n').Count(line => line.Contains("rke2: upgrade v1.31.9+rke2r1 → v1.32.5+rke2r1", StringComparison.Ordinal)));

        var upgrade = await rke2c.RunAsync("apply", "--yes", playbook);

        Assert.True(upgrade.Exit == 0, upgrade.ToString());
        Assert.True(upgrade.Stdout.Contains("etcd snapshot before upgrade: Snapshot rke2c-pre-v1.32.5-rke2r1-server-1-", StringComparison.Ordinal), upgrade.ToString());
        Assert.NotEmpty(await lab.ExecOkAsync(1, "ls /var/lib/rancher/rke2/server/db/snapshots/"));
        ClusterAssertions.ConvergedOneAtATime(upgrade.Stdout, "server-1", "server-2", "agent-1", "agent-2");
        var versions = await lab.ExecOkAsync(1, "/var/lib/rancher/rke2/bin/kubectl --kubeconfig /etc/rancher/rke2/rke2.yaml get nodes");
        Assert.Equal(4, versions.Split('\n').Count(line => line.Contains("v1.32.5+rke2r1", StringComparison.Ordinal)));
        Assert.Equal("rke2 version v1.32.5+rke2r1", string.Join(' ', (await lab.ExecOkAsync(3, "rke2 --version")).Split(' ').Take(3)));

        var downgrade = await rke2c.RunAsync("apply", "--yes", rke2c.WritePlaybook("site.csx", Playbook("v1.31.9+rke2r1")));
        Assert.True(downgrade.Exit == 1, downgrade.ToString());
        Assert.Contains("downgrade from v1.32.5+rke2r1 to v1.31.9+rke2r1 refused", downgrade.Stdout, StringComparison.Ordinal);
        Assert.Contains("nothing was changed", downgrade.Stderr, StringComparison.Ordinal);
    }
}
