using Rke2Converge.Facts;
using Rke2Converge.Model;
using Rke2Converge.Plan;
using Rke2Converge.Plan.Changes;
using Rke2Converge.Plan.Desired;

namespace Rke2Converge.Tests.Plan;

public sealed class PlannerTests
{
    private static readonly ClusterModel Model = TestModels.Cluster(
    [
        TestModels.Node("s1", "10.0.0.1", NodeRole.Server),
        TestModels.Node("e2", "10.0.0.2", NodeRole.EtcdOnly),
        TestModels.Node("c3", "10.0.0.3", NodeRole.ControlPlaneOnly),
        TestModels.Node("a4", "10.0.0.4", NodeRole.Agent, new ConfigMap { ["node-label"] = new[] { "pool=a" } }),
    ], config: new ConfigMap { ["protect-kernel-defaults"] = true });

    private readonly Planner _planner = new("test", TestModels.Templates(), TestModels.Reveal);

    private static IReadOnlyList<NodeDesiredState> Desired => DesiredStateBuilder.Build(Model);

    private HostFacts Converged(NodeDesiredState node) => TestModels.Converged(_planner, node);

    private ClusterPlan PlanWith(Func<NodeDesiredState, HostFacts> facts) =>
        _planner.Plan(Desired, Desired.ToDictionary(n => n.Name, facts));

    [Fact]
    public void A_fresh_host_gets_sysctls_config_install_and_a_start()
    {
        var plan = PlanWith(node => TestModels.FreshHost(node.Name, node.Sysctls.Keys));

        var s1 = plan.Hosts[0];
        Assert.Equal(["sysctl", "sysctl-file", "config", "install", "service"], s1.Changes.Select(c => c.Kind).Distinct());
        var service = s1.Find<ServiceChange>()!;
        Assert.Equal((ServiceAction.Start, true, "rke2-server"), (service.Action, service.Enable, service.Unit));
        Assert.Equal("rke2-agent", plan.Hosts[3].Find<ServiceChange>()!.Unit);
        Assert.True(plan.HasDrift);
        Assert.Equal(4, plan.ChangedHosts);
    }

    [Fact]
    public void A_converged_cluster_has_no_changes()
    {
        var plan = PlanWith(Converged);

        Assert.False(plan.HasDrift);
        Assert.All(plan.Hosts, host => Assert.Empty(host.Changes));
    }

    [Fact]
    public void Roles_and_join_order_derive_config_keys()
    {
        var byName = Desired.ToDictionary(n => n.Name);

        Assert.False(byName["s1"].Config.ContainsKey("server"));
        Assert.Equal("https://10.0.0.1:9345", byName["e2"].Config["server"]);
        Assert.Equal(true, byName["e2"].Config["disable-apiserver"]);
        Assert.Equal(true, byName["c3"].Config["disable-etcd"]);
        Assert.Equal("https://10.0.0.1:9345", byName["a4"].Config["server"]);
        Assert.Equal("a4", byName["a4"].Config["node-name"]);
        Assert.IsAssignableFrom<SecretSource>(byName["a4"].Config["token"]);
    }

    [Fact]
    public void Protect_kernel_defaults_adds_the_kubelet_flags_the_playbook_left_out()
    {
        var s1 = Desired[0];

        Assert.Equal("1", s1.Sysctls["vm.overcommit_memory"]);
        Assert.Equal("10", s1.Sysctls["kernel.panic"]);
        Assert.Equal("10", s1.Sysctls["vm.swappiness"]);
        Assert.Contains("kernel.panic_on_oops", s1.SysctlsRequiredByKubelet);
    }

    [Fact]
    public void Config_drift_restarts_the_running_service_and_shows_the_key()
    {
        var plan = PlanWith(node => node.Name == "e2"
            ? Converged(node) with { ConfigYaml = Converged(node).ConfigYaml!.Replace("disable-scheduler: true", "disable-scheduler: false", StringComparison.Ordinal) }
            : Converged(node));

        var e2 = Assert.Single(plan.Hosts, h => h.HasChanges);
        Assert.Equal("e2", e2.Node);
        Assert.Equal("~ disable-scheduler: false → true", Assert.Single(e2.Find<ConfigFileChange>()!.Entries).ToString());
        Assert.Equal(ServiceAction.Restart, e2.Find<ServiceChange>()!.Action);
    }

