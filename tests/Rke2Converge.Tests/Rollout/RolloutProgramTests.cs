using Rke2Converge.Facts;
using Rke2Converge.Logging;
using Rke2Converge.Cli.Output;
using Rke2Converge.Model;
using Rke2Converge.Plan;
using Rke2Converge.Plan.Desired;
using Rke2Converge.Plan.Steps;
using Rke2Converge.Remote;
using Rke2Converge.Rollout;
using Rke2Converge.Rollout.Observers;
using Serilog.Core;
using Spectre.Console;
using Xunit;

namespace Rke2Converge.Tests.Rollout;

/// <summary>The plan is the program: one builder lists each node's steps, and the runner runs exactly those, in order.</summary>
public sealed class RolloutProgramTests
{
    private static readonly ArtifactSource Mirror = new ArtifactSource.Mirror(new Uri("https://mirror.test/rke2"));

    private static readonly ClusterModel Fresh = TestModels.Cluster(
    [
        TestModels.Node("e1", "10.0.0.1", NodeRole.EtcdOnly),
        TestModels.Node("c1", "10.0.0.2", NodeRole.ControlPlaneOnly),
        TestModels.Node("a1", "10.0.0.3", NodeRole.Agent),
    ]);

    private static (Planner Planner, ClusterPlan Plan) PlanFresh()
    {
        var planner = new Planner("test", TestModels.Templates(), TestModels.Reveal);
        var desired = DesiredStateBuilder.Build(Fresh);
        return (planner, planner.Plan(desired, desired.ToDictionary(n => n.Name, n => TestModels.FreshHost(n.Name, n.Sysctls.Keys))));
    }

    private static RolloutProgram Build(Planner planner, ClusterPlan plan, Func<string, string>? redact = null) =>
        RolloutProgram.Build(plan, planner, Mirror, new GateSettings(), new AgentBatching(), redact ?? (text => text));

    [Fact]
    public void A_fresh_node_lists_marker_files_sysctls_install_start_every_gate_and_clearing_the_marker_in_order()
    {
        var (planner, plan) = PlanFresh();

        var program = Build(planner, plan);

        var c1 = program.Plan.Hosts.Single(h => h.Node == "c1").Steps;
        Assert.Equal(
        [
            StepKind.MarkPending, StepKind.WriteFile, StepKind.Sysctl, StepKind.WriteFile, StepKind.Install, StepKind.Install, StepKind.Install,
            StepKind.Service, StepKind.Gate, StepKind.Gate, StepKind.Gate, StepKind.Gate, StepKind.Gate, StepKind.WriteFile, StepKind.ClearPending,
        ], c1.Select(step => step.Kind));
        Assert.Equal("/etc/sysctl.d/90-rke2c.conf", c1[1].Target);
        Assert.Equal(PlannedStep.Hash(planner.RenderSysctlFile(plan.Hosts[1].Desired)), c1[1].Sha256);
        Assert.Equal("/etc/rancher/rke2/config.yaml", c1[3].Target);
        Assert.Matches("^[0-9a-f]{64}$", c1[3].Sha256!);
        Assert.Equal(["service active", "supervisor /ping", "apiserver /readyz", "node Ready", "static pods stable"], c1.Where(s => s.Kind == StepKind.Gate).Select(s => s.Target));
        Assert.Equal(["e1", "c1", "a1"], program.Plan.RolloutOrder);
    }

    [Fact]
    public void The_config_hash_is_of_the_file_with_secrets_masked_so_no_secret_reaches_the_plan()
    {
        var (planner, plan) = PlanFresh();
        var desired = plan.Hosts[0].Desired;

        var write = Build(planner, plan).Plan.Hosts[0].Steps.Single(step => step.Target == "/etc/rancher/rke2/config.yaml");

        Assert.Equal(PlannedStep.Hash(planner.RenderMaskedConfigFile(desired)), write.Sha256);
        Assert.NotEqual(PlannedStep.Hash(planner.RenderConfigFile(desired)), write.Sha256);
        Assert.DoesNotContain(TestModels.Token, planner.RenderMaskedConfigFile(desired), StringComparison.Ordinal);
    }

    [Fact]
    public void An_etcd_only_node_joined_before_any_control_plane_ends_with_the_deferred_node_Ready_check_and_then_clears_its_marker()
    {
        var (planner, plan) = PlanFresh();

        var e1 = Build(planner, plan).Plan.Hosts.Single(h => h.Node == "e1").Steps;

        Assert.DoesNotContain(e1, step => step.Kind == StepKind.Gate && step.Target == "node Ready");
        Assert.Equal([StepKind.DeferredGate, StepKind.WriteFile, StepKind.ClearPending], e1.TakeLast(3).Select(step => step.Kind));
        Assert.Equal(("record the cluster identity", "/var/lib/rancher/rke2c/cluster-identity"), (e1[^2].Description, e1[^2].Target));
    }

    [Fact]
    public void An_upgrade_starts_with_an_etcd_snapshot_on_the_first_running_etcd_member()
    {
        var planner = new Planner("test", TestModels.Templates(), TestModels.Reveal);
        var model = TestModels.Cluster([TestModels.Node("s1", "10.0.0.1", NodeRole.Server), TestModels.Node("s2", "10.0.0.2", NodeRole.Server)], version: "v1.32.6+rke2r1");
        var desired = DesiredStateBuilder.Build(model);
        var plan = planner.Plan(desired, desired.ToDictionary(n => n.Name, n => TestModels.Converged(planner, n) with { InstalledVersion = "v1.32.5+rke2r1" }));

        var program = Build(planner, plan);

        var s1 = program.Plan.Hosts[0].Steps;
        Assert.Equal(StepKind.EtcdSnapshot, s1[0].Kind);
        Assert.Equal("rke2c-pre-v1.32.6-rke2r1", s1[0].Target);
        Assert.Single(program.Plan.Hosts.SelectMany(h => h.Steps), step => step.Kind == StepKind.EtcdSnapshot);
    }

