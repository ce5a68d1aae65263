using System.Text.Json;
using Rke2Converge.IntegrationTests.Cli;
using Rke2Converge.IntegrationTests.Lab;
using static Rke2Converge.IntegrationTests.Converge.LabPlaybook;

namespace Rke2Converge.IntegrationTests.Converge;

/// <summary>
/// rke2c exec over five lab hosts (nothing installed: exec needs only SSH): each node's own output and exit code,
/// --limit, --serial stopping at a failure, --timeout, the playbook's host keys, --lock, escaping for the terminal.
/// </summary>
[Collection(Clusters.Name)]
public sealed class ExecTests
{
    private const string Marker = "/etc/rancher/it-exec-marker";

    [Fact]
    public async Task Exec_runs_the_command_on_each_selected_node_and_reports_each_node_s_output_and_exit_code()
    {
        await using var lab = await LabEnvironment.UpAsync("it-exec", 5, new LabOptions { Net = 125 });
        var rke2c = new Rke2cDriver(lab.Name);
        for (var host = 1; host <= 5; host++) await lab.ExecOkAsync(host, $"mkdir -p /etc/rancher && echo host-{host} > {Marker} && rm -f /etc/rancher/it-exec-ran");
        var playbook = rke2c.WritePlaybook("site.csx", Header(lab) + Node(lab, "Server", "s1", 1) + Node(lab, "Server", "s2", 2) + Node(lab, "Server", "s3", 3)
            + Node(lab, "Agent", "a1", 4) + Node(lab, "Agent", "a2", 5) + JoinOrder("s1", "s2", "s3"));

        // First, before any run leaves an ssh master connection to a2 that a later run would reuse.
        var strangerKeys = Path.Combine(rke2c.WorkDirectory, "empty_known_hosts");
        File.WriteAllText(strangerKeys, "");
        var unknownKeys = await rke2c.RunAsync("exec", "--known-hosts", strangerKeys, "--limit", "a2", "-o", "json", "--transport", "openssh", playbook, "--", $"touch {Marker}-touched");

        Assert.True(unknownKeys.Exit == 1, unknownKeys.ToString());
        using (var document = JsonDocument.Parse(unknownKeys.Stdout))
        {
            Assert.Equal("unreachable", Assert.Single(document.RootElement.GetProperty("nodes").EnumerateArray()).GetProperty("outcome").GetString());
        }
        Assert.Equal("no", await lab.ExecOkAsync(5, $"test -e {Marker}-touched && echo yes || echo no"));
        Assert.Contains("exec on 1 node(s): 0 ok, 1 not (a2: unreachable)", unknownKeys.Stderr, StringComparison.Ordinal);

        var all = await rke2c.RunAsync("exec", "-o", "json", playbook, "--", $"cat {Marker}; test -e /var/lib/rancher/rke2c/lock && echo locked; echo to-stderr >&2");

        Assert.True(all.Exit == 0, all.ToString());
        PublishedSchemas.AssertValid("exec", all.Stdout);
        using (var document = JsonDocument.Parse(all.Stdout))
        {
            var nodes = document.RootElement.GetProperty("nodes").EnumerateArray().ToList();
            Assert.Equal(["s1", "s2", "s3", "a1", "a2"], nodes.Select(n => n.GetProperty("node").GetString()));
            Assert.Equal(["host-1\n", "host-2\n", "host-3\n", "host-4\n", "host-5\n"], nodes.Select(n => n.GetProperty("stdout").GetString()));
            Assert.All(nodes, node => Assert.Equal("to-stderr\n", node.GetProperty("stderr").GetString()));
            Assert.All(nodes, node => Assert.Equal(0, node.GetProperty("exitCode").GetInt32()));
        }

        var oneFails = await rke2c.RunAsync("exec", playbook, "--", $"printf '\\033[2J'; grep -qv host-3 {Marker}");

        Assert.True(oneFails.Exit == 1, oneFails.ToString());
        Assert.DoesNotContain('\u001b', oneFails.Stdout);
        Assert.Contains("s3 | failed | exit 1", oneFails.Stdout, StringComparison.Ordinal);
        Assert.Contains("s1 | ok | exit 0", oneFails.Stdout, StringComparison.Ordinal);
        Assert.Contains("exec on 5 node(s): 4 ok, 1 not (s3: failed)", oneFails.Stdout, StringComparison.Ordinal);

        var serial = await rke2c.RunAsync("exec", "--serial", "-o", "json", playbook, "--", $"touch /etc/rancher/it-exec-ran; grep -qv host-3 {Marker}");

        Assert.True(serial.Exit == 1, serial.ToString());
        using (var document = JsonDocument.Parse(serial.Stdout))
        {
            Assert.Equal(["ok", "ok", "failed", "skipped", "skipped"],
                document.RootElement.GetProperty("nodes").EnumerateArray().Select(n => n.GetProperty("outcome").GetString()));
        }
        Assert.Equal("ran", await lab.ExecOkAsync(3, "test -e /etc/rancher/it-exec-ran && echo ran || echo not"));
        foreach (var host in new[] { 4, 5 }) Assert.Equal("not", await lab.ExecOkAsync(host, "test -e /etc/rancher/it-exec-ran && echo ran || echo not"));

        var locked = await rke2c.RunAsync("exec", "--lock", "--limit", "agents", "-o", "json", playbook, "--", "cat /var/lib/rancher/rke2c/lock");

        Assert.True(locked.Exit == 0, locked.ToString());
        using (var document = JsonDocument.Parse(locked.Stdout))
        {
            var nodes = document.RootElement.GetProperty("nodes").EnumerateArray().ToList();
            Assert.Equal(["a1", "a2"], nodes.Select(n => n.GetProperty("node").GetString()));
            Assert.All(nodes, node => Assert.Contains("rke2c exec", node.GetProperty("stdout").GetString(), StringComparison.Ordinal));
        }
        Assert.Equal("unlocked", await lab.ExecOkAsync(4, "test -e /var/lib/rancher/rke2c/lock && echo locked || echo unlocked"));

        var slow = await rke2c.RunAsync("exec", "--timeout", "2", "--limit", "s1", "-o", "json", playbook, "--", "sleep 60");

        Assert.True(slow.Exit == 1, slow.ToString());
        using (var document = JsonDocument.Parse(slow.Stdout))
        {
            var node = Assert.Single(document.RootElement.GetProperty("nodes").EnumerateArray());
            Assert.Equal("timeout", node.GetProperty("outcome").GetString());
            Assert.Contains("timed out after 2s", node.GetProperty("error").GetString(), StringComparison.Ordinal);
        }

    }
}
