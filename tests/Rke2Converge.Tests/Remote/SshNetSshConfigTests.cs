using System.Net;
using System.Net.NetworkInformation;
using Rke2Converge.Model;
using Rke2Converge.Remote;
using Rke2Converge.Remote.SshNet;
using Xunit;

namespace Rke2Converge.Tests.Remote;

/// <summary>The SSH.NET transport following an ssh_config to the lab's sshd: aliases, precedence and ProxyJump.</summary>
[Collection(SshdCollection.Name)]
public sealed class SshNetSshConfigTests(SshdLab lab)
{
    private static readonly RemoteCommand WhoAmI = new("who am i", "id -un");

    [Fact]
    public async Task A_host_alias_resolves_host_name_user_port_and_identity_file_with_tokens()
    {
        var directory = NewSshDirectory("alias");
        // %r@%h expands to root@127.0.77.1 (SshdLab.Address), after HostName and User are resolved.
        File.Copy(lab.ClientKey, Path.Combine(directory, $"root@{SshdLab.Address}"));
        var factory = Factory(directory, $"""
            Host other
              User nobody
            Host lab-alias
              HostName {SshdLab.Address}
              User root
              Port 22
              IdentityFile {directory}/%r@%h
            """);
        await using var shell = factory.Open(SshdLab.Node("node-alias", "lab-alias"), new SshSettings(), lab.KnownHostsFile);

        var result = await shell.RunCheckedAsync(WhoAmI, default);

        Assert.Equal("root\n", result.Stdout);
    }

    [Fact]
    public async Task The_playbooks_user_port_and_key_win_over_ssh_config()
    {
        var directory = NewSshDirectory("precedence");
        var factory = Factory(directory, $"""
            Host lab-alias
              HostName {SshdLab.Address}
              User nobody
              Port 2200
              IdentityFile {directory}/no-such-key
            """);
        await using var shell = factory.Open(SshdLab.Node("node-prec", "lab-alias"), lab.Ssh, lab.KnownHostsFile);

        var result = await shell.RunCheckedAsync(WhoAmI, default);

        Assert.Equal("root\n", result.Stdout);
    }

