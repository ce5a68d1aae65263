using Rke2Converge.IntegrationTests.Converge;
using Rke2Converge.IntegrationTests.Lab;
using static Rke2Converge.IntegrationTests.Converge.LabPlaybook;

namespace Rke2Converge.IntegrationTests.Simulator;

/// <summary>
/// With protect-kernel-defaults the kubelet refuses to run on default kernel flags. A node started by hand never comes
/// up; rke2c sets and persists the four flags the kubelet checks before it starts the service.
/// </summary>
[Collection(Clusters.Name)]
public sealed class KernelFlagTests
{
    private const string KubeletLog = "/var/lib/rancher/rke2/agent/logs/kubelet.log";
    private const string InvalidFlag = "invalid kernel flag";

    [Fact]
    public async Task A_server_started_by_hand_on_default_kernel_flags_never_becomes_active()
    {
        await using var lab = await LabEnvironment.UpAsync("sim-kflags-by-hand", 1, new LabOptions { Net = 62 });
        Assert.Equal("0", await lab.ExecOkAsync(1, "cat /proc/sys/kernel/panic"));
        await lab.WriteConfigAsync(1, """
            token: by-hand-token
            node-name: server-1
            protect-kernel-defaults: true
            """);
        await lab.InstallAsync(1, "v1.32.5+rke2r1");
        await lab.ExecOkAsync(1, "systemctl start --no-block rke2-server");

        var log = await ByHand.EventuallyAsync(async () =>
        {
            var (_, text, _) = await lab.ExecAsync(1, $"cat {KubeletLog} 2>/dev/null");
            return text.Contains(InvalidFlag, StringComparison.Ordinal) ? text : null;
        }, TimeSpan.FromMinutes(3));
        Assert.True(log is not null, $"kubelet.log never said '{InvalidFlag}':\n{await lab.JournalAsync(1)}");
        Assert.Contains("Failed to start ContainerManager", log, StringComparison.Ordinal);
        Assert.Contains("kernel/panic, expected value: 10, actual value: 0", log, StringComparison.Ordinal);

        // The kubelet keeps being restarted and keeps failing: give it several retries, the node still is not up.
        var retries = await ByHand.EventuallyAsync(async () =>
        {
            var journal = await lab.JournalAsync(1);
            return CountOf(journal, "Kubelet exited: exit status 1") >= 3 ? journal : null;
        }, TimeSpan.FromMinutes(3));
        Assert.True(retries is not null, $"the kubelet was not retried:\n{await lab.JournalAsync(1)}");
        Assert.DoesNotContain("rke2 is up and running", retries, StringComparison.Ordinal);
        Assert.NotEqual("active", await lab.ActiveStateAsync(1));
    }

    [Fact]
    public async Task Rke2c_sets_and_persists_the_kubelet_flags_so_the_same_server_comes_up_and_survives_a_reboot()
    {
        await using var lab = await LabEnvironment.UpAsync("sim-kflags-rke2c", 1, new LabOptions { Net = 63 });
        var rke2c = new Rke2cDriver(lab.Name);
        var playbook = rke2c.WritePlaybook("site.csx", Header(lab) + Node(lab, "Server", "server-1", 1) + JoinOrder("server-1"));
        Assert.Equal("0", await lab.ExecOkAsync(1, "cat /proc/sys/kernel/panic"));

        var apply = await rke2c.RunAsync("apply", "--yes", playbook);
        Assert.True(apply.Exit == 0, apply.ToString());
        Assert.Equal("active", await lab.ActiveStateAsync(1));
        Assert.Contains("protect-kernel-defaults: true", await lab.ExecOkAsync(1, "cat /etc/rancher/rke2/config.yaml"), StringComparison.Ordinal);
        await AssertKubeletFlagsAsync(lab);
        Assert.DoesNotContain(InvalidFlag, (await lab.ExecAsync(1, $"cat {KubeletLog} 2>/dev/null")).Stdout, StringComparison.Ordinal);

        // A reboot reseeds /proc/sys with kernel defaults; the persisted file must put the flags back before rke2 starts.
        await lab.RebootAsync(1);
        var active = await ByHand.EventuallyAsync(async () => await lab.ActiveStateAsync(1) == "active" ? "yes" : null, TimeSpan.FromMinutes(3));
        Assert.True(active is not null, $"rke2-server did not come back after a reboot:\n{await lab.JournalAsync(1)}");
        await AssertKubeletFlagsAsync(lab);
        Assert.Equal(2, await lab.StartsAsync(1));
    }

    private static async Task AssertKubeletFlagsAsync(LabEnvironment lab)
    {
        var persisted = await lab.ExecOkAsync(1, "cat /etc/sysctl.d/*.conf");
        foreach (var (key, value) in new[] { ("vm.overcommit_memory", "1"), ("vm.panic_on_oom", "0"), ("kernel.panic", "10"), ("kernel.panic_on_oops", "1") })
        {
            Assert.Equal(value, await lab.ExecOkAsync(1, $"cat /proc/sys/{key.Replace('.', '/')}"));
            Assert.Contains($"{key} = {value}", persisted, StringComparison.Ordinal);
        }
    }

    private static int CountOf(string text, string value)
    {
        var count = 0;
        for (var at = text.IndexOf(value, StringComparison.Ordinal); at >= 0; at = text.IndexOf(value, at + value.Length, StringComparison.Ordinal)) count++;
        return count;
    }
}
