using System.Security.Cryptography;
using Rke2Converge.Model;
using Rke2Converge.Remote;
using Rke2Converge.Rollout.Operations;
using Rke2Converge.Tests.Remote;
using Xunit;

namespace Rke2Converge.Tests.Rollout;

/// <summary>Artifacts are streamed from disk and not sent again when the node already holds the same bytes.</summary>
public sealed class ArtifactStagingTests : IDisposable
{
    private static readonly Rke2Version Version = Rke2Version.Parse("v1.32.5+rke2r1");
    private const string Tarball = "rke2.linux-amd64.tar.gz";

    private readonly string _root = Directory.CreateTempSubdirectory("rke2c-staging-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact]
    public async Task A_pushed_file_arrives_whole_from_a_local_file_and_then_counts_as_staged()
    {
        var local = Path.Combine(_root, "local.tar.gz");
        var content = RandomNumberGenerator.GetBytes(3 * 1024 * 1024 + 17);
        File.WriteAllBytes(local, content);
        var staging = Path.Combine(_root, "staging");
        var shell = new LocalShell("node-1");
        var sha256 = Convert.ToHexStringLower(SHA256.HashData(content));

        var before = await shell.RunAsync(Redirected(InstallOperations.IsStaged(Version, Tarball, sha256), staging), CancellationToken.None);
        var push = await shell.RunAsync(Redirected(InstallOperations.Push(Version, Tarball, local), staging), CancellationToken.None);
        var after = await shell.RunAsync(Redirected(InstallOperations.IsStaged(Version, Tarball, sha256), staging), CancellationToken.None);
        var otherBytes = await shell.RunAsync(Redirected(InstallOperations.IsStaged(Version, Tarball, new string('0', 64)), staging), CancellationToken.None);

        Assert.NotEqual(0, before.ExitCode);
        Assert.True(push.Succeeded, push.Stderr);
        Assert.Equal(content, File.ReadAllBytes(Path.Combine(staging, Tarball)));
        Assert.Equal(0, after.ExitCode);
        Assert.NotEqual(0, otherBytes.ExitCode);
    }

    [Fact]
    public void A_push_holds_a_path_not_the_bytes()
    {
        var local = Path.Combine(_root, "local.tar.gz");
        File.WriteAllBytes(local, new byte[4096]);

        var push = InstallOperations.Push(Version, Tarball, local);

        Assert.Null(push.Stdin);
        Assert.Equal(local, push.StdinFile);
        Assert.Equal("4096", push.Arguments[2]);
    }

    // Staged under the test's own directory instead of /var/lib/rancher: the machine stays untouched.
    private static RemoteCommand Redirected(RemoteCommand command, string staging) =>
        command with { Arguments = [staging, .. command.Arguments.Skip(1)] };
}
