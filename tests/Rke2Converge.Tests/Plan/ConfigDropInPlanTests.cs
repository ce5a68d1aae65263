using Rke2Converge.Facts;
using Rke2Converge.Model;
using Rke2Converge.Plan;
using Rke2Converge.Plan.Changes;
using Rke2Converge.Plan.Desired;
using Rke2Converge.Plan.Diff;
using Rke2Converge.Plan.Rendering;

namespace Rke2Converge.Tests.Plan;

/// <summary>Drop-ins in config.yaml.d that fight the playbook, under each ConfigDropIns policy.</summary>
public sealed class ConfigDropInPlanTests
{
    private const string DropInSecret = "dropin-token-never-shown";

    private static readonly ConfigDropIn Cis = new("50-cis.yaml", "profile: cis\n");
    private static readonly ConfigDropIn KernelDefaults = new("60-kernel.yml", "protect-kernel-defaults: false\n");

    private readonly Planner _planner = new("test", TestModels.Templates(), TestModels.Reveal);

    private static ClusterModel Model(ConfigDropInPolicy policy) => TestModels.Cluster(
        [
            TestModels.Node("s1", "10.0.0.1", NodeRole.Server),
            TestModels.Node("a2", "10.0.0.2", NodeRole.Agent, new ConfigMap { ["node-label"] = new[] { "pool=a" } }),
        ],
        config: new ConfigMap { ["protect-kernel-defaults"] = true }) with { ConfigDropIns = policy };

    private ClusterPlan PlanWith(ConfigDropInPolicy policy, params ConfigDropIn[] dropInsOnS1)
    {
        var desired = DesiredStateBuilder.Build(Model(policy));
        return _planner.Plan(desired, desired.ToDictionary(n => n.Name, n => TestModels.Converged(_planner, n) with
        {
            ConfigDropIns = n.Name == "s1" ? dropInsOnS1 : [],
        }));
    }

    [Fact]
    public void Review_names_managed_keys_overridden_or_appended_and_unmanaged_keys_that_change_behaviour()
    {
        var managed = new ConfigMap { ["protect-kernel-defaults"] = true, ["node-label"] = new[] { "pool=a" } };
        ConfigDropIn[] dropIns =
        [
            new("10-harmless.yaml", "kubelet-arg:\n  - max-pods=200\nnode-taint: [a=b:NoSchedule]\n"),
            new("20-mixed.yaml", "node-label+: [extra=1]\nprotect-kernel-defaults: true\nselinux: true\nwrite-kubeconfig-mode: \"0644\"\n"),
            new("30-cni.yml", "cni: cilium\n"),
            new("40-broken.yaml", "token: [unclosed\n"),
        ];

        var findings = ConfigDropInReview.Review(managed, dropIns);

        Assert.Equal(["20-mixed.yaml", "30-cni.yml", "40-broken.yaml"], findings.Select(f => f.DropIn.FileName));
        Assert.Equal(
            [new DropInKey("node-label", DropInEffect.AppendsTo), new DropInKey("protect-kernel-defaults", DropInEffect.Overrides), new DropInKey("selinux", DropInEffect.ChangesBehaviour)],
            findings[0].Keys);
        Assert.Equal(
            "appends to node-label from the playbook; overrides protect-kernel-defaults from the playbook; sets selinux, which changes how RKE2 runs",
            findings[0].Description);
        Assert.Equal("not valid YAML at line 2: RKE2 will refuse to start with it", findings[2].Description);
    }

    [Fact]
    public void By_default_each_offending_drop_in_is_an_unresolved_problem_naming_file_and_key_and_the_plan_shows_drift()
    {
        var plan = PlanWith(ConfigDropInPolicy.Fail, Cis, KernelDefaults, new ConfigDropIn("70-token.yaml", $"token: {DropInSecret}\n"));

        var s1 = plan.Hosts[0];
        Assert.Equal(
        [
            "/etc/rancher/rke2/config.yaml.d/50-cis.yaml sets profile, which changes how RKE2 runs",
            "/etc/rancher/rke2/config.yaml.d/60-kernel.yml overrides protect-kernel-defaults from the playbook",
            "/etc/rancher/rke2/config.yaml.d/70-token.yaml overrides token from the playbook",
        ], s1.Unresolved);
        Assert.Empty(s1.Changes);
        Assert.Empty(s1.Problems);
        Assert.True(plan.HasDrift);
        Assert.True(plan.HasUnresolved);
        Assert.False(plan.HasProblems);
        Assert.Equal(1, plan.ChangedHosts);
        Assert.Contains(plan.Notes, note => note.Contains("ConfigDropIns.Keep() or ConfigDropIns.Remove()", StringComparison.Ordinal));
        Assert.DoesNotContain(DropInSecret, PlanJsonWriter.ToJson(plan), StringComparison.Ordinal);
        Assert.Contains("/etc/rancher/rke2/config.yaml.d/50-cis.yaml sets profile", PlanJsonWriter.ToJson(plan), StringComparison.Ordinal);
    }

