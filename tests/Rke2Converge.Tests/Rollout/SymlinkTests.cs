using System.Runtime.Versioning;
using Rke2Converge.Plan;
using Rke2Converge.Remote;
using Rke2Converge.Resources;
using Rke2Converge.Rollout.Operations;
using Rke2Converge.Tests.Remote;
using Rke2Converge.Tests.Resources;

namespace Rke2Converge.Tests.Rollout;

/// <summary>
/// Symbolic links planted on a host, against the real fact script and the real remote scripts (run as a node's login
/// shell runs them, /etc/rancher and /var/lib/rancher bound to a temp directory): a link at a managed path, or a parent
/// link someone else could have made, is a plan problem naming host and path, every write, chmod and chown refuses it,
/// and the link's target is never read, changed or printed.
/// </summary>
[Collection(SshdCollection.Name)]
[SupportedOSPlatform("linux")]
public sealed class SymlinkTests(SshdLab lab) : IDisposable
{
    private const string TargetContent = "secret-of-the-target\n";

    private readonly ResourceHarness _host = new();

    public void Dispose() => _host.Dispose();

    private string Outside(string name) => Path.Combine(_host.Root, "outside", name);

    /// <summary>A private file outside the managed paths, mode 0600, for links to point at.</summary>
    private string TargetFile(string name)
    {
        var path = Outside(name);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, TargetContent);
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        return path;
    }

    private string TargetDirectory(string name)
    {
        var path = Outside(name);
        Directory.CreateDirectory(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        return path;
    }

    /// <summary>Plants a link at <paramref name="hostPath"/> (under /etc/rancher on the node) to <paramref name="target"/>.</summary>
    private string Plant(string hostPath, string target)
    {
        var local = _host.Local(hostPath);
        Directory.CreateDirectory(Path.GetDirectoryName(local)!);
        File.CreateSymbolicLink(local, target);
        return local;
    }

    private static string Stat(string path, string format) => LocalProcess.RunChecked("stat", "-c", format, "--", path).StdoutText.Trim();

    private async Task<RemoteCommandException> RefusedAsync(RemoteCommand command)
    {
        var error = await Assert.ThrowsAsync<RemoteCommandException>(() => _host.Shell.RunCheckedAsync(command, CancellationToken.None));
        Assert.Equal(SymlinkGuard.RefusedExitCode, error.Result.ExitCode);
        Assert.StartsWith("node-1: ", error.Message, StringComparison.Ordinal);
        return error;
    }

    private static void AssertProblem(HostPlan plan, string link)
    {
        Assert.Contains(plan.Problems, problem => problem.Contains($"'{link}' on node-1 is a symbolic link", StringComparison.Ordinal));
        Assert.Empty(plan.Changes.OfType<ResourceChange>());
        var shown = string.Join('\n', plan.Problems.Concat(plan.Changes.SelectMany(change => change.Details.Prepend(change.Summary))));
        Assert.DoesNotContain("secret-of-the-target", shown, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_symlinked_file_is_a_plan_problem_its_target_is_never_read_and_every_write_is_refused()
    {
        var target = TargetFile("shadow");
        var link = Plant("/etc/rancher/app.conf", target);

        var plan = await _host.PlanAsync(new FileResource("/etc/rancher/app.conf", "new content\n", "0644", "nobody"));

        AssertProblem(plan, "/etc/rancher/app.conf");
        var state = Assert.IsType<FileState>(plan.Facts.Resources["file /etc/rancher/app.conf"]);
        Assert.Equal(new FileState(FileKind.Link, Link: "/etc/rancher/app.conf"), state);
        var write = await RefusedAsync(FileOperations.WriteAtomically("/etc/rancher/app.conf", "new content\n", "0644", "nobody"));
        Assert.Contains("refusing to touch /etc/rancher/app.conf: /etc/rancher/app.conf is a symbolic link", write.Message, StringComparison.Ordinal);
        await RefusedAsync(FileOperations.SetAttributes("/etc/rancher/app.conf", "0644", "nobody"));
        await RefusedAsync(FileOperations.Read("/etc/rancher/app.conf"));
        Assert.Equal(TargetContent, File.ReadAllText(target));
        Assert.Equal("600 root", Stat(target, "%a %U"));
        Assert.NotNull(new FileInfo(link).LinkTarget);
    }

    [Fact]
    public async Task A_symlinked_config_yaml_is_never_read_and_the_hosts_facts_are_refused()
    {
        var target = TargetFile("not-a-config");
        Directory.CreateDirectory(_host.Local("/etc/rancher/rke2"));
        Plant("/etc/rancher/rke2/config.yaml", target);

        var error = await Assert.ThrowsAsync<Rke2Converge.Facts.FactGatheringException>(() => _host.PlanAsync());

        Assert.Contains("node-1: cannot read gathered facts: line 5: '/etc/rancher/rke2/config.yaml' is a symbolic link where rke2c keeps a file it manages",
            error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("secret-of-the-target", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_symlinked_directory_keeps_its_targets_mode_and_owner()
    {
        var target = TargetDirectory("private");
        Plant("/etc/rancher/data", target);

        var plan = await _host.PlanAsync(new DirectoryResource("/etc/rancher/data", "0755", "nobody"));

        AssertProblem(plan, "/etc/rancher/data");
        await RefusedAsync(FileOperations.EnsureDirectory("/etc/rancher/data", "0755", "nobody"));
        await RefusedAsync(FileOperations.SetAttributes("/etc/rancher/data", "0755", "nobody"));
        Assert.Equal("700 root", Stat(target, "%a %U"));
    }

    [Fact]
    public async Task A_parent_link_owned_by_another_user_is_refused_and_nothing_is_created_behind_it()
    {
        var target = TargetDirectory("elsewhere");
        var link = Plant("/etc/rancher/conf.d", target);
        LocalProcess.RunChecked("chown", "-h", "nobody", link);

        var plan = await _host.PlanAsync(new FileResource("/etc/rancher/conf.d/x.conf", "x\n", "0644", null));

        AssertProblem(plan, "/etc/rancher/conf.d");
        var error = await RefusedAsync(FileOperations.WriteAtomically("/etc/rancher/conf.d/x.conf", "x\n", "0644"));
        Assert.Contains("/etc/rancher/conf.d is a symbolic link", error.Message, StringComparison.Ordinal);
        await RefusedAsync(FileOperations.EnsureDirectory("/etc/rancher/conf.d/sub", "0755"));
        Assert.Empty(Directory.GetFileSystemEntries(target));
    }

    [Fact]
    public async Task A_parent_link_in_a_directory_others_may_write_is_refused()
    {
        var target = TargetDirectory("shared-target");
        var shared = _host.Local("/etc/rancher/shared");
        Directory.CreateDirectory(shared);
        File.SetUnixFileMode(shared, (UnixFileMode)0b111_111_111);
        Plant("/etc/rancher/shared/current", target);

        var plan = await _host.PlanAsync(new FileResource("/etc/rancher/shared/current/a.conf", "x\n", "0644", null));

        AssertProblem(plan, "/etc/rancher/shared/current");
        await RefusedAsync(FileOperations.WriteAtomically("/etc/rancher/shared/current/a.conf", "x\n", "0644"));
        Assert.Empty(Directory.GetFileSystemEntries(target));
    }

    [Fact]
    public async Task A_parent_link_only_rke2cs_own_account_could_have_made_is_followed()
    {
        var target = TargetDirectory("release-1");
        Plant("/etc/rancher/current", target);

        var changes = await _host.ChangesAsync(new FileResource("/etc/rancher/current/a.conf", "followed\n", "0644", null));
        await _host.ApplyAsync(changes);

        Assert.Equal("file /etc/rancher/current/a.conf: create (0644)", Assert.Single(changes).Summary);
        Assert.Equal("followed\n", File.ReadAllText(Path.Combine(target, "a.conf")));
    }

    [Fact]
    public async Task Removing_a_file_that_is_a_link_moves_the_link_and_leaves_its_target()
    {
        var target = TargetFile("kept");
        var link = Plant("/etc/rancher/old.conf", target);

        var changes = await _host.ChangesAsync(new FileResource("/etc/rancher/old.conf", null, "0644", null).Absent());
        await _host.ApplyAsync(changes);

        Assert.Equal("file /etc/rancher/old.conf: remove", Assert.Single(changes).Summary);
        Assert.False(File.Exists(link) || new FileInfo(link).LinkTarget is not null);
        Assert.Equal(TargetContent, File.ReadAllText(target));
    }

    [Fact]
    public async Task Over_ssh_a_write_to_a_symlinked_file_is_refused_and_the_target_unchanged()
    {
        var directory = Path.Combine(lab.Directory, "symlinked-" + Guid.NewGuid().ToString("N")[..6]);
        Directory.CreateDirectory(directory);
        var target = Path.Combine(directory, "target");
        File.WriteAllText(target, TargetContent);
        var link = Path.Combine(directory, "registries.yaml");
        File.CreateSymbolicLink(link, target);
        var command = FileOperations.WriteAtomically(link, "mirrors: {}\n", "0600", "nobody");
        // Backups under the lab's directory instead of /var/lib/rancher: the real machine stays untouched.
        command = command with { Arguments = [.. command.Arguments.Select((argument, i) => i == 2 ? Path.Combine(directory, "backups") : argument)] };
        await using var shell = lab.Open("node-symlink", "cm-symlink");

        var error = await Assert.ThrowsAsync<RemoteCommandException>(() => shell.RunCheckedAsync(command, CancellationToken.None));

        Assert.Equal(SymlinkGuard.RefusedExitCode, error.Result.ExitCode);
        Assert.Contains($"node-symlink: write {link} failed", error.Message, StringComparison.Ordinal);
        Assert.Equal(TargetContent, File.ReadAllText(target));
        Assert.Equal([link, target], Directory.GetFileSystemEntries(directory).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task After_seven_writes_only_the_newest_five_backups_remain()
    {
        await _host.ApplyAsync(await _host.ChangesAsync(new FileResource("/etc/rancher/r.conf.old", "neighbour 1\n", "0644", null)));
        await _host.ApplyAsync(await _host.ChangesAsync(new FileResource("/etc/rancher/r.conf.old", "neighbour 2\n", "0644", null)));
        for (var i = 1; i <= 7; i++)
        {
            await _host.ApplyAsync(await _host.ChangesAsync(new FileResource("/etc/rancher/r.conf", $"v{i}\n", "0644", null)));
        }

        Assert.Equal(["v2\n", "v3\n", "v4\n", "v5\n", "v6\n"], Backups("_etc_rancher_r.conf."));
        Assert.Equal(["neighbour 1\n"], Backups("_etc_rancher_r.conf.old."));
    }

    [Fact]
    public async Task KeepBackups_sets_how_many_remain()
    {
        using var host = new ResourceHarness { BackupsKept = 2 };
        for (var i = 1; i <= 4; i++)
        {
            await host.ApplyAsync(await host.ChangesAsync(new FileResource("/etc/rancher/k.conf", $"v{i}\n", "0644", null)));
        }

        var backups = Directory.GetFiles(host.Local("/var/lib/rancher/rke2c/backups"), "_etc_rancher_k.conf.*").Order(StringComparer.Ordinal);
        Assert.Equal(["v2\n", "v3\n"], backups.Select(File.ReadAllText));
    }

    [Fact]
    public void KeepBackups_in_a_playbook_reaches_every_nodes_desired_state()
    {
        var playbook = new Rke2Converge.Playbooks.PlaybookGlobals("/playbooks/site.csx");
        playbook.Cluster("lab").Version("v1.32.5+rke2r1");
        playbook.Server("s1", "10.0.0.1");
        Assert.Equal(FileOperations.DefaultBackupsKept, playbook.ToModel().BackupsKept);

        playbook.KeepBackups(3);

        Assert.Equal(3, Assert.Single(Rke2Converge.Plan.Desired.DesiredStateBuilder.Build(playbook.ToModel())).BackupsKept);
    }

    /// <summary>Contents of one path's backups, oldest first (their names end in a fixed-width timestamp).</summary>
    private IReadOnlyList<string> Backups(string prefix) =>
        [.. Directory.GetFiles(_host.Local("/var/lib/rancher/rke2c/backups"))
            .Where(file => Path.GetFileName(file) is var name && name.StartsWith(prefix, StringComparison.Ordinal) && name[prefix.Length..].EndsWith('Z') && !name[prefix.Length..].Contains('.', StringComparison.Ordinal))
            .Order(StringComparer.Ordinal)
            .Select(File.ReadAllText)];
}
