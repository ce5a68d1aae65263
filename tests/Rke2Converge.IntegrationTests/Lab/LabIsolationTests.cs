using System.Net.Sockets;
using Xunit;

namespace Rke2Converge.IntegrationTests.Lab;

public sealed class LabIsolationFixture() : LabFixture("it-lab-isolation", 2, new LabOptions { Net = 120 });

/// <summary>
/// Each lab host is its own machine: its root filesystem is an overlay with a private upper layer and it has its own
/// network namespace (its own 127.0.0.1), yet the machine and the other hosts reach it at its address.
/// </summary>
public sealed class LabIsolationTests(LabIsolationFixture fixture) : IClassFixture<LabIsolationFixture>
{
    private LabEnvironment Lab => fixture.Lab;

    [Fact]
    public async Task Files_written_anywhere_on_a_host_stay_on_that_host()
    {
        const string probe = "/etc/rke2c-it-probe";
        const string optProbe = "/opt/rke2c-it-probe/x";
        Assert.False(File.Exists(probe), $"{probe} exists on the machine before the test");
        await ExecOkAsync(1, $"echo one > {probe} && mkdir -p /opt/rke2c-it-probe && echo two > {optProbe}");

        Assert.Equal("one\ntwo\n", await ExecOkAsync(1, $"cat {probe} {optProbe}"));
        Assert.False(File.Exists(probe), $"{probe} reached the machine");
        Assert.False(Directory.Exists(Path.GetDirectoryName(optProbe)), "/opt/rke2c-it-probe reached the machine");
        var other = await Lab.ExecAsync(2, $"ls {probe} /opt/rke2c-it-probe");
        Assert.NotEqual(0, other.Exit);
        Assert.Contains("No such file or directory", other.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Users_added_on_a_host_exist_only_there()
    {
        const string user = "rke2c-it-user";
        Assert.DoesNotContain($"\n{user}:", "\n" + await File.ReadAllTextAsync("/etc/passwd"));
        await ExecOkAsync(1, $"useradd --system --no-create-home {user} && getent group {user} >/dev/null");

        Assert.Equal(user, (await ExecOkAsync(1, $"id -un {user}")).Trim());
        var other = await Lab.ExecAsync(2, $"id {user}");
        Assert.NotEqual(0, other.Exit);
        Assert.DoesNotContain($"\n{user}:", "\n" + await File.ReadAllTextAsync("/etc/passwd"));
        Assert.DoesNotContain($"\n{user}:", "\n" + await File.ReadAllTextAsync("/etc/group"));
    }

    [Fact]
    public async Task Every_host_binds_its_own_loopback_and_is_reached_at_its_address()
    {
        // A second sshd per host on 127.0.0.1:2381 (where RKE2's etcd serves /health): both bind at once, and each
        // host's loopback answers with that host's own key.
        foreach (var host in Lab.Hosts)
        {
            var config = Path.Combine(Lab.Directory, "hosts", host.Name, "sshd_config");
            await ExecOkAsync(host.Index,
                $"setsid timeout 300 /usr/sbin/sshd -D -f '{config}' -o ListenAddress=127.0.0.1 -o Port=2381 -o PidFile=none " +
                "</dev/null >/dev/null 2>&1 & echo started"); // lab down ends it with the host
        }
        foreach (var host in Lab.Hosts)
        {
            var key = await WaitForKeyAsync(host.Index, "127.0.0.1", 2381);
            Assert.Equal(HostKey(host.Name), key);
        }

        foreach (var host in Lab.Hosts)
        {
            // From the machine: the SSH banner at the host's address.
            using var client = new TcpClient();
            await client.ConnectAsync(host.Address, host.Port).WaitAsync(TimeSpan.FromSeconds(60));
            using var reader = new StreamReader(client.GetStream());
            var banner = await reader.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(60));
            Assert.StartsWith("SSH-2.0-", banner, StringComparison.Ordinal);
        }
        // From the other host: h2 reaches h1 at h1's address, and finds h1's key there.
        Assert.Equal(HostKey("h1"), await WaitForKeyAsync(2, Lab.Host(1).Address, Lab.Host(1).Port));
    }

    private string HostKey(string host) =>
        File.ReadAllText(Path.Combine(Lab.Directory, "hosts", host, "keys", "ssh_host_ed25519_key.pub")).Split(' ')[1];

    /// <summary>The ed25519 key ssh-keyscan finds on address:port as seen from inside the host (bounded retries).</summary>
    private async Task<string> WaitForKeyAsync(int host, string address, int port)
    {
        var last = "";
        for (var attempt = 0; attempt < 60; attempt++)
        {
            var (exit, stdout, stderr) = await Lab.ExecAsync(host, $"ssh-keyscan -T 10 -t ed25519 -p {port} {address} 2>/dev/null");
            var fields = stdout.Split([' ', '\n'], StringSplitOptions.RemoveEmptyEntries);
            if (exit == 0 && fields.Length >= 3) return fields[2];
            last = $"exit {exit}: {stdout}{stderr}";
            await Task.Delay(TimeSpan.FromSeconds(1));
        }
        Assert.Fail($"h{host}: nothing answers SSH on {address}:{port} ({last})");
        return "";
    }

    private async Task<string> ExecOkAsync(int host, string command)
    {
        var (exit, stdout, stderr) = await Lab.ExecAsync(host, command);
        Assert.True(exit == 0, $"h{host}: `{command}` exited {exit}: {stderr}");
        return stdout;
    }
}
