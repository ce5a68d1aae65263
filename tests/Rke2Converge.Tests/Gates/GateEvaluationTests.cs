using Rke2Converge.Gates;
using Rke2Converge.Model;
using Rke2Converge.Plan.Desired;
using Rke2Converge.Remote;
using Rke2Converge.Rollout.Operations;

namespace Rke2Converge.Tests.Gates;

public sealed class GateEvaluationTests
{
    private static GateContext Context(NodeRole role, int previousPid = 0, ConfigMap? config = null)
    {
        var node = TestModels.Node("n1", "127.0.10.1", role, config);
        var model = TestModels.Cluster([node]);
        var desired = role.IsServer() ? DesiredStateBuilder.Build(model)[0]
            : new NodeDesiredState(node, model.Version, new Dictionary<string, string>(), [], config ?? new ConfigMap());
        return new GateContext(desired, previousPid, new GateSettings { SettleWindow = TimeSpan.FromSeconds(10) });
    }

    private static RemoteResult Ok(string stdout) => new(0, stdout, "", TimeSpan.Zero);

    [Fact]
    public void Service_gate_needs_active_and_a_new_main_pid()
    {
        var gate = new ServiceActiveGate();
        const string Active = "ActiveState=active\nSubState=running\nMainPID=4242\nNRestarts=0\n";

        Assert.True(gate.Evaluate(Context(NodeRole.Server), Ok(Active)).Passed);
        var stale = gate.Evaluate(Context(NodeRole.Server, previousPid: 4242), Ok(Active));
        Assert.False(stale.Passed);
        Assert.Contains("before the restart", stale.Observed, StringComparison.Ordinal);
        var activating = gate.Evaluate(Context(NodeRole.Server), Ok("ActiveState=activating\nSubState=auto-restart\nMainPID=0\nNRestarts=3\n"));
        Assert.Equal((false, "activating (auto-restart), main PID 0, 3 restart(s)"), (activating.Passed, activating.Observed));
    }

    [Fact]
    public void Static_pods_must_have_run_for_the_settle_window()
    {
        const long Now = 1_800_000_000;
        static string Crictl(long etcdAge, long apiAge) => $$"""
            {{Now * 1_000_000_000}}
            {"containers":[
              {"id":"a","metadata":{"name":"etcd","attempt":0},"state":"CONTAINER_RUNNING","createdAt":"{{(Now - etcdAge) * 1_000_000_000}}"},
              {"id":"b","metadata":{"name":"kube-apiserver","attempt":1},"state":"CONTAINER_EXITED","createdAt":"{{(Now - 100) * 1_000_000_000}}"},
              {"id":"c","metadata":{"name":"kube-apiserver","attempt":2},"state":"CONTAINER_RUNNING","createdAt":{{(Now - apiAge) * 1_000_000_000}}}
            ]}
            """;
        var gate = new StaticPodsStableGate();

        Assert.True(gate.Evaluate(Context(NodeRole.Server), Ok(Crictl(60, 30))).Passed);
        var settling = gate.Evaluate(Context(NodeRole.Server), Ok(Crictl(60, 4)));
        Assert.False(settling.Passed);
        Assert.Equal("etcd up 60s, kube-apiserver up 4s (needs 10s without restart)", settling.Observed);
        Assert.True(gate.Evaluate(Context(NodeRole.EtcdOnly), Ok(Crictl(60, 4))).Passed);
        Assert.False(gate.Evaluate(Context(NodeRole.ControlPlaneOnly), Ok($"{Now * 1_000_000_000}\n{{\"containers\":[]}}")).Passed);
    }

    [Fact]
    public void Static_pods_are_timed_to_the_nanosecond_so_a_container_is_never_passed_early()
    {
        const long NowNs = 1_800_000_000_250_000_000;
        static string Crictl(long apiAgeNs) => $$"""
            {{NowNs}}
            {"containers":[{"id":"c","metadata":{"name":"kube-apiserver","attempt":1},"state":"CONTAINER_RUNNING","createdAt":"{{NowNs - apiAgeNs}}"}]}
            """;
        var gate = new StaticPodsStableGate();

        var almost = gate.Evaluate(Context(NodeRole.ControlPlaneOnly), Ok(Crictl(9_500_000_000)));
        Assert.False(almost.Passed);
        Assert.Equal("kube-apiserver up 9s (needs 10s without restart)", almost.Observed);
        Assert.True(gate.Evaluate(Context(NodeRole.ControlPlaneOnly), Ok(Crictl(10_000_000_000))).Passed);
    }