    [Theory]
    [InlineData("v1.33.0+rke2r1", "downgrade")]
    [InlineData("v1.30.9+rke2r1", "skips a minor version")]
    [InlineData("banana", "cannot compare")]
    public void Unsafe_version_moves_are_problems_not_changes(string installed, string expected)
    {
        var plan = PlanWith(node => Converged(node) with { InstalledVersion = installed });

        Assert.All(plan.Hosts, host => Assert.Contains(host.Problems, p => p.Contains(expected, StringComparison.Ordinal)));
        Assert.DoesNotContain(plan.Hosts.SelectMany(h => h.Changes), c => c is InstallChange);
    }

    [Fact]
    public void A_patch_upgrade_installs_and_restarts()
    {
        var plan = PlanWith(node => Converged(node) with { InstalledVersion = "v1.31.9+rke2r1" });

        var s1 = plan.Hosts[0];
        Assert.Equal("rke2: upgrade v1.31.9+rke2r1 → v1.32.5+rke2r1", s1.Find<InstallChange>()!.Summary);
        Assert.Equal((ServiceAction.Restart, "version changes"), (s1.Find<ServiceChange>()!.Action, s1.Find<ServiceChange>()!.Reason));
    }

    [Fact]
    public void A_service_that_never_became_ready_is_restarted()
    {
        var plan = PlanWith(node => node.Name == "c3"
            ? Converged(node) with { ServerService = new ServiceFacts("rke2-server", true, true, "activating") }
            : Converged(node));

        var change = Assert.Single(plan.Hosts, h => h.HasChanges).Find<ServiceChange>()!;
        Assert.Equal((ServiceAction.Restart, "service is activating"), (change.Action, change.Reason));
    }

    [Fact]
    public void A_restart_an_interrupted_run_owed_is_still_planned_when_nothing_else_differs()
    {
        var plan = PlanWith(node => node.Name == "e2" ? Converged(node) with { Pending = PendingWork.Restart } : Converged(node));

        var e2 = Assert.Single(plan.Hosts, h => h.HasChanges);
        var change = Assert.Single(e2.Changes);
        Assert.Equal("service rke2-server: restart (an interrupted run changed the node but did not restart it)", change.Summary);
        Assert.True(e2.StartsService);
    }

    [Fact]
    public void A_node_whose_gates_did_not_pass_is_verified_again_without_a_restart()
    {
        var plan = PlanWith(node => node.Name == "s1" ? Converged(node) with { Pending = PendingWork.Verify } : Converged(node));

        var s1 = Assert.Single(plan.Hosts, h => h.HasChanges);
        Assert.Equal("service rke2-server: verify readiness (its readiness gates have not passed since the last restart)", Assert.Single(s1.Changes).Summary);
        Assert.True(s1.TouchesService);
        Assert.False(s1.StartsService);
    }

    [Fact]
    public void New_drift_on_a_node_awaiting_verification_restarts_it()
    {
        var plan = PlanWith(node => node.Name == "s1"
            ? Converged(node) with { Pending = PendingWork.Verify, InstalledVersion = "v1.32.4+rke2r1" }
            : Converged(node));

        Assert.Equal((ServiceAction.Restart, "version changes"), (plan.Hosts[0].Find<ServiceChange>()!.Action, plan.Hosts[0].Find<ServiceChange>()!.Reason));
    }

    [Fact]
    public void A_node_running_the_other_unit_is_a_role_change_problem()
    {
        var plan = PlanWith(node => node.Name == "a4"
            ? Converged(node) with { ServerService = new ServiceFacts("rke2-server", true, true, "active") }
            : Converged(node));

        Assert.Contains("rke2-uninstall.sh", Assert.Single(plan.Hosts[3].Problems), StringComparison.Ordinal);
    }

    [Fact]
    public void Rendered_config_holds_the_token_but_the_plan_never_does()
    {
        var plan = PlanWith(node => TestModels.FreshHost(node.Name, node.Sysctls.Keys));

        Assert.Contains(TestModels.Token, _planner.RenderConfigFile(Desired[0]), StringComparison.Ordinal);
        Assert.DoesNotContain(TestModels.Token, Rke2Converge.Plan.Rendering.PlanJsonWriter.ToJson(plan), StringComparison.Ordinal);
        Assert.DoesNotContain(TestModels.Token, string.Join("\n", plan.Hosts.SelectMany(h => h.Changes).SelectMany(c => c.Details.Append(c.Summary))), StringComparison.Ordinal);
    }

