using Rke2Converge.Model;
using Rke2Converge.Model.Validation;
using Rke2Converge.Removal;
using Rke2Converge.Tests.Playbooks;
using Xunit;

namespace Rke2Converge.Tests.Removal;

/// <summary>etcd's reconfiguration rule applied before a member is removed, and the playbook's Remove/Upgrade settings.</summary>
public sealed class EtcdQuorumTests : IDisposable
{
    private readonly PlaybookWorkspace _workspace = new();

    public void Dispose() => _workspace.Dispose();

    [Theory]
    [InlineData("s1,s2,s3", "s1,s2,s3", "s3", null)]
    [InlineData("s1,s2", "s1,s2", "s2", null)]
    [InlineData("s1,s2,s3", "s1,s3", "s3", "removing s3 would leave 2 etcd members of which 1 healthy, and etcd needs 2 for quorum (s2 down: bring it back, or remove it first)")]
    [InlineData("s1,s2,s3", "s1,s3", "s2", null)]
    [InlineData("s1,s2,s3,s4,s5", "s1,s2,s3,s4", "s4", null)]
    [InlineData("s1,s2,s3,s4,s5", "s1,s2,s3", "s3", "removing s3 would leave 4 etcd members of which 2 healthy, and etcd needs 3 for quorum (s4, s5 down: bring it back, or remove it first)")]
    [InlineData("s1", "s1", "s1", "s1 is the only etcd member: removing it would destroy the cluster's data store")]
    [InlineData("s1,s2,s3", "s1,s2,s3", "a1", null)]
    public void A_healthy_member_goes_only_if_the_healthy_members_left_are_a_majority_of_the_members_left(string voters, string healthy, string target, string? refusal) =>
        Assert.Equal(refusal, EtcdQuorum.Refusal(voters.Split(','), healthy.Split(','), target));

    [Fact]
    public void A_removal_plan_refuses_before_any_step_and_otherwise_cordons_drains_deletes_waits_for_the_member_and_uninstalls()
    {
        ClusterNode[] nodes = [new("s1", true, true, true, false), new("s2", true, true, false, false), new("s3", true, true, true, false), new("a1", false, false, true, false)];

        var refused = RemovalPlan.For("s3", "s1", nodes, "s1", true, DrainPolicy.DefaultFor(NodeRole.Server));
        Assert.Empty(refused.Steps);
        Assert.StartsWith("removing s3 would leave 2 etcd members of which 1 healthy", refused.Refusal, StringComparison.Ordinal);

        var agent = RemovalPlan.For("a1", "s1", nodes, "s1", true, DrainPolicy.DefaultFor(NodeRole.Agent));
        Assert.Null(agent.Refusal);
        Assert.Equal(["cordon", "drain", "delete-node", "uninstall", "remove-file"], agent.Steps.Select(s => s.Planned.KindName));
        Assert.Equal(["s1", "s1", "s1", "a1", "a1"], agent.Steps.Select(s => s.Host));

        var down = RemovalPlan.For("s2", "s1", nodes, "s1", false, DrainPolicy.DefaultFor(NodeRole.Server));
        Assert.Equal(["cordon", "drain", "delete-node", "gate"], down.Steps.Select(s => s.Planned.KindName));
        Assert.Contains(down.Notes, n => n.Contains("rke2-uninstall.sh is not run", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Remove_and_Upgrade_reach_the_model_and_their_mistakes_are_reported_at_their_line()
    {
        var path = _workspace.Write("site.csx", """
            Cluster("c").Version("v1.32.5+rke2r1").Token(Secret.FromEnv("T"));
            Server("s1", "127.0.0.1");
            Upgrade.Drain(NodeRole.Agent, timeout: TimeSpan.FromSeconds(90), anyRestart: true).Cordon(NodeRole.Server);
            Upgrade.NoCordon(NodeRole.EtcdOnly);
            Remove("s2", "127.0.0.2");
            Remove("s1");
            """);

        var result = await _workspace.Loader().LoadAsync(path, CancellationToken.None);

        Assert.True(result.Succeeded, string.Join("\n", result.Diagnostics));
        var model = result.Model!;
        Assert.Equal(new DrainPolicy(DrainMode.Drain, TimeSpan.FromSeconds(90), AnyRestart: true), model.Upgrade.For(NodeRole.Agent));
        Assert.Equal(DrainMode.None, model.Upgrade.For(NodeRole.EtcdOnly).Mode);
        Assert.Equal(DrainMode.Cordon, model.Upgrade.For(NodeRole.ControlPlaneOnly).Mode);
        Assert.Equal(["s2", "s1"], model.Removals.Select(r => r.Name));
        var problem = Assert.Single(new ModelValidator().Validate(model), p => p.Severity == Severity.Error);
        Assert.Contains("node 's1' is declared", problem.ToString(), StringComparison.Ordinal);
        Assert.Contains("site.csx:6", problem.ToString(), StringComparison.Ordinal);

        var bad = _workspace.Write("bad.csx", "Cluster(\"c\");\nUpgrade.Drain(NodeRole.Agent, timeout: TimeSpan.FromMilliseconds(1500));\n");
        var failed = await _workspace.Loader().LoadAsync(bad, CancellationToken.None);
        Assert.False(failed.Succeeded);
        Assert.Contains(failed.Diagnostics, d => d.ToString().Contains("bad.csx", StringComparison.Ordinal) && d.ToString().Contains(":2", StringComparison.Ordinal)
            && d.ToString().Contains("drain timeout must be a positive whole number of seconds", StringComparison.Ordinal));
    }
}
