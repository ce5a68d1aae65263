using System.Security.Cryptography;
using System.Text;
using Rke2Converge.Facts;
using Rke2Converge.Model;
using Rke2Converge.Plan;
using Rke2Converge.Plan.Desired;
using Rke2Converge.Plan.Rendering;
using Rke2Converge.Remote;
using Rke2Converge.Rollout;

namespace Rke2Converge.Tests.Plan;

/// <summary>What stops apply is found at plan time: an unreachable host, missing or wrong release artifacts.</summary>
public sealed class PlanProblemsTests : IDisposable
{
    private const string Version = "v1.32.5+rke2r1";

    private static readonly ClusterModel Model = TestModels.Cluster(
    [
        TestModels.Node("s1", "10.0.0.1", NodeRole.Server),
        TestModels.Node("a2", "10.0.0.2", NodeRole.Agent),
        TestModels.Node("a3", "10.0.0.3", NodeRole.Agent),
    ], Version);

    private readonly Planner _planner = new("test", TestModels.Templates(), TestModels.Reveal);
    private readonly DirectoryInfo _artifacts = Directory.CreateTempSubdirectory("rke2c-artifacts-");

    private static IReadOnlyList<NodeDesiredState> Desired => DesiredStateBuilder.Build(Model);

    public void Dispose() => _artifacts.Delete(recursive: true);

