using System.Text.Json;
using Rke2Converge.IntegrationTests.Cli;
using Rke2Converge.IntegrationTests.Lab;
using Rke2Converge.IntegrationTests.Simulator;
using static Rke2Converge.IntegrationTests.Converge.LabPlaybook;

namespace Rke2Converge.IntegrationTests.Converge;

/// <summary><c>rke2c check</c>: every node's gates looked at once; a stopped service and an unreachable host are reported, nothing changes.</summary>
[Collection(Clusters.Name)]
public sealed class CheckTests
{
    [Fact]
    public async Task Check_passes_a_converged_cluster_names_a_stopped_agent_and_an_unreachable_server_and_changes_nothing()
    {
        await using var lab = await LabEnvironment.UpAsync("it-check", 2, new LabOptions { Net = 193 });
        var rke2c = new Rke2cDriver(lab.Name);
        var playbook = rke2c.WritePlaybook("site.csx", Header(lab) + "Gates.All(timeout: TimeSpan.FromMinutes(5)).SettleWindow(TimeSpan.FromSeconds(5));\n"
            + "Gates.Custom(\"etc present\", \"test -d /etc\");\n"
            + Node(lab, "Server", "server-1", 1) + Node(lab, "Agent", "agent-1", 2) + JoinOrder("server-1"));
        var apply = await rke2c.RunAsync("apply", "--yes", playbook);
        Assert.True(apply.Exit == 0, apply.ToString());

        var healthy = await rke2c.RunAsync("check", playbook);
        Assert.True(healthy.Exit == 0, healthy.ToString());
        foreach (var gate in new[] { "service active", "supervisor /ping", "etcd health", "etcd member voting", "apiserver /readyz", "node Ready", "static pods stable", "etc present" })
        {
            Assert.Contains($"  pass {gate}: ", healthy.Stdout, StringComparison.Ordinal);
        }
        Assert.Contains("server-1 (server) | ok", healthy.Stdout, StringComparison.Ordinal);
        Assert.Contains("agent-1 (agent) | ok", healthy.Stdout, StringComparison.Ordinal);
        Assert.Contains("check of 2 node(s): every gate passes", healthy.Stdout, StringComparison.Ordinal);

        // A stopped agent: its service gate fails and says what it saw; the server stays ok; nothing is restarted.
        await lab.ExecOkAsync(2, "systemctl stop rke2-agent");
        var stopped = await rke2c.RunAsync("check", "-o", "json", playbook);
        Assert.True(stopped.Exit == 1, stopped.ToString());
        PublishedSchemas.AssertValid("check", stopped.Stdout);
        using (var json = JsonDocument.Parse(stopped.Stdout))
        {
            Assert.False(json.RootElement.GetProperty("passed").GetBoolean());
            var nodes = json.RootElement.GetProperty("nodes").EnumerateArray().ToList();
            Assert.Equal(["server-1", "agent-1"], nodes.Select(n => n.GetProperty("node").GetString()));
            Assert.Equal("ok", nodes[0].GetProperty("outcome").GetString());
            Assert.Equal("failing", nodes[1].GetProperty("outcome").GetString());
            var service = nodes[1].GetProperty("gates")[0];
            Assert.Equal("service active", service.GetProperty("gate").GetString());
            Assert.Equal("fail", service.GetProperty("outcome").GetString());
            Assert.StartsWith("inactive", service.GetProperty("observed").GetString(), StringComparison.Ordinal);
        }
        Assert.Contains("check of 2 node(s): 1 failing (agent-1: service active", stopped.Stderr, StringComparison.Ordinal);
        Assert.Equal("inactive", await lab.ActiveStateAsync(2, "rke2-agent"));

        // An unreachable server: reported as such, its other gates not tried; --limit leaves the agent out.
        await lab.SshdAsync(1, "stop");
        try
        {
            var unreachable = await rke2c.RunAsync("check", "--limit", "server-1", playbook);
            Assert.True(unreachable.Exit == 1, unreachable.ToString());
            Assert.Contains("server-1 (server) | failing", unreachable.Stdout, StringComparison.Ordinal);
            Assert.Contains("  skip static pods stable: not checked: server-1 could not be reached", unreachable.Stdout, StringComparison.Ordinal);
            Assert.DoesNotContain("agent-1", unreachable.Stdout, StringComparison.Ordinal);
            Assert.Contains("check of 1 node(s): 1 failing (server-1: unreachable)", unreachable.Stdout, StringComparison.Ordinal);
        }
        finally
        {
            await lab.SshdAsync(1, "start");
        }
        Assert.Equal("active", await lab.ActiveStateAsync(1));
    }
}
