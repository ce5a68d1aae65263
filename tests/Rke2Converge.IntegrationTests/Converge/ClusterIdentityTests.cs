using Rke2Converge.IntegrationTests.Lab;
using static Rke2Converge.IntegrationTests.Converge.LabPlaybook;

namespace Rke2Converge.IntegrationTests.Converge;

/// <summary>A playbook that points at a host of another cluster (same token, same version) is refused, naming the host and, from the record on it, that cluster, and nothing changes.</summary>
[Collection(Clusters.Name)]
public sealed class ClusterIdentityTests
{
    private const string ConfigYaml = "/etc/rancher/rke2/config.yaml";

    [Fact]
    public async Task A_host_of_another_cluster_is_a_plan_problem_and_apply_changes_nothing()
    {
        await using var lab = await LabEnvironment.UpAsync("it-identity", 2, new LabOptions { Net = 203 });
        var rke2c = new Rke2cDriver(lab.Name);
        var ours = rke2c.WritePlaybook("site.csx", Header(lab) + Node(lab, "Server", "server-1", 1) + JoinOrder("server-1"));
        string Other(string playbook) => playbook.Replace($"Cluster(\"it-{lab.Name}\")", $"Cluster(\"it-{lab.Name}-other\")", StringComparison.Ordinal);
        var theirs = rke2c.WritePlaybook("other.csx", Other(Header(lab)) + Node(lab, "Server", "other-1", 2) + JoinOrder("other-1"));
        foreach (var playbook in new[] { ours, theirs })
        {
            var bootstrap = await rke2c.RunAsync("apply", "--yes", playbook);
            Assert.True(bootstrap.Exit == 0, bootstrap.ToString());
        }
        var before = await lab.ExecOkAsync(2, $"sha256sum {ConfigYaml}");
        // Each node records, once through its gates, the cluster it belongs to.
        Assert.StartsWith($"cluster it-{lab.Name}\nca-sha256 ", await lab.ExecOkAsync(1, "cat /var/lib/rancher/rke2c/cluster-identity"), StringComparison.Ordinal);
        Assert.StartsWith($"cluster it-{lab.Name}-other\n", await lab.ExecOkAsync(2, "cat /var/lib/rancher/rke2c/cluster-identity"), StringComparison.Ordinal);

        var pointed = rke2c.WritePlaybook("site.csx", Header(lab) + Node(lab, "Server", "server-1", 1) + Node(lab, "Agent", "agent-2", 2) + JoinOrder("server-1"));
        var plan = await rke2c.RunAsync("plan", pointed);
        Assert.True(plan.Exit == 1, plan.ToString());
        Assert.Contains("this host belongs to another cluster: its RKE2 cluster CA (sha256 ", plan.Stdout + plan.Stderr, StringComparison.Ordinal);
        Assert.Contains("is not server-1's (sha256 ", plan.Stdout + plan.Stderr, StringComparison.Ordinal);
        Assert.Contains($"this host belongs to cluster it-{lab.Name}-other, not it-{lab.Name}", plan.Stdout + plan.Stderr, StringComparison.Ordinal);
        var apply = await rke2c.RunAsync("apply", "--yes", pointed);
        Assert.True(apply.Exit == 1, apply.ToString());
        Assert.Contains("the plan has problems (above); nothing was changed", apply.Stdout + apply.Stderr, StringComparison.Ordinal);
        Assert.Equal(before, await lab.ExecOkAsync(2, $"sha256sum {ConfigYaml}"));
        Assert.Equal((1, 1), (await lab.StartsAsync(1), await lab.StartsAsync(2)));

        // A playbook naming only that host, as its own first server: no CA of ours to compare with, the record still tells.
        var alone = rke2c.WritePlaybook("alone.csx", Header(lab) + Node(lab, "Server", "other-1", 2) + JoinOrder("other-1"));
        var refused = await rke2c.RunAsync("apply", "--yes", alone);
        Assert.True(refused.Exit == 1, refused.ToString());
        Assert.Contains($"this host belongs to cluster it-{lab.Name}-other, not it-{lab.Name}", refused.Stdout + refused.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("another cluster: its RKE2 cluster CA", refused.Stdout + refused.Stderr, StringComparison.Ordinal);
        Assert.Equal(before, await lab.ExecOkAsync(2, $"sha256sum {ConfigYaml}"));

        // The cluster's own hosts share one CA: the original playbook still plans clean.
        ours = rke2c.WritePlaybook("site.csx", Header(lab) + Node(lab, "Server", "server-1", 1) + JoinOrder("server-1"));
        var clean = await rke2c.RunAsync("plan", ours);
        Assert.True(clean.Exit == 0, clean.ToString());
    }
}
