using Rke2Sim.Cluster;
using Rke2Sim.Config;
using Xunit;

namespace Rke2Converge.Tests.Simulator;

public sealed class ClusterRulesTests
{
    private static readonly DateTimeOffset Now = new(2025, 6, 1, 12, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Grace = TimeSpan.FromSeconds(40);

    private static ClusterState Bootstrapped()
    {
        var state = new ClusterState();
        ClusterRules.AddFounder(state, "s1", "https://10.0.0.1:2380", Now);
        ClusterRules.RegisterApiServer(state, "s1", "10.0.0.1:6443");
        return state;
    }

    [Fact]
    public void FirstJoinerBecomesLearner()
    {
        var state = Bootstrapped();
        Assert.Equal(AddMemberOutcome.AddedAsLearner, ClusterRules.AddMember(state, "s2", "p2", true, Now));
        Assert.True(state.EtcdMembers.Single(m => m.Name == "s2").IsLearner);
    }

    [Fact]
    public void SecondParallelJoinerGetsTooManyLearners()
    {
        var state = Bootstrapped();
        ClusterRules.AddMember(state, "s2", "p2", true, Now);
        Assert.Equal(AddMemberOutcome.TooManyLearners, ClusterRules.AddMember(state, "s3", "p3", true, Now));
        Assert.DoesNotContain(state.EtcdMembers, m => m.Name == "s3");
    }

    [Fact]
    public void NextJoinerIsAdmittedOncePromotedAndEtcdIsHealthyAgain()
    {
        var state = Bootstrapped();
        ClusterRules.AddMember(state, "s2", "p2", needsApiServerAddress: true, Now);
        Assert.Equal("s2", ClusterRules.JoinBlocker(state, "s3"));
        ClusterRules.Promote(state, "s2", Now);
        Assert.Null(ClusterRules.JoinBlocker(state, "s3"));
        Assert.Equal(AddMemberOutcome.UnhealthyCluster, ClusterRules.AddMember(state, "s3", "p3", true, Now + TimeSpan.FromMilliseconds(500)));
        Assert.DoesNotContain(state.EtcdMembers, m => m.Name == "s3");
        Assert.Equal(AddMemberOutcome.AddedAsLearner, ClusterRules.AddMember(state, "s3", "p3", true, Now + ClusterRules.UnhealthyAfterPromotion));
    }

    [Fact]
    public void EtcdOnlyJoinCompletesOnPromotion()
    {
        var state = Bootstrapped();
        ClusterRules.AddMember(state, "e2", "p2", needsApiServerAddress: false, Now);
        ClusterRules.Promote(state, "e2");
        Assert.Empty(state.JoinsInProgress);
    }

    [Fact]
    public void RestartingMemberIsNotAddedAgain()
    {
        var state = Bootstrapped();
        Assert.Equal(AddMemberOutcome.AlreadyMember, ClusterRules.AddMember(state, "s1", "p1", true, Now));
        Assert.Single(state.EtcdMembers);
    }

    [Fact]
    public void QuorumNeedsMoreThanHalfOfTheVoters()
    {
        var state = Bootstrapped();
        foreach (var name in new[] { "s2", "s3" })
        {
            ClusterRules.AddMember(state, name, "p", true, Now);
            ClusterRules.Promote(state, name);
            ClusterRules.RegisterApiServer(state, name, "a");
        }
        Report(state, "s1", etcd: true, Now);
        Report(state, "s2", etcd: true, Now);
        Report(state, "s3", etcd: false, Now);
        Assert.True(ClusterRules.HasQuorum(state, Now, Grace));
        Report(state, "s2", etcd: true, Now - TimeSpan.FromMinutes(5));
        Assert.False(ClusterRules.HasQuorum(state, Now, Grace));
    }

    [Fact]
    public void LearnersDoNotCountTowardsQuorum()
    {
        var state = Bootstrapped();
        ClusterRules.AddMember(state, "s2", "p", true, Now);
        Report(state, "s1", etcd: false, Now);
        Report(state, "s2", etcd: true, Now);
        Assert.False(ClusterRules.HasQuorum(state, Now, Grace));
    }

    [Fact]
    public void NodeTurnsUnknownOnlyAfterTheGracePeriod()
    {
        var state = Bootstrapped();
        Report(state, "s1", etcd: true, Now, kubelet: true);
        var node = state.Nodes["s1"];
        Assert.Equal(ReadyStatus.True, ClusterRules.NodeReady(node, Now + TimeSpan.FromSeconds(10), Grace));
        node.LastReport!.Phase = NodePhase.Stopped;
        Assert.Equal(ReadyStatus.True, ClusterRules.NodeReady(node, Now + TimeSpan.FromSeconds(30), Grace));
        Assert.Equal(ReadyStatus.Unknown, ClusterRules.NodeReady(node, Now + TimeSpan.FromSeconds(41), Grace));
    }

    [Fact]
    public void NeverRegisteredNodeHasNoReadyStatus()
    {
        var state = Bootstrapped();
        Report(state, "s1", etcd: true, Now, kubelet: false);
        Assert.Null(state.Nodes["s1"].RegisteredAt);
        Assert.Equal(ReadyStatus.Unknown, ClusterRules.NodeReady(state.Nodes["s1"], Now, Grace));
    }

    [Fact]
    public void LabelsAreAppliedOnlyAtRegistration()
    {
        var state = Bootstrapped();
        Report(state, "s1", etcd: true, Now, kubelet: true, label: "a");
        Report(state, "s1", etcd: true, Now, kubelet: true, label: "b");
        Assert.Equal("a", state.Nodes["s1"].Labels["team"]);
    }

    internal static void Report(ClusterState state, string node, bool etcd, DateTimeOffset at, bool kubelet = true, string label = "x",
        NodeRoles? roles = null)
    {
        ClusterRules.ApplyReport(state, new NodeReport
        {
            Node = node,
            Address = "10.0.0.9",
            Roles = roles ?? new NodeRoles(true, true, true, true, true),
            Phase = NodePhase.Running,
            EtcdRunning = etcd,
            ApiServerRunning = true,
            KubeletRunning = kubelet,
            Labels = new Dictionary<string, string> { ["team"] = label },
        }, at);
    }
}
