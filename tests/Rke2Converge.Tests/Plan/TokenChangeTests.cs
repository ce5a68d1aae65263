using Rke2Converge.Facts;
using Rke2Converge.Model;
using Rke2Converge.Plan;
using Rke2Converge.Plan.Changes;
using Rke2Converge.Plan.Desired;
using Rke2Converge.Plan.Diff;
using Rke2Converge.Plan.Rendering;

namespace Rke2Converge.Tests.Plan;

/// <summary>A bootstrapped cluster's token cannot just be replaced in config.yaml: that needs `rke2 token rotate`.</summary>
public sealed class TokenChangeTests
{
    private const string OldToken = "old-cluster-token-9f8e";

    private static readonly ClusterModel Model = TestModels.Cluster(
        [TestModels.Node("s1", "10.0.0.1", NodeRole.Server), TestModels.Node("a2", "10.0.0.2", NodeRole.Agent)]);

    private readonly Planner _planner = new("test", TestModels.Templates(), TestModels.Reveal);

    private static IReadOnlyList<NodeDesiredState> Desired => DesiredStateBuilder.Build(Model);

    private HostFacts WithToken(NodeDesiredState node, string token) => TestModels.Converged(_planner, node) with
    {
        ConfigYaml = TestModels.Converged(_planner, node).ConfigYaml!.Replace(TestModels.Token, token, StringComparison.Ordinal),
    };

    [Fact]
    public void A_new_token_for_nodes_running_rke2_is_a_problem_with_rotation_advice_and_no_token()
    {
        var plan = _planner.Plan(Desired, Desired.ToDictionary(n => n.Name, n => WithToken(n, OldToken)));

        Assert.True(plan.HasProblems);
        Assert.All(plan.Hosts, host =>
        {
            var problem = Assert.Single(host.Problems);
            Assert.Contains("rke2 token rotate --token <current> --new-token <new>", problem, StringComparison.Ordinal);
            Assert.Contains("bootstrap data already found and encrypted with different token", problem, StringComparison.Ordinal);
        });
        var everything = PlanJsonWriter.ToJson(plan) + string.Join("\n", plan.Hosts.SelectMany(h => h.Problems.Concat(h.Notes)));
        Assert.DoesNotContain(OldToken, everything, StringComparison.Ordinal);
        Assert.DoesNotContain(TestModels.Token, everything, StringComparison.Ordinal);
    }

    [Fact]
    public void A_first_token_is_not_a_change_to_refuse()
    {
        var fresh = _planner.Plan(Desired, Desired.ToDictionary(n => n.Name, n => TestModels.FreshHost(n.Name, n.Sysctls.Keys)));
        var tokenless = _planner.Plan(Desired, Desired.ToDictionary(n => n.Name, n => TestModels.Converged(_planner, n) with
        {
            ConfigYaml = string.Join('\n', TestModels.Converged(_planner, n).ConfigYaml!.Split('\n').Where(line => !line.StartsWith("token:", StringComparison.Ordinal))),
        }));
        // config.yaml written by an earlier run that failed before RKE2 was installed: nothing was bootstrapped with it.
        var notInstalled = _planner.Plan(Desired, Desired.ToDictionary(n => n.Name, n => WithToken(n, OldToken) with { InstalledVersion = null }));

        // Installed but never started (a restore --from that stopped at the cluster reset): no bootstrap data either.
        var neverStarted = _planner.Plan(Desired, Desired.ToDictionary(n => n.Name, n => WithToken(n, OldToken) with
        {
            ServerService = ServiceFacts.Missing("rke2-server") with { Installed = true },
            AgentService = ServiceFacts.Missing("rke2-agent") with { Installed = true },
            ClusterCaSha256 = null,
        }));

        foreach (var plan in new[] { fresh, tokenless, notInstalled, neverStarted })
        {
            Assert.False(plan.HasProblems, string.Join("\n", plan.Hosts.SelectMany(h => h.Problems)));
            Assert.True(plan.HasDrift);
        }
    }

    [Fact]
    public void A_node_that_ran_once_keeps_the_refusal_though_its_unit_is_now_stopped_and_disabled()
    {
        var plan = _planner.Plan(Desired, Desired.ToDictionary(n => n.Name, n => WithToken(n, OldToken) with
        {
            ServerService = ServiceFacts.Missing("rke2-server") with { Installed = true },
            AgentService = ServiceFacts.Missing("rke2-agent") with { Installed = true },
            ClusterCaSha256 = new string('c', 64),
        }));

        Assert.All(plan.Hosts, host => Assert.Contains(host.Problems, problem => problem.StartsWith("token: the playbook's token differs", StringComparison.Ordinal)));
    }

    [Fact]
    public void The_full_token_form_with_the_same_passphrase_is_the_same_token()
    {
        var full = $"K10{new string('a', 64)}::server:{TestModels.Token}";

        var plan = _planner.Plan(Desired, Desired.ToDictionary(n => n.Name, n => WithToken(n, full)));

        Assert.False(plan.HasProblems, string.Join("\n", plan.Hosts.SelectMany(h => h.Problems)));
        Assert.Equal(TestModels.Token, TokenRotation.Passphrase(full));
        Assert.True(TokenRotation.WouldChange($"K10{new string('a', 64)}::server:other", TestModels.Token));
        Assert.False(TokenRotation.WouldChange(null, TestModels.Token));
    }

    [Fact]
    public void Under_token_rotate_a_new_token_is_a_config_change_with_a_restart_and_a_note_not_a_problem()
    {
        var rotating = new Planner("test", TestModels.Templates(), TestModels.Reveal) { RotatesToken = true };

        var plan = rotating.Plan(Desired, Desired.ToDictionary(n => n.Name, n => WithToken(n, OldToken)));

        Assert.False(plan.HasProblems, string.Join("\n", plan.Hosts.SelectMany(h => h.Problems)));
        Assert.All(plan.Hosts, host =>
        {
            Assert.Contains(TokenRotation.Rotating, host.Notes);
            Assert.Equal(ServiceAction.Restart, host.Find<ServiceChange>()!.Action);
        });
        Assert.DoesNotContain(OldToken, PlanJsonWriter.ToJson(plan), StringComparison.Ordinal);
        Assert.DoesNotContain(TestModels.Token, PlanJsonWriter.ToJson(plan), StringComparison.Ordinal);
    }
}