    [Fact]
    public void Etcd_probe_uses_loopback_unless_metrics_are_exposed()
    {
        var gate = new EtcdHealthGate();

        Assert.Equal("http://127.0.0.1:2381/health?serializable=true", gate.Probe(Context(NodeRole.EtcdOnly)).Arguments[0]);
        var exposed = Context(NodeRole.EtcdOnly, config: new ConfigMap { ["etcd-expose-metrics"] = true });
        Assert.Equal("http://127.0.0.1:2381/health?serializable=true".Replace("127.0.0.1", "127.0.10.1", StringComparison.Ordinal), gate.Probe(exposed).Arguments[0]);
        Assert.True(gate.Evaluate(exposed, Ok("{\"health\":\"true\",\"reason\":\"\"}")).Passed);
        Assert.False(gate.Evaluate(exposed, Ok("{\"health\":\"false\",\"reason\":\"RAFT NO LEADER\"}")).Passed);
    }

    [Fact]
    public void Probes_of_an_ipv6_node_put_its_address_in_brackets_and_curl_does_not_glob_them()
    {
        var node = TestModels.Node("n6", "fd00::6", NodeRole.Server, new ConfigMap { ["etcd-expose-metrics"] = true });
        var context = new GateContext(DesiredStateBuilder.Build(TestModels.Cluster([node]))[0], 0, new GateSettings());

        var ping = new SupervisorPingGate().Probe(context);

        Assert.Equal("https://[fd00::6]:9345/ping", ping.Arguments[0]);
        Assert.Equal("http://[fd00::6]:2381/health?serializable=true", new EtcdHealthGate().Probe(context).Arguments[0]);
        Assert.StartsWith("curl -g", ping.Script, StringComparison.Ordinal);
    }

    [Fact]
    public void Etcd_only_and_agents_ask_as_their_kubelet_control_plane_as_admin()
    {
        var gate = new NodeReadyGate();

        Assert.Equal(NodeReadyGate.KubeletKubeconfig, gate.Probe(Context(NodeRole.EtcdOnly)).Arguments[1]);
        Assert.Equal(Rke2Paths.AdminKubeconfig, gate.Probe(Context(NodeRole.ControlPlaneOnly)).Arguments[1]);
        Assert.False(gate.Evaluate(Context(NodeRole.Agent), Ok("False")).Passed);
        Assert.True(gate.Evaluate(Context(NodeRole.Agent), Ok("True\n")).Passed);
    }

    [Fact]
    public void Host_rebooted_gate_waits_for_another_boot_id_than_the_one_left()
    {
        var gate = new HostRebootedGate();
        var context = Context(NodeRole.Agent) with { PreviousBootId = "b00t-1" };

        Assert.Equal([ServiceOperations.BootIdFile], gate.Probe(context).Arguments);
        Assert.Equal((false, "boot id b00t-1: the host has not rebooted yet"), (gate.Evaluate(context, Ok("b00t-1\n")).Passed, gate.Evaluate(context, Ok("b00t-1\n")).Observed));
        Assert.Equal((true, "new boot id b00t-2"), (gate.Evaluate(context, Ok("b00t-2\n")).Passed, gate.Evaluate(context, Ok("b00t-2\n")).Observed));
        Assert.False(gate.Evaluate(context, Ok("")).Passed);
        Assert.False(gate.Evaluate(context, new RemoteResult(255, "", "Connection refused", TimeSpan.Zero)).Passed);
        // No boot id recorded (the reboot command's answer was lost): never passed on a guess.
        Assert.False(gate.Evaluate(Context(NodeRole.Agent), Ok("b00t-2\n")).Passed);
    }

