using Rke2Converge.Model;
using Rke2Converge.Plan;
using Rke2Converge.Plan.Desired;
using Rke2Converge.Plan.Saved;
using Rke2Converge.Plan.Steps;
using Rke2Converge.Resources;
using Rke2Converge.Rollout;
using Xunit;

namespace Rke2Converge.Tests.Plan;

/// <summary>A saved plan: written and read back unchanged, and refused with the host named when anything it was made from changed.</summary>
public sealed class SavedPlanTests
{
    private static readonly ClusterModel Model = TestModels.Cluster(
        [TestModels.Node("s1", "10.0.0.1", NodeRole.Server), TestModels.Node("a1", "10.0.0.2", NodeRole.Agent)],
        config: new ConfigMap { ["node-label"] = new[] { "tier=a" } });

    private static ClusterPlan PlanWith(Func<string, Rke2Converge.Facts.HostFacts, Rke2Converge.Facts.HostFacts>? change = null, ClusterModel? model = null)
    {
        var planner = new Planner("test", TestModels.Templates(), TestModels.Reveal);
        var desired = DesiredStateBuilder.Build(model ?? Model);
        var facts = desired.ToDictionary(n => n.Name, n => TestModels.Converged(planner, n) with { ConfigYaml = "node-label:\n- tier=old\n" });
        if (change is not null) foreach (var name in facts.Keys.ToList()) facts[name] = change(name, facts[name]);
        var plan = planner.Plan(desired, facts);
        return RolloutProgram.Build(plan, planner, null, (model ?? Model).Gates, new AgentBatching(), text => text).Plan;
    }

    private static SavedPlan Save(ClusterPlan plan) => SavedPlan.From("/work/site.csx", [new SavedSource("/work/site.csx", new string('a', 64))], plan);

    [Fact]
    public void Round_trips_through_json_and_carries_no_secret()
    {
        var saved = Save(PlanWith());

        var json = saved.ToJson();
        var read = SavedPlan.Parse(json, "plan.json");

        Assert.Equal(saved.Playbook, read.Playbook);
        Assert.Equal(saved.Sources, read.Sources);
        Assert.Equal(saved.Hosts.Select(h => (h.Node, h.Facts)), read.Hosts.Select(h => (h.Node, h.Facts)));
        Assert.All(saved.Hosts.Zip(read.Hosts), pair => Assert.Equal(pair.First.Steps, pair.Second.Steps));
        Assert.NotEmpty(read.Hosts[0].Steps);
        Assert.Contains("\"kind\": \"write-file\"", json, StringComparison.Ordinal);
        Assert.Contains($"\"version\": {SavedPlan.CurrentVersion}", json, StringComparison.Ordinal);
        Assert.DoesNotContain(TestModels.Token, json, StringComparison.Ordinal);
        Assert.Empty(read.Differences(PlanWith()));
    }

    [Fact]
    public void A_host_whose_facts_changed_is_named_and_the_others_are_not()
    {
        var saved = Save(PlanWith());

        var differences = saved.Differences(PlanWith((name, facts) => name == "a1" ? facts with { Sysctls = new Dictionary<string, string?> { ["vm.swappiness"] = "60" } } : facts));

        var line = Assert.Single(differences);
        Assert.StartsWith("a1: the host changed since the plan was saved", line, StringComparison.Ordinal);
    }

    [Fact]
    public void The_cluster_node_list_is_not_part_of_the_fingerprint()
    {
        var saved = Save(PlanWith());

        Assert.Empty(saved.Differences(PlanWith((name, facts) => name == "s1" ? facts with { ClusterNodes = ["s1", "a1", "stray"] } : facts)));
    }

