using Rke2Converge.IntegrationTests.Lab;
using static Rke2Converge.IntegrationTests.Converge.LabPlaybook;

namespace Rke2Converge.IntegrationTests.Converge;

[Collection(Clusters.Name)]
public sealed class StopTheLineTests
{
    [Fact]
    public async Task A_gate_that_fails_on_wrong_kernel_flags_stops_the_line_and_a_rerun_after_the_fix_resumes()
    {
        await using var lab = await LabEnvironment.UpAsync("it-stop", 4, new LabOptions { Net = 52 });
        var rke2c = new Rke2cDriver(lab.Name);
        string Playbook(string server2Suffix) => Header(lab)
            // server-2's kubelet refuses the kernel flags, so its unit stays activating however long the gate waits;
            // the timeout only needs to let server-1 (and server-2 after the fix) start on a busy machine.
            + "Gates.ServiceActive(timeout: TimeSpan.FromMinutes(2));\n"
            + Node(lab, "Server", "server-1", 1) + Node(lab, "Server", "server-2", 2, server2Suffix) + Node(lab, "Server", "server-3", 3)
            + Node(lab, "Agent", "agent-1", 4)
            + JoinOrder("server-1", "server-2", "server-3");
        var broken = rke2c.WritePlaybook("site.csx", Playbook(".Sysctl(\"kernel.panic\", 0)"));

        var apply = await rke2c.RunAsync("apply", "--yes", broken);

        Assert.True(apply.Exit == 1, apply.ToString());
        Assert.Contains("kernel.panic", apply.Stdout, StringComparison.Ordinal); // the plan warned about the contradiction
        Assert.Contains("rollout stopped at server-2", apply.Stderr, StringComparison.Ordinal);
        Assert.Contains("gate 'service active'", apply.Stderr, StringComparison.Ordinal);
        Assert.Contains("activating", apply.Stderr, StringComparison.Ordinal);
        Assert.Contains("invalid kernel flag: kernel/panic, expected value: 10, actual value: 0", apply.Stderr, StringComparison.Ordinal);
        Assert.Contains("not touched: server-3, agent-1", apply.Stderr, StringComparison.Ordinal);
        foreach (var untouched in new[] { 3, 4 })
        {
            Assert.False(await lab.FileExistsAsync(untouched, "/etc/rancher/rke2/config.yaml"));
            Assert.False(await lab.FileExistsAsync(untouched, "/usr/local/bin/rke2"));
            Assert.False(await lab.FileExistsAsync(untouched, "/etc/sysctl.d/90-rke2c.conf"));
            Assert.Equal("60", await lab.ExecOkAsync(untouched, "cat /proc/sys/vm/swappiness"));
        }

        var fixedPlaybook = rke2c.WritePlaybook("site.csx", Playbook(""));
        var rerun = await rke2c.RunAsync("apply", "--yes", fixedPlaybook);

        Assert.True(rerun.Exit == 0, rerun.ToString());
        Assert.Contains("server-1: unchanged", rerun.Stdout, StringComparison.Ordinal);
        Assert.Contains("sysctl kernel.panic: 0 → 10", rerun.Stdout, StringComparison.Ordinal);
        Assert.Contains("service rke2-server: restart (service is activating)", rerun.Stdout, StringComparison.Ordinal);
        ClusterAssertions.ConvergedOneAtATime(rerun.Stdout, "server-2", "server-3", "agent-1");
        Assert.Equal(1, await lab.StartsAsync(1));
        var final = await rke2c.RunAsync("plan", fixedPlaybook);
        Assert.True(final.Exit == 0, final.ToString());
    }
}
