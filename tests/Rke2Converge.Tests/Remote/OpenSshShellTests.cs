using Rke2Converge.Remote;
using Xunit;

namespace Rke2Converge.Tests.Remote;

[Collection(SshdCollection.Name)]
public sealed class OpenSshShellTests(SshdLab lab) : RemoteShellContract(lab)
{
    private protected override IRemoteShellFactory NewFactory(string name, TimeSpan? localGrace = null) => Lab.NewFactory(name, localGrace);

    [Fact]
    public async Task Master_connection_outlives_the_shell_until_closed()
    {
        var factory = Lab.NewFactory("cm-master");
        var shell = (OpenSshShell)factory.Open(SshdLab.Node("node-m"), Lab.Ssh, Lab.KnownHostsFile);
        await shell.RunCheckedAsync(new RemoteCommand("warm up", "true"), default);
        await shell.DisposeAsync();
        var check = shell.CommandLine.ForControl("check");

        Assert.Equal(0, LocalProcess.Run("ssh", check).ExitCode);
        var socket = Assert.Single(Directory.GetFileSystemEntries(factory.Options.ControlDirectory));

        await factory.CloseMastersAsync();

        Assert.NotEqual(0, LocalProcess.Run("ssh", check).ExitCode);
        // The master acknowledges "exit" before it removes its socket.
        for (var attempt = 0; attempt < 40 && File.Exists(socket); attempt++) await Task.Delay(50);
        Assert.False(File.Exists(socket));
    }
}
