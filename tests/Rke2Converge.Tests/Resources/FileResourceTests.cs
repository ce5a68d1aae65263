using Rke2Converge.Model;
using Rke2Converge.Resources;

using System.Runtime.Versioning;

namespace Rke2Converge.Tests.Resources;

/// <summary>File and Directory through the real fact script and steps: create, clean re-plan, drift by hand, remediate, absent.</summary>
[SupportedOSPlatform("linux")]
public sealed class FileResourceTests : IDisposable
{
    private const string Path = "/etc/rancher/rke2/audit-policy.yaml";
    private readonly ResourceHarness _node = new();

    public void Dispose() => _node.Dispose();

    [Fact]
    public async Task A_file_is_created_then_clean_then_drift_by_hand_is_shown_as_a_line_diff_and_put_back()
    {
        var file = new FileResource(Path, "rules:\n- level: Metadata\n", "0600", null);
        var create = Assert.Single(await _node.ChangesAsync(file));
        Assert.Equal("file /etc/rancher/rke2/audit-policy.yaml: create (0600)", create.Summary);
        Assert.Equal(["+ rules:", "+ - level: Metadata"], create.Details);
        await _node.ApplyAsync([create]);
        Assert.Equal("rules:\n- level: Metadata\n", File.ReadAllText(_node.Local(Path)));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(_node.Local(Path)));
        Assert.Empty(await _node.ChangesAsync(file));

        File.WriteAllText(_node.Local(Path), "rules:\n- level: None\n");
        var drift = Assert.Single(await _node.ChangesAsync(file));
        Assert.Equal("update", drift.Description);
        Assert.Equal(["- - level: None", "+ - level: Metadata"], drift.Details);
        await _node.ApplyAsync([drift]);
        Assert.Empty(await _node.ChangesAsync(file));
        var backups = Directory.GetFiles(_node.Local("/var/lib/rancher/rke2c/backups"));
        Assert.Contains(backups, backup => File.ReadAllText(backup) == "rules:\n- level: None\n");
    }

    [Fact]
    public async Task A_mode_change_alone_is_a_chmod_not_a_rewrite()
    {
        var file = new FileResource(Path, "x\n", "0644", null);
        await _node.ApplyAsync(await _node.ChangesAsync(file));
        File.SetUnixFileMode(_node.Local(Path), UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.OtherWrite);
        var change = Assert.Single(await _node.ChangesAsync(file));
        Assert.Equal(["mode 0602 → 0644"], change.Details);
        Assert.StartsWith("chmod 0644", Assert.Single(change.Steps).Description, StringComparison.Ordinal);
        await _node.ApplyAsync([change]);
        Assert.Empty(await _node.ChangesAsync(file));
    }

    [Fact]
    public async Task Absent_moves_the_file_into_the_backups_and_then_has_nothing_to_do()
    {
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(_node.Local(Path))!);
        File.WriteAllText(_node.Local(Path), "old\n");
        var absent = new FileResource(Path, null, "0644", null).Absent();
        var change = Assert.Single(await _node.ChangesAsync(absent));
        Assert.Equal("remove", change.Description);
        Assert.Equal(["- old"], change.Details);
        await _node.ApplyAsync([change]);
        Assert.False(File.Exists(_node.Local(Path)));
        Assert.Contains(Directory.GetFiles(_node.Local("/var/lib/rancher/rke2c/backups")), backup => File.ReadAllText(backup) == "old\n");
        Assert.Empty(await _node.ChangesAsync(absent));
    }

    [Fact]
    public async Task A_sensitive_file_never_travels_back_and_its_diff_is_masked()
    {
        var file = new FileResource(Path, SecretSource.FromEnv("RKE2C_TEST_UNUSED"), "0600", null);
        await _node.ApplyAsync(await _node.ChangesAsync(file));
        Assert.Equal(ResourceHarness.Secret, File.ReadAllText(_node.Local(Path)));
        File.WriteAllText(_node.Local(Path), "tampered");
        var plan = await _node.PlanAsync(file);
        var change = Assert.Single(plan.Changes.OfType<ResourceChange>());
        Assert.Equal(["content (sensitive) changed"], change.Details);
        Assert.All(plan.Facts.Resources.Values.OfType<FileState>(), state => Assert.Null(state.Content));
        Assert.DoesNotContain("tampered", string.Join('\n', change.Details), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_file_config_yaml_names_restarts_rke2_and_other_files_do_not()
    {
        var policy = new FileResource(Path, "rules: []\n", "0600", null);
        var other = new FileResource("/etc/rancher/rke2/notes.txt", "n\n", "0644", null);
        var withReference = await PlanWithConfigAsync(new ConfigMap { ["audit-policy-file"] = Path }, policy, other);
        Assert.Equal(ServiceEffect.Restart, withReference.Single(c => c.Title.Contains("audit", StringComparison.Ordinal)).Effect);
        Assert.Equal(ServiceEffect.None, withReference.Single(c => c.Title.Contains("notes", StringComparison.Ordinal)).Effect);
    }

    [Fact]
    public async Task A_directory_is_created_its_mode_mended_and_removed_whole()
    {
        var dir = new DirectoryResource("/var/lib/rancher/rke2/audit", "0700", null);
        var create = Assert.Single(await _node.ChangesAsync(dir));
        Assert.Equal("create (0700)", create.Description);
        await _node.ApplyAsync([create]);
        Assert.True(Directory.Exists(_node.Local("/var/lib/rancher/rke2/audit")));
        Assert.Empty(await _node.ChangesAsync(dir));
        File.SetUnixFileMode(_node.Local("/var/lib/rancher/rke2/audit"), UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupRead | UnixFileMode.GroupExecute);
        Assert.Equal(["mode 0750 → 0700"], Assert.Single(await _node.ChangesAsync(dir)).Details);
        var gone = new DirectoryResource("/var/lib/rancher/rke2/audit", "0700", null).Absent();
        await _node.ApplyAsync(await _node.ChangesAsync(gone));
        Assert.False(Directory.Exists(_node.Local("/var/lib/rancher/rke2/audit")));
        Assert.Empty(await _node.ChangesAsync(gone));
    }

    private async Task<IReadOnlyList<ResourceChange>> PlanWithConfigAsync(ConfigMap config, params Resource[] resources)
    {
        var model = TestModels.Cluster([_node.Node], config: config) with
        {
            Resources = [.. resources.Select(r => new ScopedResource(r, SettingScope.Cluster))],
        };
        var desired = Rke2Converge.Plan.Desired.DesiredStateBuilder.Build(model);
        var facts = await new Rke2Converge.Facts.FactGatherer().GatherAsync(
            [new Rke2Converge.Facts.FactRequest(_node.Node, _node.Shell, [.. desired[0].Sysctls.Keys]) { Resources = desired[0].Resources }], default);
        return [.. new Rke2Converge.Plan.Planner("test", TestModels.Templates(), ResourceHarness.Reveal).Plan(desired, facts).Hosts[0].Changes.OfType<ResourceChange>()];
    }
}
