using Rke2Converge.Facts;
using Rke2Converge.Model;
using Rke2Converge.Plan.Desired;
using Rke2Converge.Resources;

namespace Rke2Converge.Tests.Resources;

/// <summary>The etcd user and group a CIS profile requires on servers: which nodes get them, and what a diff runs.</summary>
public sealed class EtcdUserResourceTests
{
    private static ConfigMap Cis(string profile = "cis") => new() { ["profile"] = profile };

    [Theory]
    [InlineData(NodeRole.Server, "cis", true)]
    [InlineData(NodeRole.EtcdOnly, "cis", true)]
    [InlineData(NodeRole.ControlPlaneOnly, "cis-1.23", true)]
    [InlineData(NodeRole.Agent, "cis", false)]
    [InlineData(NodeRole.Server, null, false)]
    public void Every_server_under_a_cis_profile_gets_the_etcd_user_first_and_nothing_else_does(NodeRole role, string? profile, bool expected)
    {
        var nodes = new List<NodeSpec> { TestModels.Node("s1", "10.0.0.1", NodeRole.Server) };
        if (role != NodeRole.Server) nodes.Add(TestModels.Node("n2", "10.0.0.2", role));
        var config = profile is null ? new ConfigMap() : Cis(profile);
        var desired = DesiredStateBuilder.Build(TestModels.Cluster(nodes, config: config)).Single(d => d.Name == nodes[^1].Name);
        Assert.Equal(expected, desired.Resources.FirstOrDefault() is EtcdUserResource);
        Assert.Equal(expected ? 1 : 0, desired.Resources.OfType<EtcdUserResource>().Count());
    }

    [Theory]
    [InlineData("res 0 user 0", "res 0 group 0", "system-user etcd: create group, create user (profile: cis requires it on servers)", new[] { "groupadd etcd", "useradd etcd" })]
    [InlineData("res 0 user 0", "res 0 group 1", "system-user etcd: create user (profile: cis requires it on servers)", new[] { "useradd etcd" })]
    [InlineData("res 0 user 1", "res 0 group 0", "system-user etcd: create group (profile: cis requires it on servers)", new[] { "groupadd etcd" })]
    public void What_is_missing_is_created_group_before_user(string user, string group, string summary, string[] steps)
    {
        var change = Diff(user, group)!;
        Assert.Equal(summary, change.Summary);
        Assert.Equal(steps, change.Steps.Select(step => step.Description));
        Assert.All(change.Steps, step => Assert.Equal(["etcd"], step.Arguments));
        Assert.Equal(ServiceEffect.None, change.Effect);
    }

    [Fact]
    public void A_host_with_both_has_no_change_and_a_bad_flag_names_the_resource()
    {
        Assert.Null(Diff("res 0 user 1", "res 0 group 1"));
        var error = Assert.ThrowsAny<Exception>(() => Diff("res 0 user 2", "res 0 group 1"));
        Assert.Contains("system-user etcd: user flag '2' is neither 0 nor 1", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_fact_fragment_only_reads()
    {
        var fragment = new EtcdUserResource().FactFragment(TestModels.Node("s1", "10.0.0.1", NodeRole.Server));
        Assert.Contains("getent passwd etcd", fragment, StringComparison.Ordinal);
        Assert.Contains("getent group etcd", fragment, StringComparison.Ordinal);
        Assert.DoesNotContain("add", fragment, StringComparison.Ordinal);
    }

    private static ResourceChange? Diff(string user, string group)
    {
        var node = TestModels.Node("s1", "10.0.0.1", NodeRole.Server);
        var resource = new EtcdUserResource();
        var output = string.Join('\n', [
            FactScript.Header,
            "managed-sysctl missing", "config missing", "pending missing", "rke2-version missing",
            "unit rke2-server 0  inactive", "unit rke2-agent 0  inactive",
            "os-release present " + Convert.ToBase64String("ID=debian\nVERSION_ID=12\n"u8.ToArray()),
            "arch eDg2XzY0", "hostname czE=",
            user, group,
            FactScript.Trailer]) + "\n";
        var facts = FactParser.Parse("s1", output, [], [resource]);
        var desired = DesiredStateBuilder.Build(TestModels.Cluster([node], config: Cis()))[0];
        return resource.Diff(facts.Resources[resource.Key], new ResourceContext(desired, facts, TestModels.Reveal));
    }
}
