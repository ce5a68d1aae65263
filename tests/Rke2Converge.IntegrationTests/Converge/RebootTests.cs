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
