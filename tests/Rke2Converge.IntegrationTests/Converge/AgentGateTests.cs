using System.Globalization;
using System.Text.Json;
using Rke2Converge.IntegrationTests.Lab;
using static Rke2Converge.IntegrationTests.Converge.LabPlaybook;

namespace Rke2Converge.IntegrationTests.Converge;

/// <summary>A day-2 run that changes only agents still proves each agent Ready before the next one restarts.</summary>
[Collection(Clusters.Name)]
public sealed class AgentGateTests
{
    private static readonly int[] AgentHosts = [2, 3, 4];

    [Fact]
    public async Task Agent_only_drift_proves_each_agent_Ready_before_the_next_agent_restarts()
    {
        await using var lab = await LabEnvironment.UpAsync("it-agent-gates", 4, new LabOptions { Net = 66 });
        var rke2c = new Rke2cDriver(lab.Name);
        string Playbook(string pool) => Header(lab)
            + $"Role(NodeRole.Agent).Config[\"node-label\"] = new[] {{ \"pool={pool}\" }};\n"
            + Node(lab, "Server", "server-1", 1)
            + string.Concat(AgentHosts.Select(host => Node(lab, "Agent", $"agent-{host - 1}", host)));
        var bootstrap = await rke2c.RunAsync("apply", "--yes", rke2c.WritePlaybook("site.csx", Playbook("a")));
        Assert.True(bootstrap.Exit == 0, bootstrap.ToString());
        var serverPid = await lab.MainPidAsync(1);
        var bootstrapLogs = Directory.GetFiles(rke2c.LogDirectory).ToHashSet();

        var drift = await rke2c.RunAsync("apply", "--yes", rke2c.WritePlaybook("site.csx", Playbook("b")));

        Assert.True(drift.Exit == 0, drift.ToString());
        Assert.Equal(serverPid, await lab.MainPidAsync(1));
        var log = Directory.GetFiles(rke2c.LogDirectory).Single(file => !bootstrapLogs.Contains(file));
        var readyPassed = NodeReadyPassedAt(log);
        // The simulator's own journal says when each agent's service was stopped for its restart.
        var restartedAt = new Dictionary<string, DateTime>(StringComparer.Ordinal);
        foreach (var host in AgentHosts) restartedAt[$"agent-{host - 1}"] = await LastStopAsync(lab, host);
        var agents = restartedAt.OrderBy(entry => entry.Value).Select(entry => entry.Key).ToList();
        Assert.Equal(3, agents.Count);
        foreach (var agent in agents) Assert.True(readyPassed.ContainsKey(agent), $"no node Ready gate passed for {agent}:\n{drift}");
        for (var i = 0; i + 1 < agents.Count; i++)
        {
            Assert.True(readyPassed[agents[i]] < restartedAt[agents[i + 1]],
                $"{agents[i + 1]} was restarted at {restartedAt[agents[i + 1]]:O}, before {agents[i]} passed node Ready at {readyPassed[agents[i]]:O}");
        }
        var converged = drift.Stdout.Split('\n').Select((line, index) => (line, index)).ToList();
        foreach (var agent in agents)
        {
            var gate = converged.First(l => l.line.Contains($"{agent}: gate node Ready passed", StringComparison.Ordinal)).index;
            var done = converged.First(l => l.line.Contains($"{agent}: converged", StringComparison.Ordinal)).index;
            Assert.True(gate < done, $"{agent} was reported converged before its node Ready gate:\n{drift.Stdout}");
        }
        var final = await rke2c.RunAsync("plan", "site.csx");
        Assert.True(final.Exit == 0, final.ToString());
    }

    private static Dictionary<string, DateTime> NodeReadyPassedAt(string logFile)
    {
        var passed = new Dictionary<string, DateTime>(StringComparer.Ordinal);
        foreach (var line in File.ReadLines(logFile))
        {
            using var entry = JsonDocument.Parse(line);
            if (!entry.RootElement.TryGetProperty("Properties", out var properties)
                || !properties.TryGetProperty("Gate", out var gate) || gate.GetString() != "node Ready"
                || !entry.RootElement.GetProperty("MessageTemplate").GetString()!.Contains("passed", StringComparison.Ordinal)) continue;
            passed[properties.GetProperty("Node").GetString()!] = entry.RootElement.GetProperty("Timestamp").GetDateTimeOffset().UtcDateTime;
        }
        return passed;
    }

    private static async Task<DateTime> LastStopAsync(LabEnvironment lab, int host)
    {
        var lines = await lab.ExecOkAsync(host, "journalctl -u rke2-agent --no-pager -o short-precise | grep 'Stopping ' | tail -n 1");
        // "Nov 29 22:41:07.123456 host systemd[1]: Stopping ..." (UTC; the year is this one)
        var stamp = string.Join(' ', lines.Split(' ', StringSplitOptions.RemoveEmptyEntries).Take(3));
        Assert.False(string.IsNullOrEmpty(stamp), $"host {host}: rke2-agent was never stopped");
        return DateTime.SpecifyKind(DateTime.ParseExact($"{DateTime.UtcNow.Year} {stamp}", "yyyy MMM dd HH:mm:ss.ffffff", CultureInfo.InvariantCulture), DateTimeKind.Utc);
    }
}
