using System.Diagnostics;
using Rke2Converge.Model;
using Rke2Converge.Remote;
using Rke2Converge.Rollout.Operations;
using Rke2Converge.Tests.Remote;
using Xunit;

namespace Rke2Converge.Tests.Rollout;

/// <summary>
/// The SSH connection dies while a file's content is on its way: the host must keep what it had (here: no file),
/// with no temp file left behind, rather than rename a truncated file into place.
/// </summary>
[Collection(SshdCollection.Name)]
public sealed class LostConnectionWriteTests(SshdLab lab)
{
    private const int ContentBytes = 4 * 1024 * 1024;

    [Fact]
    public async Task A_file_write_cut_off_half_way_replaces_nothing_and_leaves_no_temp_file()
    {
        var directory = Path.Combine(lab.Directory, "lost-write");
        Directory.CreateDirectory(directory);
        var target = Path.Combine(directory, "registries.yaml");

        await SendHalfThenDropTheConnectionAsync(FileOperations.WriteAtomically(target, new string('x', ContentBytes), "0600"), directory);

        Assert.False(File.Exists(target), $"{target} was created from a truncated transfer");
        Assert.Empty(Directory.GetFiles(directory));
    }

    [Fact]
    public async Task An_artifact_push_cut_off_half_way_leaves_no_artifact_and_no_part_file()
    {
        var tarball = Path.Combine(lab.Directory, "local-rke2.linux-amd64.tar.gz");
        File.WriteAllBytes(tarball, new byte[ContentBytes]);
        var command = InstallOperations.Push(Rke2Version.Parse("v1.32.5+rke2r1"), "rke2.linux-amd64.tar.gz", tarball);
        var directory = Path.Combine(lab.Directory, "lost-push");
        // Staged under the lab's directory instead of /var/lib/rancher: the real machine stays untouched.
        var redirected = command with { Arguments = [directory, .. command.Arguments.Skip(1)] };

        await SendHalfThenDropTheConnectionAsync(redirected, directory);

        Assert.False(File.Exists(Path.Combine(directory, "rke2.linux-amd64.tar.gz")));
        Assert.Empty(Directory.Exists(directory) ? Directory.GetFiles(directory) : []);
    }

    /// <summary>
    /// Runs <paramref name="command"/> through a one-shot ssh client (no master), writes half of its stdin, waits
    /// until the host has started receiving into a temp file, kills the client and waits for the host to finish.
    /// </summary>
    private async Task SendHalfThenDropTheConnectionAsync(RemoteCommand command, string directory)
    {
        var commandLine = new SshCommandLine(new SshTarget("node-lost", SshdLab.Address, lab.Ssh, lab.KnownHostsFile), new OpenSshOptions());
        var arguments = commandLine.ForCommand(command)
            .Select(a => a.StartsWith("ControlMaster=", StringComparison.Ordinal) ? "ControlMaster=no"
                : a.StartsWith("ControlPath=", StringComparison.Ordinal) ? "ControlPath=none" : a)
            .ToList();
        var startInfo = new ProcessStartInfo("ssh")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments) startInfo.ArgumentList.Add(argument);
        using var client = Process.Start(startInfo)!;
        var stdin = client.StandardInput.BaseStream;
        await using (var content = command.OpenStdin()!)
        {
            var half = new byte[content.Length / 2];
            await content.ReadExactlyAsync(half);
            await stdin.WriteAsync(half);
        }
        await stdin.FlushAsync();

        var receiving = await WaitAsync(() => Directory.Exists(directory) && Directory.GetFiles(directory).Any(f => new FileInfo(f).Length > 0));
        Assert.True(receiving, $"the host never started receiving into {directory}");
        client.Kill(entireProcessTree: true);
        await client.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));

        // The host side notices the lost connection on its own; give it generous time before judging what it left.
        await WaitAsync(() => !Directory.Exists(directory) || Directory.GetFiles(directory).All(f => !IsTemp(f)));
        await Task.Delay(TimeSpan.FromSeconds(1));
    }

    private static bool IsTemp(string path) => Path.GetFileName(path).Contains(".rke2c.", StringComparison.Ordinal)
        || Path.GetFileName(path).Contains(".part.", StringComparison.Ordinal);

    private static async Task<bool> WaitAsync(Func<bool> condition)
    {
        for (var attempt = 0; attempt < 1200; attempt++)
        {
            if (condition()) return true;
            await Task.Delay(50);
        }
        return condition();
    }
}
