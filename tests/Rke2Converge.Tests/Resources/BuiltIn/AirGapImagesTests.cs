using System.Security.Cryptography;
using System.Text;
using Rke2Converge.Facts;
using Rke2Converge.Model;
using Rke2Converge.Plan;
using Rke2Converge.Plan.Changes;
using Rke2Converge.Plan.Desired;
using Rke2Converge.Plan.Saved;
using Rke2Converge.Plan.Steps;
using Rke2Converge.Resources;
using Rke2Converge.Rollout;
using Rke2Converge.Tests.Playbooks;
using Xunit;

namespace Rke2Converge.Tests.Resources.BuiltIn;

/// <summary>
/// <c>Artifacts.Images(...)</c>: the images tarballs found in the local artifact directory per version and
/// architecture, staged in agent/images before the service starts, skipped when already staged, bound in the plan.
/// </summary>
public sealed class AirGapImagesTests : IDisposable
{
    private const string Version = "v1.32.5+rke2r1";
    private static readonly string ImagesDirectory = Rke2Paths.AgentImagesDirectory;

    private readonly Planner _planner = new("test", TestModels.Templates(), TestModels.Reveal);
    private readonly DirectoryInfo _artifacts = Directory.CreateTempSubdirectory("rke2c-images-");
    private readonly PlaybookWorkspace _workspace = new();

    public void Dispose()
    {
        _artifacts.Delete(recursive: true);
        _workspace.Dispose();
    }

    private ClusterModel Model(params string[] archives) =>
        TestModels.Cluster([TestModels.Node("s1", "10.0.0.1", NodeRole.Server), TestModels.Node("a2", "10.0.0.2", NodeRole.Agent)], Version) with
        {
            Artifacts = new ArtifactSource.LocalDirectory(_artifacts.FullName),
            ImageArchives = archives.Length == 0 ? ["rke2-images"] : archives,
        };