    [Fact]
    public void A_requested_restart_restarts_every_running_node_and_a_certificate_rotation_rotates_on_servers_only()
    {
        ClusterPlan Requested(RequestedRestart restart)
        {
            var desired = Desired.Select(node => node with { RestartRequested = restart }).ToList();
            return _planner.Plan(desired, desired.ToDictionary(n => n.Name, Converged));
        }

        Assert.All(Requested(RequestedRestart.Restart).Hosts, host =>
            Assert.Equal((ServiceAction.Restart, "rolling restart requested by rke2c restart"), (host.Find<ServiceChange>()!.Action, host.Find<ServiceChange>()!.Reason)));
        var rotation = Requested(RequestedRestart.RotateCertificates);
        Assert.Equal(
            [ServiceAction.RotateCertificates, ServiceAction.RotateCertificates, ServiceAction.RotateCertificates, ServiceAction.Restart],
            rotation.Hosts.Select(host => host.Find<ServiceChange>()!.Action));
        Assert.Equal("service rke2-server: stop, rke2 certificate rotate, start (certificate rotation requested by rke2c certificate rotate)",
            Assert.Single(rotation.Hosts[0].Changes).Summary);
        Assert.True(rotation.Hosts[0].StartsService);
        Assert.Contains("renews its client certificates", rotation.Hosts[3].Find<ServiceChange>()!.Reason, StringComparison.Ordinal);
        Assert.DoesNotContain(Requested(RequestedRestart.None).Hosts, host => host.HasChanges);
    }

    [Fact]
    public void A_requested_reboot_reboots_every_node_and_only_a_running_one_counts_as_drainable()
    {
        var desired = Desired.Select(node => node with { RestartRequested = RequestedRestart.Reboot }).ToList();
        var plan = _planner.Plan(desired, desired.ToDictionary(n => n.Name, n => n.Name == "a4"
            ? Converged(n) with { AgentService = new ServiceFacts("rke2-agent", true, false, "failed") }
            : Converged(n)));

        Assert.All(plan.Hosts, host => Assert.Equal(ServiceAction.Reboot, host.Find<ServiceChange>()!.Action));
        Assert.Equal("service rke2-server: reboot the host (rolling reboot requested by rke2c reboot)", Assert.Single(plan.Hosts[0].Changes).Summary);
        Assert.Equal([true, true, true, false], plan.Hosts.Select(host => host.Find<ServiceChange>()!.WasActive));
        // A disabled unit is enabled first, so it starts with the new boot.
        Assert.Equal([false, false, false, true], plan.Hosts.Select(host => host.Find<ServiceChange>()!.Enable));
    }

    [Fact]
    public void A_reboot_also_carries_a_restart_the_playbook_asks_for()
    {
        var desired = Desired.Select(node => node with { RestartRequested = RequestedRestart.Reboot }).ToList();
        var plan = _planner.Plan(desired, desired.ToDictionary(n => n.Name, n => Converged(n) with { ConfigYaml = "token: x\n" }));

        var reason = plan.Hosts[0].Find<ServiceChange>()!.Reason;
        Assert.StartsWith("rolling reboot requested by rke2c reboot; also restarts it for ", reason, StringComparison.Ordinal);
        Assert.Single(plan.Hosts[0].Changes.OfType<ServiceChange>());
    }

    [Fact]
    public void A_host_holding_another_cluster_CA_is_a_problem_naming_the_first_server()
    {
        var ours = new string('a', 64);
        var theirs = new string('b', 64);
        var plan = PlanWith(node => Converged(node) with { ClusterCaSha256 = node.Name == "a4" ? theirs : node.Name == "c3" ? null : ours });

        var problem = Assert.Single(plan.Hosts[3].Problems);
        Assert.StartsWith($"this host belongs to another cluster: its RKE2 cluster CA (sha256 {theirs[..16]}) is not s1's (sha256 {ours[..16]})", problem, StringComparison.Ordinal);
        Assert.All(plan.Hosts.Take(3), host => Assert.Empty(host.Problems));
        Assert.True(plan.HasProblems);
        // No server has run yet: nothing to compare with.
        Assert.False(PlanWith(node => Converged(node) with { ClusterCaSha256 = node.Name == "a4" ? theirs : null }).HasProblems);
    }
}
