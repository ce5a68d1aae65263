using Rke2Sim.Cluster;
using Rke2Sim.Config;
using Xunit;

namespace Rke2Converge.Tests.Simulator;

/// <summary>The simulated apiserver's writes: eviction against PodDisruptionBudgets, cordon, node delete and etcd's reconfiguration check.</summary>
public sealed class KubeApiTests
{
    private static readonly DateTimeOffset Now = new(2025, 6, 1, 12, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Grace = TimeSpan.FromSeconds(40);

    private static ClusterState Cluster(params string[] servers)
    {
        var state = new ClusterState();
        foreach (var name in servers)
        {
            ClusterRules.AddFounder(state, name, $"https://{name}:2380", Now);
            Report(state, name, new NodeRoles(true, true, true, true, true));
        }
        Report(state, "a1", NodeRoles.Agent);
        return state;
    }

    private static void Report(ClusterState state, string node, NodeRoles roles, NodePhase phase = NodePhase.Running) =>
        ClusterRules.ApplyReport(state, new NodeReport { Node = node, Roles = roles, Phase = phase, KubeletRunning = true, EtcdRunning = roles.Etcd, ProcessStartedAt = Now.AddMinutes(-5) }, Now);

    private static KubeResponse Write(ClusterState state, string method, string path, string? body = null) =>
        KubeApi.Write(state, new KubeRequest(method, path, body), Now, Grace);

    [Fact]
    public void An_eviction_a_budget_forbids_is_refused_with_429_until_the_budget_is_relaxed_and_the_pod_is_replaced_off_the_cordoned_node()
    {
        var state = Cluster("s1");
        Write(state, "POST", "/apis/apps/v1/namespaces/default/deployments", """{"metadata":{"name":"web"},"spec":{"replicas":2,"template":{"spec":{"containers":[{"image":"nginx"}]}}}}""");
        Write(state, "POST", "/apis/policy/v1/namespaces/default/poddisruptionbudgets", """{"metadata":{"name":"web"},"spec":{"minAvailable":2,"selector":{"matchLabels":{"app":"web"}}}}""");
        Assert.Equal(["a1", "s1"], state.Pods.Select(p => p.NodeName).Order());
        var onAgent = state.Pods.Single(p => p.NodeName == "a1").Name;
        Write(state, "PATCH", "/api/v1/nodes/a1", """{"spec":{"unschedulable":true}}""");

        var refused = Write(state, "POST", $"/api/v1/namespaces/default/pods/{onAgent}/eviction", "{}");

        Assert.Equal(429, refused.Status);
        var status = System.Text.Json.Nodes.JsonNode.Parse(refused.Body)!;
        Assert.Equal(KubeApi.PdbViolation, (string?)status["message"]);
        Assert.Equal("The disruption budget web needs 2 healthy pods and has 2 currently", (string?)status["details"]!["causes"]![0]!["message"]);
        Write(state, "PATCH", "/apis/policy/v1/namespaces/default/poddisruptionbudgets/web", """{"spec":{"minAvailable":1}}""");
        Assert.Equal(201, Write(state, "POST", $"/api/v1/namespaces/default/pods/{onAgent}/eviction", "{}").Status);
        Assert.Equal(["s1", "s1"], state.Pods.Select(p => p.NodeName));
        Assert.DoesNotContain(state.Pods, p => p.Name == onAgent);
    }

    [Fact]
    public void Deleting_an_etcd_node_removes_its_member_unless_etcd_would_lose_quorum_and_its_running_kubelet_does_not_register_again()
    {
        var state = Cluster("s1", "s2", "s3");
        Report(state, "s2", new NodeRoles(true, true, true, true, true), NodePhase.Stopped);
        state.Nodes["s2"].LastSeen = Now - Grace - Grace;

        Assert.Equal("etcdserver: unhealthy cluster", ClusterRules.MayRemoveMember(state, "s3", Now, Grace));
        Write(state, "DELETE", "/api/v1/nodes/s3");
        Assert.Contains(state.EtcdMembers, m => m.Name == "s3");
        Assert.NotNull(state.Nodes["s3"].DeletionRequestedAt);

        Write(state, "DELETE", "/api/v1/nodes/s2");
        Assert.DoesNotContain(state.EtcdMembers, m => m.Name == "s2");
        // The finalizer is retried: with s2 gone, s1 and s3 are both healthy of two, so s3 may go now.
        Assert.DoesNotContain(state.EtcdMembers, m => m.Name == "s3");
        Assert.Equal(["a1", "s1"], state.Nodes.Keys.Order());

        Report(state, "s3", new NodeRoles(true, true, true, true, true));
        Assert.False(state.Nodes.ContainsKey("s3"));
    }
}