    /// <summary>Writes a release directory: the tarball, images archives and a checksum file listing them (unless <paramref name="unlisted"/>).</summary>
    private Dictionary<string, string> WriteRelease(IEnumerable<string> images, params string[] unlisted)
    {
        var directory = Directory.CreateDirectory(Path.Combine(_artifacts.FullName, Version));
        var hashes = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var name in new[] { "rke2.linux-amd64.tar.gz" }.Concat(images))
        {
            var bytes = Encoding.UTF8.GetBytes($"content of {name}");
            File.WriteAllBytes(Path.Combine(directory.FullName, name), bytes);
            hashes[name] = Convert.ToHexStringLower(SHA256.HashData(bytes));
        }
        File.WriteAllText(Path.Combine(directory.FullName, "sha256sum-amd64.txt"),
            string.Concat(hashes.Where(pair => !unlisted.Contains(pair.Key)).Select(pair => $"{pair.Value}  {pair.Key}\n")));
        return hashes;
    }

    private ClusterPlan Plan(ClusterModel model, Func<NodeDesiredState, HostFacts> facts)
    {
        var desired = DesiredStateBuilder.Build(model);
        return _planner.Plan(desired, desired.ToDictionary(node => node.Name, facts));
    }

    private HostFacts Fresh(NodeDesiredState node) => TestModels.FreshHost(node.Name, node.Sysctls.Keys);

    private HostFacts Converged(NodeDesiredState node, IReadOnlyDictionary<string, string> staged) =>
        TestModels.Converged(_planner, node) with { StagedImages = staged };

    [Fact]
    public void A_fresh_node_stages_the_zst_tarball_after_the_install_and_before_the_service_starts()
    {
        var hashes = WriteRelease(["rke2-images.linux-amd64.tar.zst", "rke2-images.linux-amd64.tar.gz"]);
        var model = Model();
        var plan = Plan(model, Fresh);

        var change = Assert.Single(plan.Hosts[0].Changes.OfType<AirGapImageChange>());
        Assert.Equal(new AirGapImageChange("rke2-images.linux-amd64.tar.zst", null, hashes["rke2-images.linux-amd64.tar.zst"], change.Bytes), change);
        Assert.Contains($"{ImagesDirectory}/rke2-images.linux-amd64.tar.zst: stage", change.Summary, StringComparison.Ordinal);
        Assert.Equal(ServiceEffect.None, change.Effect);

        var program = RolloutProgram.Build(plan, _planner, model.Artifacts, model.Gates, new AgentBatching(), text => text);
        var steps = program.Steps["s1"].ToList();
        var unpack = steps.FindIndex(step => step.Planned.Description.StartsWith("verify and unpack", StringComparison.Ordinal));
        var stage = steps.FindIndex(step => step.Planned.Target == $"{ImagesDirectory}/rke2-images.linux-amd64.tar.zst");
        var start = steps.FindIndex(step => step.Planned.Kind == StepKind.Service);
        Assert.True(unpack >= 0 && stage > unpack && start > stage, string.Join("\n", steps.Select(step => step.Planned.Description)));

        var staging = steps[stage];
        Assert.Equal(StepKind.Install, staging.Planned.Kind);
        Assert.Equal(hashes["rke2-images.linux-amd64.tar.zst"], staging.Planned.Sha256);
        var command = Assert.Single(staging.Sends);
        Assert.Equal(hashes["rke2-images.linux-amd64.tar.zst"], command.StdinSha256);
        Assert.Equal([ImagesDirectory, "rke2-images.linux-amd64.tar.zst", command.Arguments[2], hashes["rke2-images.linux-amd64.tar.zst"]], command.Arguments);
        Assert.Contains("sha256sum \"$part\"", command.Script, StringComparison.Ordinal);
        Assert.Contains("mv -f \"$part\" \"$dir/$name\"", command.Script, StringComparison.Ordinal);
        Assert.True(command.Timeout > TimeSpan.Zero);
    }

    [Fact]
    public void Without_a_zst_tarball_the_gz_one_is_staged()
    {
        var hashes = WriteRelease(["rke2-images.linux-amd64.tar.gz"]);

        var change = Assert.Single(Plan(Model(), Fresh).Hosts[1].Changes.OfType<AirGapImageChange>());

        Assert.Equal("rke2-images.linux-amd64.tar.gz", change.File);
        Assert.Equal(hashes["rke2-images.linux-amd64.tar.gz"], change.Sha256);
    }

    [Fact]
    public void Per_component_archives_are_each_staged()
    {
        WriteRelease(["rke2-images-core.linux-amd64.tar.zst", "rke2-images-canal.linux-amd64.tar.zst"]);

        var changes = Plan(Model("rke2-images-core", "rke2-images-canal"), Fresh).Hosts[0].Changes.OfType<AirGapImageChange>();

        Assert.Equal(["rke2-images-core.linux-amd64.tar.zst", "rke2-images-canal.linux-amd64.tar.zst"], changes.Select(change => change.File));
    }

    [Fact]
    public void A_node_that_already_holds_the_tarball_with_the_same_checksum_changes_nothing()
    {
        var hashes = WriteRelease(["rke2-images.linux-amd64.tar.zst"]);
        var staged = new Dictionary<string, string> { ["rke2-images.linux-amd64.tar.zst"] = hashes["rke2-images.linux-amd64.tar.zst"] };

        var plan = Plan(Model(), node => Converged(node, staged));

        Assert.All(plan.Hosts, host => Assert.False(host.HasDrift, string.Join("\n", host.Changes.Select(change => change.Summary))));
    }

    [Fact]
    public void A_tarball_with_other_bytes_on_the_node_is_replaced_without_a_restart()
    {
        var hashes = WriteRelease(["rke2-images.linux-amd64.tar.zst"]);
        var staged = new Dictionary<string, string> { ["rke2-images.linux-amd64.tar.zst"] = new string('0', 64) };

        var host = Plan(Model(), node => Converged(node, staged)).Hosts[0];

        var change = Assert.Single(host.Changes);
        Assert.Equal(new AirGapImageChange("rke2-images.linux-amd64.tar.zst", new string('0', 64), hashes["rke2-images.linux-amd64.tar.zst"], change is AirGapImageChange c ? c.Bytes : 0), change);
        Assert.Contains("replace (sha256 000000000000 →", change.Summary, StringComparison.Ordinal);
        Assert.False(host.StartsService);
    }

    [Fact]
    public void A_tarball_missing_locally_is_a_problem_naming_the_files_before_any_host_changes()
    {
        WriteRelease(["rke2-images.linux-amd64.tar.zst"]);

        var plan = Plan(Model("rke2-images-core"), Fresh);

        Assert.True(plan.HasProblems);
        var expected = $"Artifacts.Images: rke2-images-core.linux-amd64.tar.zst or rke2-images-core.linux-amd64.tar.gz not found in {Path.Combine(_artifacts.FullName, Version)}";
        Assert.All(plan.Hosts, host => Assert.Contains(host.Problems, problem => problem.StartsWith(expected, StringComparison.Ordinal)));
    }

    [Fact]
    public async Task A_tarball_that_does_not_match_its_checksum_file_is_an_artifact_problem()
    {
        WriteRelease(["rke2-images.linux-amd64.tar.zst"]);
        var plan = Plan(Model(), Fresh);
        await File.WriteAllTextAsync(Path.Combine(_artifacts.FullName, Version, "rke2-images.linux-amd64.tar.zst"), "tampered");

        var problems = await ArtifactCheck.ProblemsAsync(plan, new ArtifactSource.LocalDirectory(_artifacts.FullName), _ => throw new InvalidOperationException("no host is contacted"), default);

        var problem = Assert.Single(problems);
        Assert.Contains("rke2-images.linux-amd64.tar.zst, needed by s1, a2, does not match its checksum file", problem, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_tarball_the_checksum_file_does_not_list_is_bound_by_its_own_hash()
    {
        var hashes = WriteRelease(["rke2-images.linux-amd64.tar.zst"], unlisted: "rke2-images.linux-amd64.tar.zst");

        var plan = Plan(Model(), Fresh);

        Assert.Equal(hashes["rke2-images.linux-amd64.tar.zst"], plan.Hosts[0].Find<AirGapImageChange>()!.Sha256);
        Assert.Empty(await ArtifactCheck.ProblemsAsync(plan, new ArtifactSource.LocalDirectory(_artifacts.FullName), _ => throw new InvalidOperationException("no host is contacted"), default));
    }

    [Fact]
    public void The_saved_plan_binds_the_tarball_and_refuses_one_with_other_bytes()
    {
        WriteRelease(["rke2-images.linux-amd64.tar.zst"]);
        var model = Model();
        var before = RolloutProgram.Build(Plan(model, Fresh), _planner, model.Artifacts, model.Gates, new AgentBatching(), text => text).Plan;
        var saved = SavedPlan.From("/work/site.csx", [], before);
        var step = before.Hosts[0].Steps.Single(s => s.Target.EndsWith(".tar.zst", StringComparison.Ordinal));
        Assert.NotNull(step.CommandsSha256);

        var path = Path.Combine(_artifacts.FullName, Version, "rke2-images.linux-amd64.tar.zst");
        var other = Encoding.UTF8.GetBytes("a newer build");
        File.WriteAllBytes(path, other);
        File.WriteAllText(Path.Combine(_artifacts.FullName, Version, "sha256sum-amd64.txt"), $"{Convert.ToHexStringLower(SHA256.HashData(other))}  rke2-images.linux-amd64.tar.zst\n");
        var after = RolloutProgram.Build(Plan(model, Fresh), _planner, model.Artifacts, model.Gates, new AgentBatching(), text => text).Plan;

        Assert.NotEmpty(saved.Differences(after));
    }

    [Fact]
    public void The_install_and_the_staging_relabel_only_where_SELinux_is_enabled()
    {
        var install = Rke2Converge.Rollout.Operations.InstallOperations.VerifyAndUnpack(Rke2Version.Parse(Version), "amd64");
        var stage = Rke2Converge.Rollout.Operations.ImageOperations.Stage("rke2-images.linux-amd64.tar.zst", WriteAndReturn(), new string('a', 64));

        foreach (var script in new[] { install.Script, stage.Script })
        {
            var guard = script.IndexOf("selinuxenabled && command -v restorecon", StringComparison.Ordinal);
            Assert.True(guard >= 0, script);
            Assert.True(script.IndexOf("restorecon -", StringComparison.Ordinal) > guard, script);
        }
        Assert.Contains("restorecon -R -i \"$prefix\"/bin/rke2* \"$prefix\"/lib/systemd/system/rke2* /etc/systemd/system/rke2*", install.Script, StringComparison.Ordinal);
    }

    private string WriteAndReturn()
    {
        WriteRelease(["rke2-images.linux-amd64.tar.zst"]);
        return Path.Combine(_artifacts.FullName, Version, "rke2-images.linux-amd64.tar.zst");
    }

    [Fact]
    public void The_fact_records_are_read_by_file_name()
    {
        var resource = new Rke2Converge.Resources.BuiltIn.AirGapImagesResource();
        var name = Convert.ToBase64String(Encoding.UTF8.GetBytes("rke2-images.linux-amd64.tar.zst"));
        var records = new[] { new FactRecord("s1", 1, ["airgap-image", name, new string('A', 64)]) };

        var facts = resource.Read(TestModels.FreshHost("s1", []), records);

        Assert.Equal(new string('a', 64), facts.StagedImages["rke2-images.linux-amd64.tar.zst"]);
    }

    [Theory]
    [InlineData("Artifacts.Images();", "Artifacts.Images needs Artifacts.FromDirectory(...)")]
    [InlineData("Artifacts.FromMirror(\"https://mirror.example/rke2\"); Artifacts.Images();", "rke2c does not fetch images tarballs from a mirror yet")]
    [InlineData("Artifacts.FromDirectory(\"./a\"); Artifacts.Images([\"rke2-images.linux-amd64.tar.zst\"]);", "is not an images archive name")]
    public async Task The_playbook_refuses_images_it_cannot_push(string line, string message)
    {
        var path = _workspace.Write("site.csx", $"""
            Cluster("lab").Version("{Version}").Token(Secret.FromEnv("T"));
            Server("s1", "127.0.0.1");
            {line}
            """);

        var result = await _workspace.Loader().LoadAsync(path, CancellationToken.None);

        Assert.False(result.Succeeded);
        Assert.Contains(result.Diagnostics, diagnostic => diagnostic.ToString()!.Contains(message, StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_playbook_declares_archives_by_name()
    {
        var path = _workspace.Write("site.csx", $"""
            Cluster("lab").Version("{Version}").Token(Secret.FromEnv("T"));
            Server("s1", "127.0.0.1");
            Artifacts.FromDirectory("./artifacts");
            Artifacts.Images(["rke2-images-core", "rke2-images-canal"]);
            """);

        var result = await _workspace.Loader().LoadAsync(path, CancellationToken.None);

        Assert.True(result.Succeeded, string.Join("\n", result.Diagnostics));
        Assert.Equal(["rke2-images-core", "rke2-images-canal"], result.Model!.ImageArchives);
    }
}
