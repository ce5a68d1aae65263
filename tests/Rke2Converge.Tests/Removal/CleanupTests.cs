using Rke2Converge.Model;
using Rke2Converge.Plan.Steps;
using Rke2Converge.Remote;
using Rke2Converge.Removal;
using Rke2Converge.Rollout;
using Rke2Converge.Tests.Remote;
using Xunit;

namespace Rke2Converge.Tests.Removal;

/// <summary>
/// What remove and reset take off a host after rke2-uninstall.sh: rke2c's own files, run in a private mount namespace
/// whose /etc/default, /etc/systemd/system, /etc/sysctl.d, /etc/modules-load.d and /var/lib/rancher are test directories.
/// </summary>
public sealed class CleanupTests : IDisposable
{
    private static readonly (string Local, string Remote)[] Mounts =
    [
        ("default", "/etc/default"), ("systemd", "/etc/systemd/system"), ("sysctl", "/etc/sysctl.d"), ("modules", "/etc/modules-load.d"), ("rancher", "/var/lib/rancher"),
    ];

    private readonly string _root = Directory.CreateTempSubdirectory("rke2c-cleanup-").FullName;

    [Fact]
    public async Task Cleanup_removes_rke2c_s_files_backups_and_state_but_keeps_the_lock_other_files_and_what_links_point_to()
    {
        Write("default/rke2-server", "HTTP_PROXY=x\n");
        Write("default/ssh", "keep\n");
        Write("systemd/rke2-server.service.d/10-limits.conf", "[Service]\n");
        Write("systemd/other.service.d/keep.conf", "[Service]\n");
        Write("sysctl/90-rke2c.conf", "vm.swappiness = 10\n");
        Write("sysctl/10-keep.conf", "keep\n");
        Write("modules/rke2c-br_netfilter.conf", "br_netfilter\n");
        Write("modules/keep.conf", "keep\n");
        Write("rancher/rke2c/lock", "run=r1\n");
        Write("rancher/rke2c/backups/etc/rancher/rke2/config.yaml.20260101T000000000Z", "token: secret\n");
        Write("rancher/rke2c/pending", "restart\n");
        Write("rancher/rke2c/.hidden", "x\n");
        Write("rancher/outside", "keep\n");
        File.CreateSymbolicLink(Path.Combine(_root, "rancher/rke2c/link"), "/var/lib/rancher/outside");
        var shell = new LocalShell("n1", string.Join(" && ", Mounts.Select(m => $"mount --bind {ShellQuote.Quote(Path.Combine(_root, m.Local))} {m.Remote}")));

        var result = await shell.RunCheckedAsync(RemovalOperations.Cleanup(), default);

        Assert.Equal(
            ["/etc/default/rke2-server", "/etc/systemd/system/rke2-server.service.d", "/etc/sysctl.d/90-rke2c.conf", "/etc/modules-load.d/rke2c-br_netfilter.conf",
                "/var/lib/rancher/rke2c/backups", "/var/lib/rancher/rke2c/link", "/var/lib/rancher/rke2c/pending", "/var/lib/rancher/rke2c/.hidden"],
            result.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Equal(["lock"], Directory.EnumerateFileSystemEntries(Path.Combine(_root, "rancher/rke2c")).Select(Path.GetFileName));
        foreach (var kept in new[] { "default/ssh", "systemd/other.service.d/keep.conf", "sysctl/10-keep.conf", "modules/keep.conf", "rancher/outside" })
        {
            Assert.True(File.Exists(Path.Combine(_root, kept)), kept);
        }

        var again = await shell.RunCheckedAsync(RemovalOperations.Cleanup(), default);
        Assert.Equal("", again.Stdout);
    }

    [Fact]
    public void A_removal_plan_lists_the_cleanup_after_the_uninstall_bound_to_its_commands()
    {
        var nodes = new[] { new ClusterNode("s1", true, true, true, false), new ClusterNode("a1", false, false, true, false) };
        var plan = RemovalPlan.For("a1", "s1", nodes, "s1", hasHost: true, DrainPolicy.DefaultFor(NodeRole.Agent) with { Mode = DrainMode.Drain });

        Assert.Equal([StepKind.Cordon, StepKind.Drain, StepKind.DeleteNode, StepKind.Uninstall, StepKind.RemoveFile], plan.Steps.Select(s => s.Planned.Kind));
        var cleanup = plan.Steps[^1];
        Assert.Equal("a1", cleanup.Host);
        Assert.Contains("/etc/default/rke2-agent", cleanup.Planned.Description, StringComparison.Ordinal);
        Assert.Contains("backups holding the token", cleanup.Planned.Description, StringComparison.Ordinal);
        Assert.Equal(StepBinding.Of([RemovalOperations.Cleanup()], text => text), cleanup.Planned.CommandsSha256);
    }

    private void Write(string relative, string content)
    {
        var path = Path.Combine(_root, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, content);
    }

    public void Dispose() => Directory.Delete(_root, recursive: true);
}