    [Fact]
    public void Node_ready_needs_a_status_posted_by_the_kubelet_of_this_boot()
    {
        var gate = new NodeReadyGate();

        Assert.Equal(ServiceOperations.BootIdFile, gate.Probe(Context(NodeRole.Agent)).Arguments[3]);
        var stale = gate.Evaluate(Context(NodeRole.Agent), Ok("True b00t-1 b00t-2\n"));
        Assert.False(stale.Passed);
        Assert.Equal("Ready=True posted from boot b00t-1, before this boot (b00t-2): the kubelet has not reported since the reboot", stale.Observed);
        Assert.True(gate.Evaluate(Context(NodeRole.Agent), Ok("True b00t-2 b00t-2\n")).Passed);
        Assert.Equal((false, "Ready=False"), (gate.Evaluate(Context(NodeRole.Agent), Ok("False b00t-2 b00t-2\n")).Passed, gate.Evaluate(Context(NodeRole.Agent), Ok("False b00t-2 b00t-2\n")).Observed));
        // A kubelet that posts no boot id is judged on Ready alone.
        Assert.True(gate.Evaluate(Context(NodeRole.Agent), Ok("True  b00t-2\n")).Passed);
    }

    [Fact]
    public void Etcd_member_gate_passes_only_once_this_node_is_a_voter()
    {
        var gate = new EtcdMemberVotingGate();
        static string Members(bool learner) => $$"""
            {"header":{"cluster_id":1},"members":[{"ID":1,"name":"s0-aaaa1111","peerURLs":["https://10.0.0.9:2380"]},
            {"ID":2,"name":"n1-bbbb2222","peerURLs":["https://127.0.10.1:2380"]{{(learner ? ",\"isLearner\":true" : "")}}}]}
            """;

        var promoted = gate.Evaluate(Context(NodeRole.EtcdOnly), Ok(Members(learner: false)));
        var learning = gate.Evaluate(Context(NodeRole.EtcdOnly), Ok(Members(learner: true)));
        var absent = gate.Evaluate(Context(NodeRole.EtcdOnly), Ok("{\"members\":[{\"ID\":1,\"name\":\"s0-aaaa1111\"}]}"));

        Assert.Equal((true, "2 voting, 0 learner(s)"), (promoted.Passed, promoted.Observed));
        Assert.Equal((false, "n1 is still a learner (1 voting, 1 learner(s): n1-bbbb2222)"), (learning.Passed, learning.Observed));
        Assert.False(absent.Passed);
        Assert.StartsWith("no member for n1", absent.Observed, StringComparison.Ordinal);
    }

    [Fact]
    public void Etcd_member_gate_does_not_take_a_voter_of_a_node_whose_name_extends_this_ones()
    {
        var gate = new EtcdMemberVotingGate();
        const string members = """
            {"members":[{"ID":1,"name":"n1-a-aaaa1111"},{"ID":2,"name":"n1-bbbb2222","isLearner":true},{"ID":3,"name":"n10-cccc3333"}]}
            """;

        var learning = gate.Evaluate(Context(NodeRole.EtcdOnly), Ok(members));
        var withoutOwn = gate.Evaluate(Context(NodeRole.EtcdOnly), Ok("""{"members":[{"ID":1,"name":"n1-a-aaaa1111"},{"ID":3,"name":"n1-CCCC3333"}]}"""));

        Assert.Equal((false, "n1 is still a learner (2 voting, 1 learner(s): n1-bbbb2222)"), (learning.Passed, learning.Observed));
        Assert.False(withoutOwn.Passed);
        Assert.StartsWith("no member for n1", withoutOwn.Observed, StringComparison.Ordinal);
    }

    [Fact]
    public void Gate_sets_follow_the_role()
    {
        static string[] Names(NodeRole role) => [.. GateSet.For(role).Select(g => g.Name)];

        Assert.Equal(["service active", "supervisor /ping", "etcd health", "etcd member voting", "node Ready", "static pods stable"], Names(NodeRole.EtcdOnly));
        Assert.DoesNotContain("node Ready", GateSet.For(NodeRole.EtcdOnly, controlPlaneUp: false).Select(g => g.Name));
        Assert.Contains("node Ready", GateSet.For(NodeRole.ControlPlaneOnly, controlPlaneUp: false).Select(g => g.Name));
        Assert.Equal(["service active", "node Ready"], Names(NodeRole.Agent));
        Assert.Contains("apiserver /readyz", Names(NodeRole.Server));
    }
}
