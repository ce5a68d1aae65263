using Rke2Converge.IntegrationTests.Lab;
using static Rke2Converge.IntegrationTests.Converge.LabPlaybook;

namespace Rke2Converge.IntegrationTests.Converge;

/// <summary>
/// A host whose /usr/local is read-only or a mount point of its own gets RKE2 under /opt/rke2, as rancher/rke2 install.sh
/// does (setup_env, do_install_tar), and every later command finds it there.
/// </summary>
[Collection(Clusters.Name)]
public sealed class InstallPrefixTests
{
    [Fact]
    public async Task A_read_only_or_separately_mounted_usr_local_installs_under_opt_rke2_and_day_two_commands_run_that_rke2()
    {
        await using var lab = await LabEnvironment.UpAsync("it-opt-prefix", 2, new LabOptions { Net = 205 });
        var rke2c = new Rke2cDriver(lab.Name);
        // Host 1's /usr/local made read-only, as on an immutable or ostree system; host 2's a (writable) mount of its own.
        await lab.ExecOkAsync(1, "mount --bind /usr/local /usr/local && mount -o remount,bind,ro /usr/local && ! touch /usr/local/.rw-probe 2>/dev/null");
        await lab.ExecOkAsync(2, "mount --bind /usr/local /usr/local && mountpoint -q /usr/local");
        var playbook = rke2c.WritePlaybook("site.csx", Header(lab) + Node(lab, "Server", "server-1", 1) + Node(lab, "Agent", "agent-1", 2) + JoinOrder("server-1"));

        var plan = await rke2c.RunAsync("plan", playbook);
        Assert.True(plan.Exit == 2, plan.ToString());
        Assert.Contains("under /opt/rke2 (/usr/local is read-only)", plan.Stdout, StringComparison.Ordinal);
        Assert.Contains("under /opt/rke2 (/usr/local is a mount point of its own)", plan.Stdout, StringComparison.Ordinal);
        var apply = await rke2c.RunAsync("apply", "--yes", playbook);
        Assert.True(apply.Exit == 0, apply.ToString());

        Assert.Equal("yes", await lab.ExecOkAsync(1, "[ -x /opt/rke2/bin/rke2 ] && [ ! -e /usr/local/bin/rke2 ] && echo yes"));
        Assert.Contains("ExecStart=/opt/rke2/bin/rke2 server", await lab.ExecOkAsync(1, "cat /etc/systemd/system/rke2-server.service"), StringComparison.Ordinal);
        Assert.Contains("ExecStart=/opt/rke2/bin/rke2 agent", await lab.ExecOkAsync(2, "cat /etc/systemd/system/rke2-agent.service"), StringComparison.Ordinal);
        var save = await rke2c.RunAsync("etcd-snapshot", "save", "--name", "on-opt", playbook);
        Assert.True(save.Exit == 0, save.ToString());
        Assert.Contains("on-opt", await lab.ExecOkAsync(1, "ls /var/lib/rancher/rke2/server/db/snapshots"), StringComparison.Ordinal);
        var restart = await rke2c.RunAsync("restart", "--yes", playbook);
        Assert.True(restart.Exit == 0, restart.ToString());
        var clean = await rke2c.RunAsync("plan", playbook);
        Assert.True(clean.Exit == 0, clean.ToString());
        // After a reboot the mounts are gone, but RKE2 is where it was installed: it stays there.
        await lab.RebootAsync(2);
        var state = "";
        // Bounded but generous: about three minutes, for a loaded machine.
        for (var attempt = 0; attempt < 360 && state != "active"; attempt++)
        {
            state = (await lab.ExecAsync(2, "systemctl is-active rke2-agent")).Stdout.Trim();
            if (state != "active") await Task.Delay(TimeSpan.FromMilliseconds(500));
        }
        Assert.Equal("active", state);
        var afterReboot = await rke2c.RunAsync("plan", playbook);
        Assert.True(afterReboot.Exit == 0, afterReboot.ToString());
    }
}
