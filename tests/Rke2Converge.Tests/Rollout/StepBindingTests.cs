using Rke2Converge.Facts;
using Rke2Converge.Model;
using Rke2Converge.Plan;
using Rke2Converge.Plan.Desired;
using Rke2Converge.Plan.Saved;
using Rke2Converge.Plan.Steps;
using Rke2Converge.Remote;
using Rke2Converge.Removal;
using Rke2Converge.Resources;
using Rke2Converge.Rollout;
using Rke2Converge.Rollout.Observers;
using Serilog.Core;
using Xunit;

namespace Rke2Converge.Tests.Rollout;

/// <summary>
/// Every step kind binds the exact bytes it sends: a change in the script, an argument or stdin changes the binding,
/// and a saved plan refuses the step, naming it. A running step may send nothing it did not declare.
/// </summary>
public sealed class StepBindingTests
{
    private static readonly Func<string, string> Redact = text => text.Replace(TestModels.Token, "(sensitive)", StringComparison.Ordinal);

    private static readonly CommandResource Seed = new CommandResource("seed", "touch /var/lib/seed").Creates("/var/lib/seed");

    private static readonly SystemdDropInResource Limits = new("limits", "[Service]\nLimitNOFILE=1048576\n");

    /// <summary>
    /// Two running servers upgraded from a mirror and drained, a command, a unit drop-in, a config.yaml.d drop-in
    /// removed, a custom gate, a kernel parameter changed: every rollout step kind but the deferred gate.
    /// </summary>
    private static RolloutProgram Upgrade()
    {
        var planner = new Planner("test", TestModels.Templates(), TestModels.Reveal);
        var model = TestModels.Cluster([TestModels.Node("s1", "10.0.0.1", NodeRole.Server), TestModels.Node("s2", "10.0.0.2", NodeRole.Server)]) with
        {
            ConfigDropIns = ConfigDropInPolicy.Remove,
            Artifacts = new ArtifactSource.Mirror(new Uri("https://mirror.example/rke2")),
            Gates = new GateSettings { Custom = [new CustomGateSpec("app", "curl -fs http://127.0.0.1/health", null, new GateTiming(TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(1)), [])] },
            Resources = [new ScopedResource(Seed, SettingScope.Cluster), new ScopedResource(Limits, SettingScope.Cluster)],
        };
        var desired = DesiredStateBuilder.Build(model).Select(node => node with { Drain = new DrainPolicy(DrainMode.Drain, TimeSpan.FromMinutes(2)) }).ToList();
        var facts = desired.ToDictionary(node => node.Name, node => TestModels.Converged(planner, node) with
        {
            InstalledVersion = "v1.31.9+rke2r1",
            Sysctls = new Dictionary<string, string?> { ["vm.swappiness"] = "60" },
            ConfigDropIns = [new("50-cis.yaml", "profile: cis\n")],
            Resources = new Dictionary<string, object> { [Seed.Key] = new CommandState(false), [Limits.Key] = FileState.Missing },
        });
        return RolloutProgram.Build(planner.Plan(desired, facts), planner, model.Artifacts, model.Gates, new AgentBatching(), Redact);
    }

    /// <summary>An etcd-only node installed before any control plane is up: its node Ready gate is deferred.</summary>
    private static RolloutProgram EtcdFirst()
    {
        var planner = new Planner("test", TestModels.Templates(), TestModels.Reveal);
        var model = TestModels.Cluster([TestModels.Node("e1", "10.0.0.3", NodeRole.EtcdOnly)]) with
        {
            Artifacts = new ArtifactSource.Mirror(new Uri("https://mirror.example/rke2")),
        };
        var desired = DesiredStateBuilder.Build(model);
        var facts = desired.ToDictionary(node => node.Name, node => TestModels.FreshHost(node.Name, node.Sysctls.Keys));
        return RolloutProgram.Build(planner.Plan(desired, facts), planner, model.Artifacts, model.Gates, new AgentBatching(), Redact);
    }

