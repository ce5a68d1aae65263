using Rke2Converge.Facts;
using Rke2Converge.Model;
using Rke2Converge.Plan;
using Rke2Converge.Plan.Changes;
using Rke2Converge.Plan.Desired;
using Rke2Converge.Remote;
using Rke2Converge.Rollout;
using Rke2Converge.Rollout.Operations;
using Rke2Converge.Tests.Remote;

namespace Rke2Converge.Tests.Plan;

/// <summary>The cluster a host belongs to, recorded on it: another cluster's host refused by name, the record written once the node runs.</summary>
public sealed class ClusterIdentityTests
{
    private static readonly ClusterModel Model = TestModels.Cluster(
    [
        TestModels.Node("s1", "10.0.0.1", NodeRole.Server),
        TestModels.Node("a1", "10.0.0.2", NodeRole.Agent),
    ]);

    private static readonly string Ca = new('c', 64);

    private readonly Planner _planner = new("alpha", TestModels.Templates(), TestModels.Reveal);

    private ClusterPlan Plan(Func<NodeDesiredState, HostFacts, HostFacts> facts)
    {
        var desired = DesiredStateBuilder.Build(Model);
        return _planner.Plan(desired, desired.ToDictionary(n => n.Name, n => facts(n, TestModels.Converged(_planner, n) with { ClusterCaSha256 = Ca })));
    }

    [Fact]
    public void The_record_is_read_back_from_its_two_lines()
    {
        Assert.Equal(new ClusterIdentity("alpha", Ca), ClusterIdentity.Parse($"cluster alpha\nca-sha256 {Ca.ToUpperInvariant()}\n"));
        Assert.Equal(new ClusterIdentity("alpha", null), ClusterIdentity.Parse("cluster alpha\nca-sha256 \n"));
        Assert.Null(ClusterIdentity.Parse("ca-sha256 abc\n"));
    }

    [Fact]
    public void A_host_recorded_for_another_cluster_is_a_problem_naming_both_clusters()
    {
        var plan = Plan((node, facts) => node.Name == "a1" ? facts with { RecordedIdentity = new ClusterIdentity("beta", Ca) } : facts with { RecordedIdentity = new ClusterIdentity("alpha", Ca) });

        var problem = Assert.Single(plan.Hosts[1].Problems);
        Assert.StartsWith("this host belongs to cluster beta, not alpha: rke2c recorded it so in /var/lib/rancher/rke2c/cluster-identity", problem, StringComparison.Ordinal);
        Assert.Contains("check a1's address in the playbook", problem, StringComparison.Ordinal);
        Assert.Empty(plan.Hosts[0].Problems);
        Assert.True(plan.HasProblems);
    }

    [Fact]
    public void A_running_node_without_a_record_gets_one_without_a_restart_and_a_recorded_one_changes_nothing()
    {
        var missing = Plan((_, facts) => facts);
        var recorded = Plan((_, facts) => facts with { RecordedIdentity = new ClusterIdentity("alpha", Ca) });
        var staleCa = Plan((_, facts) => facts with { RecordedIdentity = new ClusterIdentity("alpha", new string('d', 64)) });
        var neverRan = Plan((_, facts) => facts with { ClusterCaSha256 = null });

        var change = Assert.Single(missing.Hosts[0].Changes);
        Assert.Equal("/var/lib/rancher/rke2c/cluster-identity: create (this host belongs to cluster alpha)", change.Summary);
        Assert.False(missing.Hosts[0].TouchesService);
        var steps = RolloutProgram.Build(missing, _planner, null, new GateSettings(), new AgentBatching(), text => text).Plan.Hosts[0].Steps;
        Assert.Equal(["record the cluster identity"], steps.Select(step => step.Description));
        Assert.False(recorded.HasDrift);
        Assert.Equal("update", Assert.IsType<IdentityChange>(Assert.Single(staleCa.Hosts[1].Changes)).Exists ? "update" : "create");
        Assert.False(neverRan.HasDrift);
    }

    [Fact]
    [System.Runtime.Versioning.SupportedOSPlatform("linux")]
    public async Task The_record_holds_the_cluster_and_the_hash_the_fact_script_reads_of_the_host_CA()
    {
        var dir = Directory.CreateTempSubdirectory("rke2c-identity-").FullName;
        try
        {
            var shell = new LocalShell("node-1");
            var ca = Path.Join(dir, "server-ca.crt");
            var made = await shell.RunAsync(new RemoteCommand("make a CA",
                "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout \"$1.key\" -out \"$1\" -subj /CN=test-ca -days 1 2>/dev/null && "
                + "openssl x509 -in \"$1\" -outform DER | sha256sum | cut -d ' ' -f 1") { Arguments = [ca] }, CancellationToken.None);
            Assert.True(made.Succeeded, made.Stderr);
            var file = Path.Join(dir, "state", "cluster-identity");
            var record = IdentityOperations.Record("alpha");
            Assert.Equal([Rke2Paths.IdentityFile, "alpha", Rke2Paths.AgentServerCa], record.Arguments);

            var result = await shell.RunAsync(record with { Arguments = [file, "alpha", ca] }, CancellationToken.None);

            Assert.True(result.Succeeded, result.Stderr);
            Assert.Equal(new ClusterIdentity("alpha", made.Stdout.Trim()), ClusterIdentity.Parse(File.ReadAllText(file)));
            Assert.Single(Directory.GetFiles(Path.Join(dir, "state")));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
