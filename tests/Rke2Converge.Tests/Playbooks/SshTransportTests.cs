using Rke2Converge.Model;
using Xunit;

namespace Rke2Converge.Tests.Playbooks;

public sealed class SshTransportTests : IDisposable
{
    private const string Cluster = "Cluster(\"c\").Version(\"v1.32.5+rke2r1\").Token(Secret.FromEnv(\"T\"));\nServer(\"s1\", \"127.0.0.1\");\n";

    private readonly PlaybookWorkspace _workspace = new();

    public void Dispose() => _workspace.Dispose();

    [Theory]
    [InlineData("", null)]
    [InlineData("Ssh(user: \"root\");", null)]
    [InlineData("Ssh(transport: SshTransport.OpenSsh);", SshTransport.OpenSsh)]
    [InlineData("Ssh(transport: SshTransport.SshNet);", SshTransport.SshNet)]
    [InlineData("Ssh(transport: SshTransport.SshNet); Ssh(user: \"ops\", key: \"k\");", SshTransport.SshNet)]
    [InlineData("Ssh(transport: SshTransport.SshNet); Ssh(transport: SshTransport.OpenSsh);", SshTransport.OpenSsh)]
    public async Task ThePlaybooksTransportReachesTheModel(string ssh, SshTransport? expected)
    {
        var path = _workspace.Write("site.csx", Cluster + ssh + "\n");

        var result = await _workspace.Loader().LoadAsync(path, CancellationToken.None);

        Assert.True(result.Succeeded, string.Join("\n", result.Diagnostics));
        Assert.Equal(expected, result.Model!.Transport);
    }

    [Theory]
    [InlineData(null, null, SshTransport.OpenSsh)]
    [InlineData(null, SshTransport.SshNet, SshTransport.SshNet)]
    [InlineData(SshTransport.SshNet, null, SshTransport.SshNet)]
    [InlineData(SshTransport.OpenSsh, SshTransport.SshNet, SshTransport.OpenSsh)]
    [InlineData(SshTransport.SshNet, SshTransport.OpenSsh, SshTransport.SshNet)]
    public void AnExplicitCommandLineChoiceWinsOverThePlaybook(SshTransport? commandLine, SshTransport? playbook, SshTransport expected) =>
        Assert.Equal(expected, SshTransportChoice.Resolve(commandLine, playbook));
}
