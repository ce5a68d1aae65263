using Rke2Converge.IntegrationTests.Lab;
using static Rke2Converge.IntegrationTests.Converge.LabPlaybook;

namespace Rke2Converge.IntegrationTests.Converge;

/// <summary><c>rke2c restart</c>: a rolling restart of a converged cluster, one node at a time behind the gates, refused on drift.</summary>
[Collection(Clusters.Name)]
public sealed class RestartTests
{
    private const string Kubectl = "/var/lib/rancher/rke2/bin/kubectl --kubeconfig /etc/rancher/rke2/rke2.yaml";

    [Fact]
    public async Task Restart_restarts_each_node_once_in_order_drains_the_agent_refuses_on_drift_and_honours_limit()
    {
        await using var lab = await LabEnvironment.UpAsync("it-restart", 2, new LabOptions { Net = 194 });
        var rke2c = new Rke2cDriver(lab.Name);
        string Playbook(string extra = "") => Header(lab) + Node(lab, "Server", "server-1", 1, extra) + Node(lab, "Agent", "agent-1", 2) + JoinOrder("server-1");
        var playbook = rke2c.WritePlaybook("site.csx", Playbook());
        var apply = await rke2c.RunAsync("apply", "--yes", playbook);
        Assert.True(apply.Exit == 0, apply.ToString());
        Assert.Equal((1, 1), (await lab.StartsAsync(1), await lab.StartsAsync(2, "rke2-agent")));

        var dryRun = await rke2c.RunAsync("restart", "--dry-run", playbook);
        Assert.True(dryRun.Exit == 2, dryRun.ToString());
        Assert.Contains("restart (rolling restart requested by rke2c restart)", dryRun.Stdout, StringComparison.Ordinal);
        Assert.Contains("kubectl drain agent-1", dryRun.Stdout, StringComparison.Ordinal);
        Assert.Equal((1, 1), (await lab.StartsAsync(1), await lab.StartsAsync(2, "rke2-agent")));

        var restart = await rke2c.RunAsync("restart", "--yes", playbook);
        Assert.True(restart.Exit == 0, restart.ToString());
        ClusterAssertions.ConvergedOneAtATime(restart.Stdout, "server-1", "agent-1");
        Assert.Equal((2, 2), (await lab.StartsAsync(1), await lab.StartsAsync(2, "rke2-agent")));
        Assert.Equal("", await lab.ExecOkAsync(1, $"{Kubectl} get node agent-1 -o jsonpath='{{.spec.unschedulable}}'"));
        var after = await rke2c.RunAsync("plan", playbook);
        Assert.True(after.Exit == 0, after.ToString());

        // Drift is apply's to converge: restart changes nothing and says so.
        var drifted = rke2c.WritePlaybook("site.csx", Playbook(".Sysctl(\"vm.max_map_count\", 262144)"));
        var refused = await rke2c.RunAsync("restart", "--yes", drifted);
        Assert.True(refused.Exit == 1, refused.ToString());
        Assert.Contains("but server-1 differ from it (the plan above): run rke2c apply first", refused.Stderr, StringComparison.Ordinal);
        Assert.Equal((2, 2), (await lab.StartsAsync(1), await lab.StartsAsync(2, "rke2-agent")));

        // --limit: only the agent.
        playbook = rke2c.WritePlaybook("site.csx", Playbook());
        var limited = await rke2c.RunAsync("restart", "--yes", "--limit", "agent-1", playbook);
        Assert.True(limited.Exit == 0, limited.ToString());
        Assert.DoesNotContain("server-1: converging", limited.Stdout, StringComparison.Ordinal);
        Assert.Equal((2, 3), (await lab.StartsAsync(1), await lab.StartsAsync(2, "rke2-agent")));
    }
}
