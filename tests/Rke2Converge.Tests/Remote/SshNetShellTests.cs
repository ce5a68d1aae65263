using Rke2Converge.Remote;
using Rke2Converge.Remote.SshNet;
using Xunit;

namespace Rke2Converge.Tests.Remote;

/// <summary>The in-process SSH.NET transport, held to the same contract as the OpenSSH client.</summary>
[Collection(SshdCollection.Name)]
public sealed class SshNetShellTests(SshdLab lab) : RemoteShellContract(lab)
{
    // The lab's directory stands in for ~/.ssh, so the user's own keys and known_hosts never leak into a test.
    private protected override IRemoteShellFactory NewFactory(string name, TimeSpan? localGrace = null) =>
        new SshNetShellFactory(new SshNetOptions
        {
            SshDirectory = Path.Combine(Lab.Directory, name),
            GlobalKnownHostsFile = Path.Combine(Lab.Directory, "no_global_known_hosts"),
            LocalGrace = localGrace ?? TimeSpan.FromSeconds(10),
        });

    [Fact]
    public async Task Without_a_key_it_says_which_to_name_instead_of_trying_an_agent()
    {
        await using var shell = NewFactory("sshnet-nokey").Open(SshdLab.Node("node-k"), Lab.Ssh with { IdentityFile = null }, Lab.KnownHostsFile);

        var error = await Assert.ThrowsAsync<RemoteConnectionException>(() => shell.RunAsync(new RemoteCommand("hello", "echo hello"), default));

        Assert.Contains("node-k", error.Message);
        Assert.Contains("no private key: name one with Ssh(key: ...)", error.Message);
    }
}
