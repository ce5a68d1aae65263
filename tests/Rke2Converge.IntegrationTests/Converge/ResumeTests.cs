using Rke2Converge.IntegrationTests.Lab;
using static Rke2Converge.IntegrationTests.Converge.LabPlaybook;

namespace Rke2Converge.IntegrationTests.Converge;

[Collection(Clusters.Name)]
public sealed class ResumeTests
{
    private const string Marker = "/var/lib/rancher/rke2c/pending";

    [Fact]
    public async Task A_node_that_timed_out_in_its_gates_is_verified_not_skipped_by_the_rerun()
    {
        await using var lab = await LabEnvironment.UpAsync("it-resume", 3, new LabOptions { Net = 55 });
        var rke2c = new Rke2cDriver(lab.Name);
        string Playbook(string gates) => Header(lab) + gates
            + Node(lab, "Server", "server-1", 1) + Node(lab, "Server", "server-2", 2) + Node(lab, "Agent", "agent-1", 3)
            + JoinOrder("server-1", "server-2");
        // A settle window longer than the gate's timeout: server-1 comes up healthy but cannot prove it in time.
        var impatient = rke2c.WritePlaybook("site.csx",
            Playbook("Gates.StaticPodsStable(timeout: TimeSpan.FromSeconds(4)).SettleWindow(TimeSpan.FromSeconds(60));\n"));

        var apply = await rke2c.RunAsync("apply", "--yes", impatient);

        Assert.True(apply.Exit == 1, apply.ToString());
        Assert.Contains("rollout stopped at server-1", apply.Stderr, StringComparison.Ordinal);
        Assert.Contains("gate 'static pods stable'", apply.Stderr, StringComparison.Ordinal);
        Assert.Contains("not touched: server-2, agent-1", apply.Stderr, StringComparison.Ordinal);
        Assert.Equal("verify", await lab.ExecOkAsync(1, $"cat {Marker}"));
        var pidAfterStart = await lab.MainPidAsync(1);

        var patient = rke2c.WritePlaybook("site.csx", Playbook(""));
        var plan = await rke2c.RunAsync("plan", patient);

        Assert.True(plan.Exit == 2, plan.ToString());
        Assert.Contains("service rke2-server: verify readiness (its readiness gates have not passed since the last restart)", plan.Stdout, StringComparison.Ordinal);

        var rerun = await rke2c.RunAsync("apply", "--yes", patient);

        Assert.True(rerun.Exit == 0, rerun.ToString());
        ClusterAssertions.ConvergedOneAtATime(rerun.Stdout, "server-1", "server-2", "agent-1");
        Assert.Contains("server-1: gate static pods stable passed", rerun.Output, StringComparison.Ordinal);
        Assert.Equal(pidAfterStart, await lab.MainPidAsync(1)); // verified, not restarted
        Assert.Equal(1, await lab.StartsAsync(1));
        foreach (var host in new[] { 1, 2, 3 }) Assert.False(await lab.FileExistsAsync(host, Marker), $"host {host} still has {Marker}");
        var final = await rke2c.RunAsync("plan", patient);
        Assert.True(final.Exit == 0, final.ToString());
    }
}