    [Fact]
    public void A_resumed_upgrade_names_its_snapshot_after_the_version_the_member_already_runs()
    {
        var planner = new Planner("test", TestModels.Templates(), TestModels.Reveal);
        var model = TestModels.Cluster([TestModels.Node("s1", "10.0.0.1", NodeRole.Server), TestModels.Node("s2", "10.0.0.2", NodeRole.Server)], version: "v1.32.6+rke2r1");
        var desired = DesiredStateBuilder.Build(model);
        var plan = planner.Plan(desired, desired.ToDictionary(n => n.Name, n => TestModels.Converged(planner, n) with
        {
            InstalledVersion = n.Name == "s1" ? "v1.32.6+rke2r1" : "v1.32.5+rke2r1",
        }));

        var snapshot = Assert.Single(Build(planner, plan).Plan.Hosts.SelectMany(h => h.Steps), step => step.Kind == StepKind.EtcdSnapshot);

        Assert.Equal("rke2c-at-v1.32.6-rke2r1", snapshot.Target);
        Assert.Contains("the upgrade resumes: s1 already runs v1.32.6+rke2r1", snapshot.Description, StringComparison.Ordinal);
    }

    [Fact]
    public void A_node_without_changes_has_no_steps()
    {
        var planner = new Planner("test", TestModels.Templates(), TestModels.Reveal);
        var desired = DesiredStateBuilder.Build(TestModels.Cluster([TestModels.Node("s1", "10.0.0.1", NodeRole.Server)]));
        var plan = planner.Plan(desired, desired.ToDictionary(n => n.Name, n => TestModels.Converged(planner, n)));

        Assert.Empty(Build(planner, plan).Plan.Hosts[0].Steps);
    }

    [Fact]
    public async Task A_dry_run_goes_through_exactly_the_planned_steps_in_order()
    {
        var (planner, plan) = PlanFresh();
        var program = Build(planner, plan);
        var redactor = new SecretRedactor();
        redactor.Register(TestModels.Token);
        var executor = new DryRunExecutor(redactor.Redact);
        var settings = new RolloutSettings(executor, planner, Mirror, new GateSettings(), new LoggingObserver(Logger.None, dryRun: true), Logger.None);

        var result = await new RolloutRunner(settings, new AgentBatching(), name => new AbsentFileShell(name)).RunAsync(program, default);

        Assert.All(result.Nodes, node => Assert.Equal(NodeOutcome.WouldChange, node.Outcome));
        foreach (var host in program.Plan.Hosts)
        {
            // Gates only wait; every other step is exactly one command through the executor.
            var planned = host.Steps.Where(step => step.Kind is not (StepKind.Gate or StepKind.DeferredGate)).Select(step => step.Description).ToList();
            var ran = executor.Steps.Where(step => step.Node == host.Node).Select(step => step.Description).ToList();
            Assert.Equal(planned, ran);
            Assert.True(ran.Count >= 8, string.Join("\n", ran));
        }
    }

    [Fact]
    public void Plan_text_lists_hosts_in_rollout_order_with_their_numbered_steps()
    {
        var planner = new Planner("test", TestModels.Templates(), TestModels.Reveal);
        // Restarts keep join order, on a release with the startup race too (it is a race in each node's own start).
        var model = TestModels.Cluster([TestModels.Node("s1", "10.0.0.1", NodeRole.Server), TestModels.Node("c1", "10.0.0.2", NodeRole.ControlPlaneOnly)],
            version: "v1.32.4+rke2r1");
        var desired = DesiredStateBuilder.Build(model);
        var plan = Build(planner, planner.Plan(desired, desired.ToDictionary(n => n.Name, n => TestModels.Converged(planner, n) with { ConfigYaml = "token: x\n" }))).Plan;
        var text = new StringWriter();
        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(text), Ansi = AnsiSupport.No, ColorSystem = ColorSystemSupport.NoColors });
        console.Profile.Width = 400;

        new PlanTextRenderer(console).Render(plan);

        var output = text.ToString();
        Assert.Equal(["s1", "c1"], plan.Hosts.Select(h => h.Node));
        Assert.Contains("rollout order: s1 → c1", output, StringComparison.Ordinal);
        Assert.True(output.IndexOf("s1 (server", StringComparison.Ordinal) < output.IndexOf("c1 (control-plane", StringComparison.Ordinal), output);
        Assert.Contains("  1. mark restart pending\n", output, StringComparison.Ordinal);
        Assert.Matches(@"\d+\. write /etc/rancher/rke2/config\.yaml \(sha256 [0-9a-f]{12}\)", output);
        Assert.Contains(". gate node Ready\n", output, StringComparison.Ordinal);
    }

    /// <summary>A fresh host: every file a dry run reads is absent.</summary>
    private sealed class AbsentFileShell(string nodeName) : IRemoteShell
    {
        public string NodeName => nodeName;

        public Task<RemoteResult> RunAsync(RemoteCommand command, CancellationToken cancellationToken) =>
            command.Description.StartsWith("read ", StringComparison.Ordinal)
                ? Task.FromResult(new RemoteResult(0, "absent\n", "", TimeSpan.Zero))
                : throw new InvalidOperationException($"a dry run ran '{command.Description}'");

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