    private static IEnumerable<(string Node, int Index, RolloutStep Step, RolloutProgram Program)> RolloutSteps() =>
        new[] { Upgrade(), EtcdFirst() }.SelectMany(program => program.Steps.SelectMany(pair => pair.Value.Select((step, index) => (pair.Key, index, step, program))));

    private static IReadOnlyList<RemovalStep> Removal() =>
        RemovalPlan.For("s2", "s1", [new ClusterNode("s1", true, true, true, false), new ClusterNode("s2", false, false, true, false)], null, hasHost: true,
            new DrainPolicy(DrainMode.Drain, TimeSpan.FromMinutes(2))).Steps;

    public static TheoryData<string> Kinds => [.. Enum.GetNames<StepKind>()];

    [Theory]
    [MemberData(nameof(Kinds))]
    public void A_changed_script_argument_or_stdin_changes_the_binding_and_a_saved_plan_refuses_the_step(string kindName)
    {
        var kind = Enum.Parse<StepKind>(kindName);
        var rollout = RolloutSteps().Where(found => found.Step.Planned.Kind == kind).ToList();
        var removal = Removal().Where(step => step.Planned.Kind == kind && step.Command is not null).ToList();
        Assert.True(rollout.Count + removal.Count > 0, $"no fixture plans a {kind} step");

        foreach (var step in removal)
        {
            Assert.Equal(StepBinding.Of([step.Command!], text => text), step.Planned.CommandsSha256);
            Assert.All(Variants(step.Command!), variant => Assert.NotEqual(step.Planned.CommandsSha256, StepBinding.Of([variant], text => text)));
        }
        foreach (var (node, index, step, program) in rollout)
        {
            Assert.NotEmpty(step.Sends);
            Assert.Equal(StepBinding.Of(step.Sends, Redact), step.Planned.CommandsSha256);
            var saved = SavedPlan.From("/work/site.csx", [], program.Plan);
            foreach (var variant in Variants(step.Sends[0]))
            {
                var binding = StepBinding.Of([variant, .. step.Sends.Skip(1)], Redact);
                Assert.NotEqual(step.Planned.CommandsSha256, binding);
                var now = Replace(program.Plan, node, index, step.Planned with { CommandsSha256 = binding });
                Assert.Contains($"{node}: step {index + 1} '{step.Planned}' would send different commands than the saved plan", saved.Differences(now));
            }
        }
    }

    /// <summary>The command with its script, its last argument (or one more) and its stdin changed, one at a time.</summary>
    private static IEnumerable<RemoteCommand> Variants(RemoteCommand command)
    {
        yield return command with { Script = command.Script + "\n:" };
        yield return command with { Arguments = command.Arguments.Count == 0 ? ["x"] : [.. command.Arguments.SkipLast(1), command.Arguments[^1] + "x"] };
        yield return command with { Stdin = [.. command.Stdin ?? [], (byte)'x'], StdinFile = null };
    }

    private static ClusterPlan Replace(ClusterPlan plan, string node, int index, PlannedStep step) => plan with
    {
        Hosts = [.. plan.Hosts.Select(host => host.Node != node ? host : host with { Steps = [.. host.Steps.Select((s, i) => i == index ? step : s)] })],
    };

    [Fact]
    public void Secrets_are_masked_before_hashing_and_the_backup_stamp_is_bound_by_its_shape()
    {
        var withToken = new RemoteCommand("write", "cat") { Stdin = System.Text.Encoding.UTF8.GetBytes($"token: {TestModels.Token}\n") };
        var withOther = withToken with { Stdin = System.Text.Encoding.UTF8.GetBytes("token: another-secret\n") };
        var first = Rke2Converge.Rollout.Operations.FileOperations.WriteAtomically("/etc/a", "a\n", "0644");
        var later = first with { Arguments = [.. first.Arguments.Select((argument, i) => i == first.StampArgument ? "20300101T000000000Z" : argument)] };
        var forged = first with { Arguments = [.. first.Arguments.Select((argument, i) => i == first.StampArgument ? "$(touch /x)" : argument)] };

        Assert.Equal(StepBinding.Of(withToken, Redact), StepBinding.Of(withOther, Redact));
        Assert.DoesNotContain(TestModels.Token, StepBinding.Of(withToken, Redact), StringComparison.Ordinal);
        Assert.Equal(StepBinding.Of(first, Redact), StepBinding.Of(later, Redact));
        Assert.NotEqual(StepBinding.Of(first, Redact), StepBinding.Of(forged, Redact));
        Assert.NotEqual(StepBinding.Of(first, Redact), StepBinding.Of(first with { Timeout = TimeSpan.FromMinutes(9) }, Redact));
    }

