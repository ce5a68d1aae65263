using Rke2Converge.IntegrationTests.Cli;
using Rke2Converge.IntegrationTests.Lab;
using static Rke2Converge.IntegrationTests.Converge.LabPlaybook;

namespace Rke2Converge.IntegrationTests.Converge;

[Collection(Clusters.Name)]
public sealed class DryRunTests
{
    /// <summary>Everything apply could change on a host: the files it writes, the binary it installs, live sysctls, service PIDs.</summary>
    internal const string HostState = """
        find /etc/rancher/rke2 /etc/sysctl.d /var/lib/rancher/rke2c /usr/local/bin/rke2 /usr/local/lib/systemd/system \
          \( -type f -o -type l \) -exec stat -c '%n %s %a %Y' {} + -exec sha256sum {} + 2>&1 | sort
        find /etc/rancher/rke2 /var/lib/rancher/rke2c -type d | sort
        echo "swappiness $(cat /proc/sys/vm/swappiness) panic $(cat /proc/sys/kernel/panic)"
        for unit in rke2-server rke2-agent; do
          echo "$unit $(systemctl show -p MainPID --value $unit) $(systemctl is-active $unit) $(systemctl is-enabled $unit)"
        done
        """;

    [Fact]
    public async Task Dry_run_shows_commands_and_diffs_exits_2_and_leaves_every_host_byte_identical()
    {
        await using var lab = await LabEnvironment.UpAsync("it-dryrun", 2, new LabOptions { Net = 90 });
        var rke2c = new Rke2cDriver(lab.Name);
        var playbook = rke2c.WritePlaybook("site.csx", Header(lab) + Node(lab, "Server", "server-1", 1) + Node(lab, "Agent", "agent-1", 2));
        var bootstrap = await rke2c.RunAsync("apply", "--yes", "-o", "json", playbook);
        Assert.True(bootstrap.Exit == 0, bootstrap.ToString());
        PublishedSchemas.AssertValid("apply", bootstrap.Stdout);
        // Drift: a config value on the server; the persisted sysctl file and the live value on the agent.
        await lab.ExecOkAsync(1, "sed -i 's/^protect-kernel-defaults: true/protect-kernel-defaults: false/' /etc/rancher/rke2/config.yaml");
        await lab.ExecOkAsync(2, "sysctl -w vm.swappiness=60 >/dev/null && sed -i 's/^vm.swappiness = 10$/vm.swappiness = 30/' /etc/sysctl.d/90-rke2c.conf");
        var before = new[] { await lab.ExecOkAsync(1, HostState), await lab.ExecOkAsync(2, HostState) };

        var dryRun = await rke2c.RunAsync("apply", "--dry-run", playbook);

        Assert.True(dryRun.Exit == 2, dryRun.ToString());
        var output = dryRun.Stdout;
        Assert.Contains("server-1: would change", output, StringComparison.Ordinal);
        Assert.Contains("agent-1: would change", output, StringComparison.Ordinal);
        Assert.Contains("Dry run complete: 2 node(s) would change; nothing was changed.", output, StringComparison.Ordinal);
        Assert.DoesNotContain("converged", output, StringComparison.Ordinal);
        Assert.DoesNotContain("Apply complete", output, StringComparison.Ordinal);
        // The exact remote command lines, and the diffs of the files they would write.
        Assert.Contains("$ timeout -k 5 30 sh -c 'set -eu", output, StringComparison.Ordinal);
        Assert.Contains("' rke2c /etc/rancher/rke2/config.yaml 0600 /var/lib/rancher/rke2c/backups ", output, StringComparison.Ordinal);
        Assert.Contains("' rke2c rke2-server restart no /var/lib/rancher/rke2c/pending", output, StringComparison.Ordinal);
        Assert.Contains("--- /etc/rancher/rke2/config.yaml", output, StringComparison.Ordinal);
        Assert.Contains("-protect-kernel-defaults: false\n", Normalize(output), StringComparison.Ordinal);
        Assert.Contains("+protect-kernel-defaults: true\n", Normalize(output), StringComparison.Ordinal);
        Assert.Contains("--- /etc/sysctl.d/90-rke2c.conf", output, StringComparison.Ordinal);
        Assert.Contains("-vm.swappiness = 30\n", Normalize(output), StringComparison.Ordinal);
        Assert.Contains("+vm.swappiness = 10\n", Normalize(output), StringComparison.Ordinal);
        Assert.Contains("rke2c vm.swappiness 10", output, StringComparison.Ordinal);
        Assert.DoesNotContain(rke2c.Token, rke2c.EverythingPrintedOrLogged(), StringComparison.Ordinal);

        var dryRunJson = await rke2c.RunAsync("apply", "--dry-run", "--output", "json", playbook);
        Assert.True(dryRunJson.Exit == 2, dryRunJson.ToString());
        PublishedSchemas.AssertValid("apply", dryRunJson.Stdout);
        Assert.Contains("\"dryRun\": [", dryRunJson.Stdout, StringComparison.Ordinal);

        Assert.Equal(before[0], await lab.ExecOkAsync(1, HostState));
        Assert.Equal(before[1], await lab.ExecOkAsync(2, HostState));
        var plan = await rke2c.RunAsync("plan", "-o", "json", playbook);
        Assert.True(plan.Exit == 2, plan.ToString()); // the drift is still there for a real apply
        PublishedSchemas.AssertValid("plan", plan.Stdout);
        // Every run here was piped: not one escape sequence in anything printed.
        Assert.DoesNotContain("\u001b", rke2c.EverythingPrintedOrLogged(), StringComparison.Ordinal);
    }

    /// <summary>Diff lines are printed indented under their step; this strips the indent so lines compare as in the diff.</summary>
    private static string Normalize(string output) =>
        string.Join('\n', output.Split('\n').Select(line => line.TrimStart(' '))) + "\n";
}
