using System.Runtime.Versioning;
using Rke2Converge.Remote;

namespace Rke2Converge.Tests.Remote;

/// <summary>
/// The directory of ssh's master sockets: created 0700; refused, with nothing run, when it is a link, someone else's
/// or open to other users (on a shared jump host another user could create it first and sit in every connection).
/// </summary>
[SupportedOSPlatform("linux")]
public sealed class ControlDirectoryTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("rke2c-control-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private string Path(string name) => System.IO.Path.Combine(_root, name);

    [Fact]
    public void A_missing_directory_is_created_0700()
    {
        var directory = Path("cm");

        Assert.Null(ControlDirectory.Prepare(directory));

        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(directory));
    }

    [Fact]
    public void An_existing_directory_with_mode_0777_is_refused_and_left_as_it_is()
    {
        var directory = Path("open");
        Directory.CreateDirectory(directory);
        File.SetUnixFileMode(directory, (UnixFileMode)0b111_111_111);

        var problem = ControlDirectory.Prepare(directory);

        Assert.Equal($"ssh control directory {directory} has mode 777, open to other users (rke2c needs 0700); nothing was run. "
            + "Remove it (or use a directory only you own) and run again", problem);
        Assert.Equal((UnixFileMode)0b111_111_111, File.GetUnixFileMode(directory));
    }

    [Fact]
    public void A_directory_owned_by_another_uid_is_refused()
    {
        var directory = Path("theirs");
        Directory.CreateDirectory(directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        LocalProcess.RunChecked("chown", "nobody", directory);

        Assert.Contains($"{directory} is owned by uid 65534, not by you (uid {OpenSshOptions.CurrentUid()})", ControlDirectory.Prepare(directory), StringComparison.Ordinal);
    }

    [Fact]
    public void A_symbolic_link_is_refused_even_to_a_safe_directory()
    {
        var safe = Path("safe");
        Directory.CreateDirectory(safe, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        var link = Path("link");
        File.CreateSymbolicLink(link, safe);

        Assert.Contains($"{link} is a symbolic link, not a directory", ControlDirectory.Prepare(link), StringComparison.Ordinal);
    }

    [Fact]
    public void Opening_a_shell_over_an_unsafe_directory_throws_before_any_ssh_runs()
    {
        var directory = Path("factory");
        Directory.CreateDirectory(directory);
        File.SetUnixFileMode(directory, (UnixFileMode)0b111_111_101);
        var factory = new OpenSshShellFactory(new OpenSshOptions { ControlDirectory = directory, SshExecutable = "/nonexistent/ssh" });

        var error = Assert.Throws<UnsafeControlDirectoryException>(() => factory.Open(SshdLab.Node("n1"), new Rke2Converge.Model.SshSettings(), null));

        Assert.Contains("has mode 775", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_directory_of_ours_others_may_only_read_is_closed_to_0700()
    {
        var directory = Path("readable");
        Directory.CreateDirectory(directory);
        File.SetUnixFileMode(directory, (UnixFileMode)0b111_101_101);

        Assert.Null(ControlDirectory.Prepare(directory));

        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(directory));
    }
}