    [Fact]
    public async Task A_streamed_file_is_bound_by_its_content()
    {
        var file = Path.GetTempFileName();
        try
        {
            await File.WriteAllTextAsync(file, "a");
            var push = new RemoteCommand("push", "cat > /x") { StdinFile = file };
            var before = StepBinding.Of(push, Redact);
            await File.WriteAllTextAsync(file, "b");

            Assert.NotEqual(before, StepBinding.Of(push, Redact));
            Assert.NotEqual(StepBinding.Of(push, Redact), StepBinding.Of(push with { StdinSha256 = new string('0', 64) }, Redact));
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public async Task A_step_that_sends_what_it_did_not_declare_is_refused_before_anything_is_sent()
    {
        var program = Upgrade();
        var host = program.Plan.Hosts[0];
        var shell = new RecordingShell(host.Node);
        var settings = new RolloutSettings(new LiveExecutor(), new Planner("test", TestModels.Templates(), TestModels.Reveal), null, new GateSettings(),
            new LoggingObserver(Logger.None), Logger.None) { Redact = Redact };
        var declared = new RemoteCommand("run command seed", "sh -c \"$1\"") { Arguments = ["touch /var/lib/seed"] };
        var sent = declared with { Arguments = ["touch /root/owned"] };
        var step = new RolloutStep("resources", new PlannedStep(StepKind.Command, "run command seed", "command seed"), (node, token) => node.ExecuteAsync(sent, token))
        {
            Sends = [declared],
        };
        var node = new NodeContext(host, shell, settings);

        node.Begin(step);
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => step.RunAsync(node, default));
        await Assert.ThrowsAsync<InvalidOperationException>(() => node.Shell.RunAsync(sent, default));
        await node.ExecuteAsync(declared, default);

        Assert.Contains("step 'run command seed' tried to send 'run command seed', which its planned step does not bind", error.Message, StringComparison.Ordinal);
        Assert.Equal(["touch /var/lib/seed"], shell.Ran);
    }

    [Fact]
    public async Task A_whole_rollout_sends_only_what_its_steps_declared()
    {
        var program = Upgrade();
        var shells = program.Plan.Hosts.ToDictionary(host => host.Node, host => new RecordingShell(host.Node));
        var settings = new RolloutSettings(new DryRunExecutor(Redact), new Planner("test", TestModels.Templates(), TestModels.Reveal), null, new GateSettings(),
            new LoggingObserver(Logger.None), Logger.None) { Redact = Redact };

        var result = await new RolloutRunner(settings, new AgentBatching(), name => shells[name]).RunAsync(program, default);

        Assert.True(result.Succeeded, string.Join("\n", result.Nodes.Select(node => node.Error)));
    }

    /// <summary>Answers every command with success and records the first argument of each.</summary>
    private sealed class RecordingShell(string nodeName) : IRemoteShell
    {
        public string NodeName => nodeName;

        public List<string> Ran { get; } = [];

        public Task<RemoteResult> RunAsync(RemoteCommand command, CancellationToken cancellationToken)
        {
            Ran.Add(command.Arguments.Count > 0 ? command.Arguments[0] : command.Description);
            return Task.FromResult(new RemoteResult(0, "absent\n", "", TimeSpan.Zero));
        }

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
