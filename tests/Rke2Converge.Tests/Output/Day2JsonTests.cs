using System.Text.Json;
using Rke2Converge.Cli.Output;
using Rke2Converge.KeyRotation;
using Rke2Converge.Logging;
using Rke2Converge.Model;
using Rke2Converge.Plan;
using Rke2Converge.Plan.Desired;
using Rke2Converge.Remote;
using Rke2Converge.Removal;
using Rke2Converge.Rollout;
using Xunit;

namespace Rke2Converge.Tests.Output;

/// <summary>remove, reset and secrets-encrypt as JSON, and the dry runs behind remove and reset: nothing runs on a host.</summary>
public sealed class Day2JsonTests
{
    private static readonly IReadOnlyList<ClusterNode> ThreeServers =
        [new("s1", true, true, true, false), new("s2", true, true, true, false), new("s3", true, true, true, false)];

    [Fact]
    public async Task A_removal_dry_run_runs_nothing_on_any_host_and_its_json_lists_the_steps_and_every_command_line()
    {
        var drain = DrainPolicy.DefaultFor(NodeRole.Server) with { Mode = DrainMode.Drain };
        var plan = RemovalPlan.For("s3", "s1", ThreeServers, "s2", hasHost: true, drain);
        var shells = new[] { "s1", "s2", "s3" }.ToDictionary(name => name, name => new RefusingShell(name));
        var executor = new DryRunExecutor(text => text);

        var failure = await new RemovalRunner(executor, name => shells[name], _ => { }).RunAsync(plan, drain, default);

        Assert.Null(failure);
        Assert.All(shells.Values, shell => Assert.Empty(shell.Ran));
        Assert.Collection(executor.Steps.Select(step => step.Description),
            step => Assert.Equal("kubectl cordon s3", step),
            step => Assert.StartsWith("kubectl drain s3 --ignore-daemonsets", step, StringComparison.Ordinal),
            step => Assert.Equal("kubectl delete node s3", step),
            step => Assert.Equal("rke2-uninstall.sh", step),
            step => Assert.Equal("remove what rke2c put on the host", step));
        Assert.Equal(["s1", "s1", "s1", "s3", "s3"], executor.Steps.Select(step => step.Node));

        var json = JsonOutput.Text(Day2Json.Remove("lab", "s1", [plan], [new Day2NodeResult("s3", Day2NodeResult.WouldRemove, null, null)], executor.Steps));

        using var document = JsonDocument.Parse(json);
        var root = document.RootElement;
        Assert.Equal(JsonSchemaVersion.Current, root.GetProperty("schemaVersion").GetInt32());
        Assert.Equal("s1", root.GetProperty("kubectlHost").GetString());
        var removal = Assert.Single(root.GetProperty("removals").EnumerateArray());
        Assert.Equal(JsonValueKind.Null, removal.GetProperty("refusal").ValueKind);
        Assert.Equal(["cordon", "drain", "delete-node", "gate", "uninstall", "remove-file"], removal.GetProperty("steps").EnumerateArray().Select(s => s.GetProperty("kind").GetString()));
        Assert.Equal(["s1", "s1", "s1", "s2", "s3", "s3"], removal.GetProperty("steps").EnumerateArray().Select(s => s.GetProperty("host").GetString()));
        var result = root.GetProperty("result");
        Assert.True(result.GetProperty("succeeded").GetBoolean());
        Assert.Equal("would remove", Assert.Single(result.GetProperty("nodes").EnumerateArray()).GetProperty("outcome").GetString());
        Assert.Equal(5, result.GetProperty("dryRun").GetArrayLength());
        Assert.Contains("delete node", result.GetProperty("dryRun")[2].GetProperty("command").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public void A_refused_removal_has_its_reason_and_no_result()
    {
        IReadOnlyList<ClusterNode> oneDown = [new("s1", true, true, true, false), new("s2", true, true, false, false), new("s3", true, true, true, false)];
        var plan = RemovalPlan.For("s3", "s1", oneDown, "s1", hasHost: true, DrainPolicy.DefaultFor(NodeRole.Server));

        using var document = JsonDocument.Parse(JsonOutput.Text(Day2Json.Remove("lab", "s1", [plan], null, null)));

        var removal = Assert.Single(document.RootElement.GetProperty("removals").EnumerateArray());
        Assert.StartsWith("removing s3 would leave 2 etcd members of which 1 healthy", removal.GetProperty("refusal").GetString(), StringComparison.Ordinal);
        Assert.Empty(removal.GetProperty("steps").EnumerateArray());
        Assert.Equal(JsonValueKind.Null, document.RootElement.GetProperty("result").ValueKind);
    }

    [Fact]
    public void A_reset_that_failed_on_one_node_is_not_a_success_and_names_the_error()
    {
        var json = JsonOutput.Text(Day2Json.Reset("lab", ["a1", "s1"],
            [new Day2NodeResult("a1", Day2NodeResult.Failed, null, "a1: rke2-uninstall.sh failed (exit 1): busy"),
             new Day2NodeResult("s1", Day2NodeResult.Uninstalled, "/usr/local/bin/rke2-uninstall.sh", null)], null));

        using var document = JsonDocument.Parse(json);
        var result = document.RootElement.GetProperty("result");
        Assert.Equal(["a1", "s1"], document.RootElement.GetProperty("order").EnumerateArray().Select(n => n.GetString()));
        Assert.False(result.GetProperty("succeeded").GetBoolean());
        Assert.Equal(["failed", "uninstalled"], result.GetProperty("nodes").EnumerateArray().Select(n => n.GetProperty("outcome").GetString()));
        Assert.Equal(JsonValueKind.Null, result.GetProperty("dryRun").ValueKind);
    }

    [Fact]
    public void Status_shows_each_hash_shortened_and_which_servers_need_a_restart()
    {
        var reference = "prepare-" + new string('a', 64);
        var stale = "start-" + new string('b', 64);
        var status = new EncryptionStatus("cp-1", true, RotationStage.Prepare, null, new Dictionary<string, string> { ["cp-1"] = reference, ["cp-2"] = stale });
        IReadOnlyList<RotationServer> servers = [new("etcd-1", NodeRole.EtcdOnly), new("cp-1", NodeRole.ControlPlaneOnly), new("cp-2", NodeRole.ControlPlaneOnly)];

        var json = JsonOutput.Text(Day2Json.Status("lab", status, servers, ["the cluster stopped mid-way at stage prepare"]));

        Assert.DoesNotContain(new string('a', 13), json, StringComparison.Ordinal);
        using var document = JsonDocument.Parse(json);
        var root = document.RootElement;
        Assert.Equal("prepare", root.GetProperty("stage").GetString());
        Assert.False(root.GetProperty("atRest").GetBoolean());
        Assert.False(root.GetProperty("hashesMatch").GetBoolean());
        var byNode = root.GetProperty("servers").EnumerateArray().ToDictionary(s => s.GetProperty("node").GetString()!);
        Assert.Equal(JsonValueKind.Null, byNode["etcd-1"].GetProperty("hash").ValueKind);
        Assert.Equal("prepare-aaaaaaaaaaaa", byNode["cp-1"].GetProperty("hash").GetString());
        Assert.False(byNode["cp-1"].GetProperty("needsRestart").GetBoolean());
        Assert.True(byNode["cp-2"].GetProperty("needsRestart").GetBoolean());
        Assert.Single(root.GetProperty("problems").EnumerateArray());
    }

    [Fact]
    public async Task A_rotation_dry_run_as_json_carries_the_plan_and_the_masked_command_lines_but_never_the_token()
    {
        var model = TestModels.Cluster([TestModels.Node("s1", "10.0.0.1", NodeRole.Server)]);
        var planner = new Planner("test", TestModels.Templates(), TestModels.Reveal);
        var desired = DesiredStateBuilder.Build(model);
        var plan = planner.Plan(desired, desired.ToDictionary(n => n.Name, n => TestModels.Converged(planner, n)));
        var redactor = new SecretRedactor();
        redactor.Register(TestModels.Token);
        var executor = new DryRunExecutor(redactor.Redact);
        await executor.ExecuteAsync(new RefusingShell("s1"), new RemoteCommand("rke2 secrets-encrypt rotate-keys", "rke2 secrets-encrypt rotate-keys --token \"$1\"")
        {
            Arguments = [TestModels.Token],
        }, default);
        var status = new EncryptionStatus("s1", true, RotationStage.Start, null, new Dictionary<string, string> { ["s1"] = "start-" + new string('c', 64) });
        var (procedure, refusal) = RotationProcedure.Build(new RotationRequest([new RotationServer("s1", NodeRole.Server)], plan.Version, status));
        Assert.Null(refusal);

        var json = JsonOutput.Text(Day2Json.Rotate(plan, status, procedure, new RotationResult(true, null, null), executor.Steps));

        Assert.DoesNotContain(TestModels.Token, json, StringComparison.Ordinal);
        using var document = JsonDocument.Parse(json);
        var root = document.RootElement;
        Assert.Equal(JsonSchemaVersion.Current, root.GetProperty("schemaVersion").GetInt32());
        Assert.Equal("test", root.GetProperty("plan").GetProperty("cluster").GetString());
        Assert.Equal("rotate-keys", root.GetProperty("rotation").GetProperty("path").GetString());
        Assert.Contains(root.GetProperty("rotation").GetProperty("steps").EnumerateArray(), step => step.GetString() == "s1: rke2 secrets-encrypt rotate-keys");
        var command = Assert.Single(root.GetProperty("result").GetProperty("dryRun").EnumerateArray()).GetProperty("command").GetString();
        Assert.Contains("(sensitive)", command, StringComparison.Ordinal);
    }

    /// <summary>A host that must not be touched: every command it is given is recorded and fails.</summary>
    private sealed class RefusingShell(string nodeName) : IRemoteShell
    {
        public string NodeName => nodeName;

        public List<string> Ran { get; } = [];

        public Task<RemoteResult> RunAsync(RemoteCommand command, CancellationToken cancellationToken)
        {
            lock (Ran) Ran.Add(command.Description);
            return Task.FromResult(new RemoteResult(1, "", "not in a dry run", TimeSpan.Zero));
        }

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