    [Fact]
    public void Keep_leaves_them_as_notes_and_not_drift()
    {
        var plan = PlanWith(ConfigDropInPolicy.Keep, Cis, KernelDefaults);

        Assert.False(plan.HasDrift);
        Assert.False(plan.HasUnresolved);
        Assert.Equal(
        [
            "/etc/rancher/rke2/config.yaml.d/50-cis.yaml sets profile, which changes how RKE2 runs (kept: ConfigDropIns.Keep())",
            "/etc/rancher/rke2/config.yaml.d/60-kernel.yml overrides protect-kernel-defaults from the playbook (kept: ConfigDropIns.Keep())",
        ], plan.Hosts[0].Notes);
    }

    [Fact]
    public void Keep_cannot_keep_a_drop_in_rke2_cannot_read()
    {
        var plan = PlanWith(ConfigDropInPolicy.Keep, new ConfigDropIn("99-broken.yaml", "a: [b\n"));

        Assert.Contains("99-broken.yaml: not valid YAML at line 2: RKE2 will refuse to start with it", Assert.Single(plan.Hosts[0].Problems), StringComparison.Ordinal);
    }

    [Fact]
    public void Remove_lists_each_file_as_a_change_and_restarts_once_with_the_nodes_other_changes()
    {
        var desired = DesiredStateBuilder.Build(Model(ConfigDropInPolicy.Remove));
        var plan = _planner.Plan(desired, desired.ToDictionary(n => n.Name, n => TestModels.Converged(_planner, n) with
        {
            ConfigDropIns = n.Name == "s1" ? [Cis, KernelDefaults, new ConfigDropIn("10-harmless.yaml", "kubelet-arg: [max-pods=200]\n")] : [],
            ConfigYaml = n.Name == "s1" ? TestModels.Converged(_planner, n).ConfigYaml!.Replace("protect-kernel-defaults: true", "protect-kernel-defaults: false", StringComparison.Ordinal) : TestModels.Converged(_planner, n).ConfigYaml,
        }));

        var s1 = Assert.Single(plan.Hosts, h => h.HasDrift);
        Assert.Equal(
        [
            "- /etc/rancher/rke2/config.yaml.d/50-cis.yaml (sets profile, which changes how RKE2 runs)",
            "- /etc/rancher/rke2/config.yaml.d/60-kernel.yml (overrides protect-kernel-defaults from the playbook)",
        ], s1.Changes.OfType<ConfigDropInRemoval>().Select(c => c.Summary));
        var service = Assert.Single(s1.Changes.OfType<ServiceChange>());
        Assert.Equal((ServiceAction.Restart, "config changes"), (service.Action, service.Reason));
        Assert.NotNull(s1.Find<ConfigFileChange>());
        Assert.Empty(s1.Unresolved);
        Assert.Empty(s1.Notes);
    }

    [Fact]
    public void Remove_alone_is_a_config_change_that_restarts_the_node()
    {
        var plan = PlanWith(ConfigDropInPolicy.Remove, Cis);

        var s1 = plan.Hosts[0];
        Assert.Equal(["config-drop-in", "service"], s1.Changes.Select(c => c.Kind));
        Assert.True(s1.StartsService);
        Assert.False(plan.Hosts[1].HasDrift);
    }

    [Fact]
    public void A_drop_in_appending_to_a_managed_list_on_an_agent_is_named_as_appending()
    {
        var desired = DesiredStateBuilder.Build(Model(ConfigDropInPolicy.Fail));
        var plan = _planner.Plan(desired, desired.ToDictionary(n => n.Name, n => TestModels.Converged(_planner, n) with
        {
            ConfigDropIns = n.Name == "a2" ? [new ConfigDropIn("extra.yaml", "node-label+:\n  - extra=1\n")] : [],
        }));

        Assert.Equal("/etc/rancher/rke2/config.yaml.d/extra.yaml appends to node-label from the playbook", Assert.Single(plan.Hosts[1].Unresolved));
    }
}
