using Rke2Converge.IntegrationTests.Lab;
using static Rke2Converge.IntegrationTests.Converge.LabPlaybook;

namespace Rke2Converge.IntegrationTests.Converge;

[Collection(Clusters.Name)]
public sealed class RebootTests
{
    [Fact]
    public async Task Kernel_flags_and_the_service_come_back_after_a_reboot_so_the_next_plan_is_clean()
    {
        await using var lab = await LabEnvironment.UpAsync("it-reboot", 1, new LabOptions { Net = 56 });
        var rke2c = new Rke2cDriver(lab.Name);
        var playbook = rke2c.WritePlaybook("site.csx", Header(lab) + Node(lab, "Server", "solo", 1) + JoinOrder("solo"));
        var apply = await rke2c.RunAsync("apply", "--yes", playbook);
        Assert.True(apply.Exit == 0, apply.ToString());

        await lab.RebootAsync(1);

        Assert.Equal("1", await lab.ExecOkAsync(1, "cat /proc/sys/vm/overcommit_memory"));
        Assert.Equal("10", await lab.ExecOkAsync(1, "cat /proc/sys/vm/swappiness"));
        var state = "";
        // Bounded but generous: about three minutes, for a loaded machine.
        for (var attempt = 0; attempt < 360 && state != "active"; attempt++)
        {
            state = (await lab.ExecAsync(1, "systemctl is-active rke2-server")).Stdout.Trim();
            if (state != "active") await Task.Delay(TimeSpan.FromMilliseconds(500));
        }
        Assert.Equal("active", state);
        var plan = await rke2c.RunAsync("plan", playbook);
        Assert.True(plan.Exit == 0, plan.ToString());
    }
}

/// <summary><c>rke2c reboot</c> and <c>Reboot.When(path)</c>: rolling reboots behind the gates, one node at a time.</summary>
[Collection(Clusters.Name)]
public sealed class RollingRebootTests
{
    private static async Task<string> BootIdAsync(LabEnvironment lab, int host) =>
        await lab.ExecOkAsync(host, "cat /proc/sys/kernel/random/boot_id");

    [Fact]
    public async Task Reboot_reboots_three_servers_and_two_agents_one_at_a_time_and_Reboot_When_only_the_node_that_asks()
    {
        await using var lab = await LabEnvironment.UpAsync("it-rolling-reboot", 5, new LabOptions { Net = 204 });
        var rke2c = new Rke2cDriver(lab.Name);
        string Playbook(string extra = "") => Header(lab) + extra
            + Node(lab, "Server", "server-1", 1) + Node(lab, "Server", "server-2", 2) + Node(lab, "Server", "server-3", 3)
            + Node(lab, "Agent", "agent-1", 4) + Node(lab, "Agent", "agent-2", 5) + JoinOrder("server-1", "server-2", "server-3");
        var playbook = rke2c.WritePlaybook("site.csx", Playbook());
        var apply = await rke2c.RunAsync("apply", "--yes", playbook);
        Assert.True(apply.Exit == 0, apply.ToString());
        var before = new List<string>();
        for (var host = 1; host <= 5; host++) before.Add(await BootIdAsync(lab, host));

        var dryRun = await rke2c.RunAsync("reboot", "--dry-run", playbook);
        Assert.True(dryRun.Exit == 2, dryRun.ToString());
        Assert.Contains("reboot the host (rolling reboot requested by rke2c reboot)", dryRun.Stdout, StringComparison.Ordinal);
        Assert.Equal(before[0], await BootIdAsync(lab, 1));

        var reboot = await rke2c.RunAsync("reboot", "--yes", playbook);
        Assert.True(reboot.Exit == 0, reboot.ToString());
        ClusterAssertions.ConvergedOneAtATime(reboot.Stdout, "server-1", "server-2", "server-3", "agent-1", "agent-2");
        for (var host = 1; host <= 5; host++) Assert.NotEqual(before[host - 1], await BootIdAsync(lab, host));
        // The lab's own record: each host asked for its reboot in rollout order, and once.
        var requests = File.ReadAllLines(Path.Combine(lab.Directory, "reboot-watcher.log"))
            .Where(line => line.Contains("requested from inside", StringComparison.Ordinal))
            .Select(line => (Host: line.Split(' ')[3], At: DateTimeOffset.Parse(line.Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture))).ToList();
        Assert.Equal(["h1", "h2", "h3", "h4", "h5"], requests.Select(request => request.Host));
        // Never two etcd members down: from each server's own journal, its etcd was back (the simulator's "Pod for etcd
        // is synced" after the reboot) before the next server was asked to reboot. Both clocks are read to the second.
        for (var host = 1; host <= 2; host++)
        {
            var synced = (await lab.ExecOkAsync(host, "journalctl -u rke2-server --no-pager -o short-iso | grep 'Pod for etcd is synced' || true"))
                .Split('\n', StringSplitOptions.RemoveEmptyEntries)
                .Select(line => DateTimeOffset.Parse(line.Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture))
                .Where(at => at >= requests[host - 1].At).ToList();
            Assert.True(synced.Count > 0, $"server-{host}: no etcd start after its reboot in its journal");
            Assert.True(synced[0] <= requests[host].At, $"server-{host}'s etcd was back at {synced[0]:O}, after h{host + 1}'s reboot was asked for at {requests[host].At:O}");
        }
        var clean = await rke2c.RunAsync("plan", playbook);
        Assert.True(clean.Exit == 0, clean.ToString());

        // A patch run: only the node whose update left the file reboots; the file is in /run, gone after the boot.
        await lab.ExecOkAsync(5, "touch /var/run/reboot-required");
        playbook = rke2c.WritePlaybook("site.csx", Playbook("Reboot.When(\"/var/run/reboot-required\");\n"));
        var mid = new List<string>();
        for (var host = 1; host <= 5; host++) mid.Add(await BootIdAsync(lab, host));
        var patch = await rke2c.RunAsync("apply", "--yes", playbook);
        Assert.True(patch.Exit == 0, patch.ToString());
        Assert.Contains("/var/run/reboot-required exists: the node reboots", patch.Stdout, StringComparison.Ordinal);
        for (var host = 1; host <= 4; host++) Assert.Equal(mid[host - 1], await BootIdAsync(lab, host));
        Assert.NotEqual(mid[4], await BootIdAsync(lab, 5));
        var after = await rke2c.RunAsync("plan", playbook);
        Assert.True(after.Exit == 0, after.ToString());
    }
}