    [Fact]
    public void An_unreachable_host_gets_a_problem_and_the_others_keep_their_plans()
    {
        var facts = Desired.Where(n => n.Name != "a2").ToDictionary(n => n.Name, n => TestModels.FreshHost(n.Name, n.Sysctls.Keys));

        var plan = _planner.Plan(Desired, facts, new Dictionary<string, string> { ["a2"] = "ssh: connect to host 10.0.0.2 port 22: Connection refused" });

        Assert.Equal(["s1", "a2", "a3"], plan.Hosts.Select(h => h.Node));
        Assert.True(plan.Hosts[0].HasChanges);
        Assert.True(plan.Hosts[2].HasChanges);
        var a2 = plan.Hosts[1];
        Assert.False(a2.HasChanges);
        Assert.Equal(["unreachable, not planned: ssh: connect to host 10.0.0.2 port 22: Connection refused"], a2.Problems);
        Assert.True(plan.HasProblems);
        Assert.Contains("1 with problems", PlanSummary.Text(plan), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Gathering_keeps_the_facts_of_the_hosts_that_answered()
    {
        var valid = await new Remote.LocalShell("probe").RunAsync(FactScript.Build(["kernel.ostype"], TimeSpan.FromSeconds(30)), default);
        IRemoteShell[] shells =
        [
            new Canned("up", new RemoteResult(0, valid.Stdout, "", TimeSpan.Zero)),
            new Canned("down", null),
        ];

        var gathered = await new FactGatherer().GatherEachAsync(
            shells.Select(s => new FactRequest(TestModels.Node(s.NodeName, "192.0.2.1", NodeRole.Agent), s, ["kernel.ostype"])), default);

        Assert.Equal(["up"], gathered.Facts.Keys);
        var failure = Assert.Single(gathered.Failures);
        Assert.Equal(("down", "cannot reach 192.0.2.1: Connection refused"), (failure.Node, failure.Reason));
    }

    [Fact]
    public async Task Complete_local_artifacts_are_no_problem()
    {
        WriteRelease(listedHash: null);

        Assert.Empty(await CheckAsync(FreshPlan()));
    }

    [Fact]
    public async Task A_missing_version_directory_is_a_plan_problem_naming_the_expected_files()
    {
        var problem = Assert.Single(await CheckAsync(FreshPlan()));

        Assert.StartsWith($"artifacts for {Version} (amd64), needed by s1, a2, a3: ", problem, StringComparison.Ordinal);
        Assert.Contains(Path.Combine(_artifacts.FullName, Version, "rke2.linux-amd64.tar.gz"), problem, StringComparison.Ordinal);
        Assert.Contains(Path.Combine(_artifacts.FullName, Version, "sha256sum-amd64.txt"), problem, StringComparison.Ordinal);
        Assert.EndsWith("not found", problem, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_missing_tarball_is_a_plan_problem()
    {
        WriteRelease(listedHash: null);
        File.Delete(Path.Combine(_artifacts.FullName, Version, "rke2.linux-amd64.tar.gz"));

        var problem = Assert.Single(await CheckAsync(FreshPlan()));

        Assert.EndsWith("rke2.linux-amd64.tar.gz not found", problem, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_checksum_file_that_does_not_list_the_tarball_or_lists_another_hash_is_a_plan_problem()
    {
        WriteRelease(listedHash: "");
        Assert.Contains("lists no checksum for rke2.linux-amd64.tar.gz", Assert.Single(await CheckAsync(FreshPlan())), StringComparison.Ordinal);

        WriteRelease(listedHash: new string('0', 64));
        Assert.Contains($"does not match {Path.Combine(_artifacts.FullName, Version, "sha256sum-amd64.txt")}: expected sha256 {new string('0', 64)}",
            Assert.Single(await CheckAsync(FreshPlan())), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Artifacts_are_not_checked_when_nothing_is_installed()
    {
        var plan = _planner.Plan(Desired, Desired.ToDictionary(n => n.Name, n => TestModels.Converged(_planner, n)));

        Assert.Empty(await CheckAsync(plan));
    }

    [Fact]
    public async Task A_mirror_checksum_file_the_first_installing_node_cannot_fetch_is_a_plan_problem()
    {
        var shell = new Canned("s1", new RemoteResult(22, "", "curl: (22) The requested URL returned error: 404", TimeSpan.Zero));

        var problems = await ArtifactCheck.ProblemsAsync(FreshPlan(), new ArtifactSource.Mirror(new Uri("https://mirror.example/rke2")), _ => shell, default);

        var problem = Assert.Single(problems);
        Assert.Contains("https://mirror.example/rke2/v1.32.5%2Brke2r1/sha256sum-amd64.txt is not reachable from s1 (exit 22): curl: (22)", problem, StringComparison.Ordinal);
        Assert.Equal(["fetch https://mirror.example/rke2/v1.32.5%2Brke2r1/sha256sum-amd64.txt"], shell.Ran);
    }

    [Fact]
    public async Task A_mirror_checksum_file_that_lists_the_tarball_is_no_problem()
    {
        var shell = new Canned("s1", new RemoteResult(0, $"{new string('a', 64)}  rke2.linux-amd64.tar.gz\n", "", TimeSpan.Zero));

        Assert.Empty(await ArtifactCheck.ProblemsAsync(FreshPlan(), new ArtifactSource.Mirror(new Uri("https://mirror.example/rke2/")), _ => shell, default));
    }

    private Task<IReadOnlyList<string>> CheckAsync(ClusterPlan plan) =>
        ArtifactCheck.ProblemsAsync(plan, new ArtifactSource.LocalDirectory(_artifacts.FullName), _ => throw new InvalidOperationException("no host is contacted"), default);

    private ClusterPlan FreshPlan() =>
        _planner.Plan(Desired, Desired.ToDictionary(n => n.Name, n => TestModels.FreshHost(n.Name, n.Sysctls.Keys)));

    /// <param name="listedHash">null: the tarball's real hash; "": a checksum file without the tarball.</param>
    private void WriteRelease(string? listedHash)
    {
        var directory = Directory.CreateDirectory(Path.Combine(_artifacts.FullName, Version));
        var tarball = Encoding.UTF8.GetBytes("not really a tarball");
        File.WriteAllBytes(Path.Combine(directory.FullName, "rke2.linux-amd64.tar.gz"), tarball);
        var hash = listedHash ?? Convert.ToHexStringLower(SHA256.HashData(tarball));
        File.WriteAllText(Path.Combine(directory.FullName, "sha256sum-amd64.txt"),
            $"{new string('f', 64)}  rke2-images.linux-amd64.tar.zst\n" + (hash.Length > 0 ? $"{hash}  rke2.linux-amd64.tar.gz\n" : ""));
    }

    /// <summary>Answers every command the same way, or refuses the connection when there is no answer.</summary>
    private sealed class Canned(string nodeName, RemoteResult? answer) : IRemoteShell
    {
        public string NodeName => nodeName;

        public List<string> Ran { get; } = [];

        public Task<RemoteResult> RunAsync(RemoteCommand command, CancellationToken cancellationToken)
        {
            Ran.Add(command.Description);
            return answer is null
                ? throw new RemoteConnectionException($"{nodeName}: cannot reach 192.0.2.1: Connection refused")
                : Task.FromResult(answer);
        }

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
