using Rke2Converge.Facts;
using Rke2Converge.Model;
using Rke2Converge.Plan;
using Rke2Converge.Plan.Changes;
using Rke2Converge.Plan.Desired;
using Rke2Converge.Resources;
using Rke2Converge.Resources.BuiltIn;
using Rke2Converge.Rollout;
using Xunit;

namespace Rke2Converge.Tests.Resources.BuiltIn;

/// <summary>sysctls, config.yaml, the release, the service and the pending marker go through the resource contract like declared resources.</summary>
public sealed class BuiltInResourceTests
{
    private static readonly ClusterModel Model = TestModels.Cluster([TestModels.Node("s1", "10.0.0.1", NodeRole.Server)]);

    [Fact]
    public void Each_record_tag_has_one_owner_and_the_fact_script_runs_every_fragment_in_order()
    {
        var tags = BuiltInResources.All.SelectMany(resource => resource.Records.Select(tag => tag.Name)).ToList();
        Assert.Equal(tags.Count, tags.Distinct(StringComparer.Ordinal).Count());

        var script = FactScript.Build(["vm.swappiness"]).Script;
        var positions = BuiltInResources.All.Select(resource => script.IndexOf(resource.FactFragment.Trim(), StringComparison.Ordinal)).ToList();
        Assert.DoesNotContain(-1, positions);
        Assert.Equal(positions.Order(), positions);
    }

    [Fact]
    public void Each_built_in_reads_only_its_own_records_into_the_facts()
    {
        var output = string.Join('\n',
            FactScript.Header,
            "sysctl vm.swappiness value 60",
            "managed-sysctl missing",
            "config present " + B64("token: x\n"),
            "pending present " + B64("verify\n"),
            "rke2-version present " + B64("rke2 version v1.31.8+rke2r1 (abc)"),
            "unit rke2-server 1 enabled active",
            "unit rke2-agent 0  inactive",
            "os-release present " + B64("ID=debian\n"),
            "arch " + B64("x86_64"),
            "hostname " + B64("s1"),
            FactScript.Trailer);

        var facts = FactParser.Parse("s1", output, ["vm.swappiness"]);

        Assert.Equal("60", facts.Sysctls["vm.swappiness"]);
        Assert.Null(facts.ManagedSysctlFile);
        Assert.Equal("token: x\n", facts.ConfigYaml);
        Assert.Equal(PendingWork.Verify, facts.Pending);
        Assert.Equal("v1.31.8+rke2r1", facts.InstalledVersion);
        Assert.True(facts.ServerService.IsActive);
        Assert.False(facts.AgentService.Installed);
        Assert.Equal("amd64", facts.Arch);
    }

    [Fact]
    public void The_service_restarts_once_naming_every_change_that_asks_and_a_change_that_does_not_ask_restarts_nothing()
    {
        var (planner, desired) = Plan();
        var node = desired[0];
        var manifest = new ManifestResource("cfg", "a: 1\n");
        var upgraded = desired[0] with { Resources = [manifest] };
        var facts = TestModels.Converged(planner, node) with
        {
            InstalledVersion = "v1.32.4+rke2r1",
            ConfigYaml = "token: other\n",
            Resources = new Dictionary<string, object> { [manifest.Key] = FileState.Missing },
        };

        var host = planner.Plan([upgraded], new Dictionary<string, HostFacts> { ["s1"] = facts }).Hosts[0];

        var service = Assert.Single(host.Changes.OfType<ServiceChange>());
        Assert.Equal(ServiceAction.Restart, service.Action);
        Assert.Equal("config changes, version changes", service.Reason);
        Assert.Equal(ServiceEffect.None, host.Changes.OfType<ResourceChange>().Single().Effect);

        var onlyManifest = planner.Plan([upgraded], new Dictionary<string, HostFacts>
        {
            ["s1"] = TestModels.Converged(planner, node) with { Resources = new Dictionary<string, object> { [manifest.Key] = FileState.Missing } },
        }).Hosts[0];
        Assert.Empty(onlyManifest.Changes.OfType<ServiceChange>());
    }

    [Fact]
    public void The_rollout_runs_the_built_ins_in_their_order_around_the_declared_resources()
    {
        var (planner, desired) = Plan();
        var file = new FileResource("/etc/x.conf", "x\n", "0644", null);
        var node = desired[0] with { Resources = [file] };
        var facts = TestModels.FreshHost("s1", node.Sysctls.Keys) with { Resources = new Dictionary<string, object> { [file.Key] = FileState.Missing } };
        var plan = planner.Plan([node], new Dictionary<string, HostFacts> { ["s1"] = facts });

        var program = RolloutProgram.Build(plan, planner, new ArtifactSource.Mirror(new Uri("https://mirror.test/")), new GateSettings(), new AgentBatching(), text => text);

        var phases = program.Steps["s1"].Select(step => step.Phase).Distinct().ToList();
        Assert.Equal(["mark restart pending", "sysctls", "resources", "config.yaml", "install rke2", "start service", "readiness gates"], phases);
    }

    [Fact]
    public void A_converged_node_has_no_change_and_no_step()
    {
        var (planner, desired) = Plan();

        var plan = planner.Plan(desired, new Dictionary<string, HostFacts> { ["s1"] = TestModels.Converged(planner, desired[0]) });
        var program = RolloutProgram.Build(plan, planner, null, new GateSettings(), new AgentBatching(), text => text);

        Assert.Empty(plan.Hosts[0].Changes);
        Assert.Empty(program.Steps["s1"]);
    }

    private static (Planner Planner, IReadOnlyList<NodeDesiredState> Desired) Plan() =>
        (new Planner("test", TestModels.Templates(), TestModels.Reveal), DesiredStateBuilder.Build(Model));

    private static string B64(string text) => Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(text));
}