    [Fact]
    public async Task A_non_root_user_from_ssh_config_gets_sudo_like_a_playbook_user()
    {
        var factory = Factory(NewSshDirectory("sudo"), "Host lab-alias\n  User deploy\n");

        await using var shell = factory.Open(SshdLab.Node("node-sudo", "lab-alias"), new SshSettings(), lab.KnownHostsFile);

        Assert.StartsWith("sudo -n ", shell.CommandLineFor(WhoAmI), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ProxyJump_reaches_the_target_through_the_jump_host()
    {
        var factory = Factory(NewSshDirectory("jump"), JumpConfig());
        await using var shell = factory.Open(SshdLab.Node("node-jump", "behind"), new SshSettings(), JumpKnownHosts(targetKey: SshdLab.PublicKey(lab.HostKey)));

        var result = await shell.RunCheckedAsync(WhoAmI, default);

        Assert.Equal("root\n", result.Stdout);
        // While the shell is open, this process holds the connection to the jump host's port.
        Assert.Contains(IPGlobalProperties.GetIPGlobalProperties().GetActiveTcpConnections(), connection =>
            connection.State == TcpState.Established &&
            connection.RemoteEndPoint.Port == SshdLab.JumpPort &&
            connection.RemoteEndPoint.Address.MapToIPv4().Equals(IPAddress.Parse(SshdLab.Address)));
    }

    [Fact]
    public async Task ProxyJump_refuses_a_wrong_target_host_key_checked_under_the_targets_own_name()
    {
        var directory = NewSshDirectory("jump-wrongkey");
        LocalProcess.RunChecked("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", Path.Combine(directory, "impostor"));
        var factory = Factory(directory, JumpConfig());
        await using var shell = factory.Open(SshdLab.Node("node-jumpkey", "behind"), new SshSettings(),
            JumpKnownHosts(targetKey: SshdLab.PublicKey(Path.Combine(directory, "impostor"))));

        var error = await Assert.ThrowsAsync<RemoteConnectionException>(() => shell.RunAsync(WhoAmI, default));

        Assert.Contains("REMOTE HOST IDENTIFICATION HAS CHANGED", error.Message);
        Assert.Contains($"The ED25519 key of {SshdLab.Address} is now", error.Message);
        Assert.DoesNotContain("127.0.0.1", error.Message);
        Assert.DoesNotContain("ProxyJump", error.Message);
    }

    [Fact]
    public async Task An_unreachable_jump_host_is_named_in_the_error()
    {
        var factory = Factory(NewSshDirectory("jump-dead"), $"""
            Host behind
              HostName {SshdLab.Address}
              ProxyJump root@{SshdLab.DeadAddress}
            Host *
              IdentityFile {lab.ClientKey}
            """);
        await using var shell = factory.Open(SshdLab.Node("node-jumpdead", "behind"), lab.Ssh, lab.KnownHostsFile);

        var error = await Assert.ThrowsAsync<RemoteConnectionException>(() => shell.RunAsync(WhoAmI, default));

        Assert.Contains("node-jumpdead", error.Message);
        Assert.Contains($"cannot reach root@{SshdLab.DeadAddress} port 22", error.Message);
        Assert.Contains($"ProxyJump {SshdLab.DeadAddress}: ", error.Message);
    }

    [Fact]
    public async Task A_target_the_jump_host_cannot_reach_names_the_jump()
    {
        var factory = Factory(NewSshDirectory("jump-deadtarget"), JumpConfig().Replace(
            $"HostName {SshdLab.Address}\n  ProxyJump", $"HostName {SshdLab.DeadAddress}\n  ProxyJump", StringComparison.Ordinal));
        await using var shell = factory.Open(SshdLab.Node("node-jumpgone", "behind"), new SshSettings(), JumpKnownHosts(SshdLab.PublicKey(lab.HostKey)));

        var error = await Assert.ThrowsAsync<RemoteConnectionException>(() => shell.RunAsync(WhoAmI, default));

        Assert.Contains($"cannot reach root@{SshdLab.DeadAddress} port 22", error.Message);
        Assert.Contains("(through ProxyJump jumper", error.Message);
    }

    [Fact]
    public async Task A_broken_ssh_config_is_reported_with_file_and_line()
    {
        var directory = NewSshDirectory("broken");
        var factory = Factory(directory, "Host *\n  Port ssh\n");
        await using var shell = factory.Open(SshdLab.Node("node-broken"), lab.Ssh, lab.KnownHostsFile);

        var error = await Assert.ThrowsAsync<RemoteConnectionException>(() => shell.RunAsync(WhoAmI, default));

        Assert.Contains($"\n{directory}/config:2: bad Port 'ssh'", error.Message);
    }

    [Fact]
    public async Task KexAlgorithms_from_ssh_config_is_what_the_connection_offers()
    {
        var agreed = Factory(NewSshDirectory("kex-agreed"), "Host *\n  KexAlgorithms curve25519-sha256\n");
        // OpenSSH's server no longer offers group1; offered alone, the key exchange must fail.
        var refused = Factory(NewSshDirectory("kex-refused"), "Host *\n  KexAlgorithms diffie-hellman-group1-sha1\n");
        await using var agreeing = agreed.Open(SshdLab.Node("node-kex-agreed"), lab.Ssh, lab.KnownHostsFile);
        await using var refusing = refused.Open(SshdLab.Node("node-kex-refused"), lab.Ssh, lab.KnownHostsFile);

        var result = await agreeing.RunCheckedAsync(WhoAmI, default);
        var error = await Assert.ThrowsAsync<RemoteConnectionException>(() => refusing.RunAsync(WhoAmI, default));

        Assert.Equal("root\n", result.Stdout);
        Assert.Contains("No matching key exchange algorithm", error.Message);
    }

    private string JumpConfig() => $"""
        Host behind
          HostName {SshdLab.Address}
          ProxyJump jumper
        Host jumper
          HostName {SshdLab.Address}
          Port {SshdLab.JumpPort}
        Host *
          User root
          IdentityFile {lab.ClientKey}
        """;

    private string JumpKnownHosts(string targetKey)
    {
        var file = Path.Combine(lab.Directory, "known_hosts-jump-" + Guid.NewGuid().ToString("N")[..8]);
        File.WriteAllText(file,
            $"{KnownHosts.HostName(SshdLab.Address, SshdLab.JumpPort)} {SshdLab.PublicKey(lab.HostKey)}\n{SshdLab.Address} {targetKey}\n");
        return file;
    }

    private string NewSshDirectory(string name)
    {
        var directory = Path.Combine(lab.Directory, "sshconfig-" + name);
        Directory.CreateDirectory(directory);
        return directory;
    }

    private static SshNetShellFactory Factory(string sshDirectory, string config)
    {
        File.WriteAllText(Path.Combine(sshDirectory, "config"), config);
        return new SshNetShellFactory(new SshNetOptions
        {
            SshDirectory = sshDirectory,
            GlobalKnownHostsFile = Path.Combine(sshDirectory, "no_global_known_hosts"),
        });
    }
}