    [Fact]
    public void Steps_that_differ_with_the_same_facts_are_refused_with_the_host_and_step_named()
    {
        var saved = Save(PlanWith());
        var other = Model with { Config = new ConfigMap { ["node-label"] = new[] { "tier=b" } } };

        var differences = saved.Differences(PlanWith(model: other));

        Assert.Equal(2, differences.Count);
        Assert.Contains(differences, line => line.StartsWith("s1: the steps differ from the saved plan at step 2", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_changed_loaded_file_or_template_is_named()
    {
        var directory = Directory.CreateTempSubdirectory("rke2c-saved-plan-").FullName;
        try
        {
            var playbook = Path.Combine(directory, "site.csx");
            await File.WriteAllTextAsync(playbook, "#load \"nodes.csx\"\nCluster(\"x\");\n");
            await File.WriteAllTextAsync(Path.Combine(directory, "nodes.csx"), "// nodes\n");
            Directory.CreateDirectory(Path.Combine(directory, "templates"));
            var template = Path.Combine(directory, "templates", "sysctl.conf.scriban");
            await File.WriteAllTextAsync(template, "# {{ cluster }}\n");
            var sources = await SavedPlan.HashSourcesAsync(playbook, default);
            var saved = SavedPlan.From(playbook, sources, PlanWith());
            Assert.Equal(3, sources.Count);
            Assert.Empty(saved.ChangedSources(await SavedPlan.HashSourcesAsync(playbook, default)));

            await File.WriteAllTextAsync(Path.Combine(directory, "nodes.csx"), "// nodes, edited\n");
            await File.WriteAllTextAsync(template, "# {{ node }}\n");

            var changed = saved.ChangedSources(await SavedPlan.HashSourcesAsync(playbook, default));
            Assert.Equal([$"{Path.Combine(directory, "nodes.csx")}: changed since the plan was saved", $"{template}: changed since the plan was saved"], changed);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    /// <summary>A plan with one command step, its text (an environment variable in a playbook) as given.</summary>
    private static ClusterPlan WithCommand(string text, string gate = "true")
    {
        var command = new CommandResource("x", text).Creates("/var/lib/x");
        var model = Model with
        {
            Resources = [new ScopedResource(command, SettingScope.Cluster)],
            Gates = new GateSettings { Custom = [new CustomGateSpec("app", gate, null, new GateTiming(TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(1)), [])] },
        };
        return PlanWith((_, facts) => facts with { Resources = new Dictionary<string, object> { [command.Key] = new CommandState(false) } }, model);
    }

    [Fact]
    public void A_command_swapped_behind_the_same_name_is_refused_with_the_host_and_step_named()
    {
        var saved = SavedPlan.Parse(Save(WithCommand("touch /var/lib/x")).ToJson(), "plan.json");
        var step = saved.Hosts[0].Steps.Select((s, i) => (s, i)).Single(pair => pair.s.Kind == StepKind.Command);

        var differences = saved.Differences(WithCommand("touch /root/owned"));

        Assert.Empty(saved.Differences(WithCommand("touch /var/lib/x")));
        Assert.Equal("run command x", step.s.Description);
        Assert.Equal(
            [$"s1: step {step.i + 1} 'run command x' would send different commands than the saved plan", $"a1: step {step.i + 1} 'run command x' would send different commands than the saved plan"],
            differences);
    }

    [Fact]
    public void A_custom_gate_command_swapped_behind_the_same_name_is_refused()
    {
        var saved = Save(WithCommand("touch /var/lib/x", gate: "curl -fs http://127.0.0.1/health"));

        var differences = saved.Differences(WithCommand("touch /var/lib/x", gate: "touch /root/owned"));

        Assert.Equal(2, differences.Count);
        Assert.All(differences, line => Assert.Matches("^(s1|a1): step [0-9]+ 'gate app' would send different commands than the saved plan$", line));
    }

    [Fact]
    public void An_unless_check_swapped_behind_the_same_command_is_refused_before_any_host_is_read()
    {
        var planned = new CommandResource("x", "touch /var/lib/x").Unless("test -e /var/lib/x");
        var swapped = new CommandResource("x", "touch /var/lib/x").Unless("touch /root/owned");
        ClusterModel With(CommandResource command) => Model with { Resources = [new ScopedResource(command, SettingScope.Cluster)] };
        var saved = SavedPlan.Parse(Save(PlanWith(model: With(planned))).ToJson(), "plan.json");

        Assert.Empty(saved.ChangedFactChecks(DesiredStateBuilder.Build(With(planned))));
        Assert.Equal(
            ["s1: the checks its fact script runs (a resource's Unless or Creates, the sysctls read) differ from the saved plan",
             "a1: the checks its fact script runs (a resource's Unless or Creates, the sysctls read) differ from the saved plan"],
            saved.ChangedFactChecks(DesiredStateBuilder.Build(With(swapped))));
        Assert.Equal(["b1: not in the saved plan"],
            saved.ChangedFactChecks(DesiredStateBuilder.Build(With(planned) with { Nodes = [.. Model.Nodes, TestModels.Node("b1", "10.0.0.3", NodeRole.Agent)] })).Where(line => line.StartsWith("b1", StringComparison.Ordinal)));
    }

    [Fact]
    public void A_node_listed_twice_is_refused_naming_the_file_and_the_node()
    {
        var saved = Save(PlanWith());
        var json = (saved with { Hosts = [.. saved.Hosts, saved.Hosts[0]] }).ToJson();

        var error = Assert.Throws<InvalidDataException>(() => SavedPlan.Parse(json, "edited.json"));

        Assert.Equal("edited.json: node 's1' appears more than once in the saved plan; nothing was changed. Plan again and review.", error.Message);
    }

    [Fact]
    public void A_plan_saved_before_steps_bound_their_commands_is_refused()
    {
        var json = Save(PlanWith()).ToJson().Replace($"\"version\": {SavedPlan.CurrentVersion}", "\"version\": 1", StringComparison.Ordinal);

        var error = Assert.Throws<InvalidDataException>(() => SavedPlan.Parse(json, "old.json"));

        Assert.Equal($"old.json: saved plan version 1; this rke2c reads version {SavedPlan.CurrentVersion}: plan again", error.Message);
    }

    [Theory]
    [InlineData("{\"format\":\"rke2c-saved-plan\",\"version\":2,\"playbook\":\"x\",\"sources\":[],\"hosts\":[null]}")]
    [InlineData("{\"format\":\"rke2c-saved-plan\",\"version\":2,\"playbook\":\"x\",\"sources\":[],\"hosts\":[{\"node\":\"s1\",\"facts\":\"f\"}]}")]
    [InlineData("{\"format\":\"rke2c-saved-plan\",\"version\":2,\"playbook\":\"x\",\"sources\":[null],\"hosts\":[]}")]
    public void A_hand_edited_plan_with_holes_is_refused(string json)
    {
        var error = Assert.Throws<InvalidDataException>(() => SavedPlan.Parse(json, "plan.json"));
        Assert.Equal("plan.json: not a saved rke2c plan (fields are missing)", error.Message);
    }

    [Theory]
    [InlineData("{}", "not a saved rke2c plan")]
    [InlineData("{\"format\":\"rke2c-saved-plan\",\"version\":99,\"playbook\":\"x\",\"sources\":[],\"hosts\":[]}", "saved plan version 99")]
    [InlineData("not json", "not a saved rke2c plan")]
    public void Anything_else_is_refused(string json, string expected)
    {
        var error = Assert.Throws<InvalidDataException>(() => SavedPlan.Parse(json, "plan.json"));
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }
}
