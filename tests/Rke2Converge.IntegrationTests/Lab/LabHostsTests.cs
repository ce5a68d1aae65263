using Xunit;

namespace Rke2Converge.IntegrationTests.Lab;

public sealed class LabHostsFixture() : LabFixture("it-lab-hosts", 2, new LabOptions { Net = 210, SudoUser = "rke2c" });

/// <summary>The lab's hosts are real SSH servers with private configuration and kernel settings.</summary>
public sealed class LabHostsTests(LabHostsFixture fixture) : IClassFixture<LabHostsFixture>
{
    private LabEnvironment Lab => fixture.Lab;

    [Fact]
    public async Task Ssh_with_the_generated_key_and_pinned_known_hosts_reaches_every_host()
    {
        foreach (var host in Lab.Hosts)
        {
            var (exit, stdout, stderr) = await Lab.SshAsync(host.Index, "id -u; cat /run/rke2-sim/host.env");
            Assert.True(exit == 0, $"ssh to {host.Address} failed: {stderr}");
            Assert.StartsWith("0\n", stdout);
            Assert.Contains($"RKE2_SIM_HOST={host.Name}\n", stdout);
            Assert.Contains($"RKE2_SIM_NODE_ADDRESS={host.Address}\n", stdout);
            Assert.Equal(LabEnvironment.Address(210, host.Index), host.Address);
        }
    }

    [Fact]
    public async Task A_host_key_missing_from_known_hosts_is_refused()
    {
        var empty = Path.GetTempFileName();
        try
        {
            var (exit, stdout, stderr) = await Lab.SshAsync(1, "echo reached", knownHostsPath: empty);
            Assert.Equal(255, exit);
            Assert.DoesNotContain("reached", stdout);
            Assert.Contains("Host key verification failed", stderr);
        }
        finally
        {
            File.Delete(empty);
        }
    }

    [Fact]
    public async Task Rancher_directories_and_sysctls_are_private_to_each_host()
    {
        var realOvercommit = await File.ReadAllTextAsync("/proc/sys/vm/overcommit_memory");

        var (exit, _, stderr) = await Lab.SshAsync(1,
            "echo one > /etc/rancher/marker && mkdir -p /var/lib/rancher/rke2 && sysctl -w vm.overcommit_memory=1 >/dev/null");
        Assert.True(exit == 0, stderr);

        var host1 = await Lab.SshAsync(1, "cat /etc/rancher/marker; sysctl -n vm.overcommit_memory");
        Assert.Equal("one\n1\n", host1.Stdout);
        var host2 = await Lab.ExecAsync(2, "ls -A /etc/rancher /var/lib/rancher; sysctl -n vm.overcommit_memory");
        Assert.Equal("/etc/rancher:\n\n/var/lib/rancher:\n0\n", host2.Stdout);

        Assert.Equal(realOvercommit, await File.ReadAllTextAsync("/proc/sys/vm/overcommit_memory"));
        Assert.False(File.Exists("/etc/rancher/marker"));
        Assert.False(Directory.Exists("/var/lib/rancher/rke2"));

        var unknown = await Lab.SshAsync(1, "sysctl -w vm.no_such_key=1");
        Assert.NotEqual(0, unknown.Exit);
        Assert.Contains("sysctl: cannot stat /proc/sys/vm/no_such_key", unknown.Stderr);
    }

    [Fact]
    public async Task The_sudo_user_logs_in_with_the_key_and_has_passwordless_sudo()
    {
        var (exit, stdout, stderr) = await Lab.SshAsync(2, "id -un; sudo -n id -u; echo ~", user: "rke2c");
        Assert.True(exit == 0, stderr);
        Assert.Equal("rke2c\n0\n/home/rke2c\n", stdout);
        Assert.DoesNotContain("rke2c:", await File.ReadAllTextAsync("/etc/passwd"));
    }
}
