using System.Text.Json;
using Rke2Converge.IntegrationTests.Cli;
using Rke2Converge.IntegrationTests.Lab;
using static Rke2Converge.IntegrationTests.Converge.LabPlaybook;

namespace Rke2Converge.IntegrationTests.Converge;

/// <summary><c>--limit</c>: only the selected hosts change; every other host stays byte for byte as it was.</summary>
[Collection(Clusters.Name)]
public sealed class LimitTests
{
    private const string Fingerprint =
        "sha256sum /etc/rancher/rke2/config.yaml /etc/sysctl.d/90-rke2c.conf; cat /proc/sys/vm/swappiness; ls -A /var/lib/rancher/rke2c";

    [Fact]
    public async Task A_limited_saved_plan_changes_only_the_limited_host_and_the_others_stay_byte_identical()
    {
        await using var lab = await LabEnvironment.UpAsync("it-limit", 3, new LabOptions { Net = 160 });
        var rke2c = new Rke2cDriver(lab.Name);
        string Playbook(int swappiness, string kubeletArg) => rke2c.WritePlaybook("site.csx", Header(lab)
            + $"Sysctl(\"vm.swappiness\", {swappiness});\nConfig[\"kubelet-arg\"] = new[] {{ \"{kubeletArg}\" }};\n"
            + Node(lab, "Server", "server-1", 1) + Node(lab, "Agent", "agent-1", 2) + Node(lab, "Agent", "agent-2", 3));
        var bootstrap = await rke2c.RunAsync("apply", "--yes", Playbook(10, "max-pods=110"));
        Assert.True(bootstrap.Exit == 0, bootstrap.ToString());
        var before = new Dictionary<int, string> { [1] = await lab.ExecOkAsync(1, Fingerprint), [3] = await lab.ExecOkAsync(3, Fingerprint) };
        var pids = new Dictionary<int, int> { [1] = await lab.MainPidAsync(1), [2] = await lab.MainPidAsync(2, "rke2-agent"), [3] = await lab.MainPidAsync(3, "rke2-agent") };
        var playbook = Playbook(20, "max-pods=120");

        var typo = await rke2c.RunAsync("plan", "--limit", "agnet-1", playbook);
        Assert.True(typo.Exit == 1, typo.ToString());
        Assert.Contains("'agnet-1' matches no node", typo.Stderr, StringComparison.Ordinal);

        var plan = await rke2c.RunAsync("plan", "--limit", "agent-*,!agent-2", "--out", "limited.json", playbook);

        Assert.True(plan.Exit == 2, plan.ToString());
        Assert.Contains($"server-1 (server, {Address(lab, 1)}): not in --limit", plan.Stdout, StringComparison.Ordinal);
        Assert.Contains($"agent-2 (agent, {Address(lab, 3)}): not in --limit", plan.Stdout, StringComparison.Ordinal);
        Assert.Contains("1 host(s) to change, 0 unchanged, 2 not in --limit", plan.Stdout, StringComparison.Ordinal);

        var json = await rke2c.RunAsync("plan", "--limit", "agent-1", "-o", "json", playbook);
        Assert.True(json.Exit == 2, json.ToString());
        PublishedSchemas.AssertValid("plan", json.Stdout);
        using (var document = JsonDocument.Parse(json.Stdout))
        {
            Assert.Equal("agent-1", document.RootElement.GetProperty("limit").GetString());
            var outside = document.RootElement.GetProperty("hosts").EnumerateArray()
                .Where(host => host.TryGetProperty("notInLimit", out var flag) && flag.GetBoolean()).Select(host => host.GetProperty("node").GetString());
            Assert.Equal(["server-1", "agent-2"], outside);
        }

        var apply = await rke2c.RunAsync("apply", "--yes", "limited.json");

        Assert.True(apply.Exit == 0, apply.ToString());
        Assert.Contains("  server-1: not in --limit", apply.Stdout, StringComparison.Ordinal);
        Assert.Contains("  agent-2: not in --limit", apply.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("server-1: unchanged", apply.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("agent-2: unchanged", apply.Stdout, StringComparison.Ordinal);
        Assert.Equal(before[1], await lab.ExecOkAsync(1, Fingerprint));
        Assert.Equal(before[3], await lab.ExecOkAsync(3, Fingerprint));
        Assert.Equal(pids[1], await lab.MainPidAsync(1));
        Assert.Equal(pids[3], await lab.MainPidAsync(3, "rke2-agent"));
        Assert.NotEqual(pids[2], await lab.MainPidAsync(2, "rke2-agent"));
        Assert.Contains("max-pods=120", await lab.ExecOkAsync(2, "cat /etc/rancher/rke2/config.yaml"), StringComparison.Ordinal);
        Assert.Equal("20", await lab.ExecOkAsync(2, "cat /proc/sys/vm/swappiness"));

        var rest = await rke2c.RunAsync("plan", playbook);
        Assert.True(rest.Exit == 2, rest.ToString());
        Assert.Contains("2 host(s) to change, 1 unchanged", rest.Stdout, StringComparison.Ordinal);

        var renamed = await rke2c.RunAsync("plan", rke2c.WritePlaybook("renamed.csx",
            File.ReadAllText(Path.Combine(rke2c.WorkDirectory, playbook)).Replace("\"agent-1\"", "\"agent-9\"", StringComparison.Ordinal)));
        Assert.True(renamed.Exit == 1, renamed.ToString());
        Assert.Contains("renaming a node: this host runs RKE2 as node 'agent-1', the playbook names it 'agent-9'", renamed.Output, StringComparison.Ordinal);
        Assert.Contains($"Remove(\"agent-1\", \"{Address(lab, 2)}\") and run rke2c remove", renamed.Output, StringComparison.Ordinal);
    }
}
