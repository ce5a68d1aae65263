using System.Runtime.Versioning;
using Rke2Converge.LocalFiles;
using Rke2Converge.Tests.Playbooks;

namespace Rke2Converge.Tests.LocalFiles;

[SupportedOSPlatform("linux")]
public sealed class AtomicFileTests
{
    [Fact]
    public void A_new_file_gets_its_content_and_mode_and_no_temporary_file_is_left_beside_it()
    {
        using var workspace = new PlaybookWorkspace();
        var path = Path.Join(workspace.Root, "kubeconfig");

        AtomicFile.WriteText(path, "apiVersion: v1\n", UnixFileMode.UserRead | UnixFileMode.UserWrite);

        Assert.Equal("apiVersion: v1\n", File.ReadAllText(path));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
        Assert.Equal(["kubeconfig"], Directory.GetFiles(workspace.Root).Select(Path.GetFileName));
    }

    [Fact]
    public void The_previous_content_is_kept_as_a_backup_with_the_files_own_mode_before_it_is_replaced()
    {
        using var workspace = new PlaybookWorkspace();
        var path = workspace.Write("site.csx", "// old\n");
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);

        var backup = AtomicFile.BackUp(path);
        AtomicFile.WriteText(path, "// new\n");

        Assert.Equal(path + ".bak", backup);
        Assert.Equal("// old\n", File.ReadAllText(backup!));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(backup!));
        Assert.Equal("// new\n", File.ReadAllText(path));
        Assert.Null(AtomicFile.BackUp(Path.Join(workspace.Root, "absent")));
    }

    [Fact]
    public async Task An_asynchronous_write_replaces_the_whole_file()
    {
        using var workspace = new PlaybookWorkspace();
        var path = workspace.Write("entry.json", new string('x', 10_000));

        await AtomicFile.WriteAsync(path, "{}"u8.ToArray());

        Assert.Equal("{}", await File.ReadAllTextAsync(path));
    }
}
