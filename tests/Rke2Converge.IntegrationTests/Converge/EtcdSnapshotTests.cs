using System.Text.Json;
using Rke2Converge.IntegrationTests.Cli;
using Rke2Converge.IntegrationTests.Lab;
using static Rke2Converge.IntegrationTests.Converge.LabPlaybook;

namespace Rke2Converge.IntegrationTests.Converge;

/// <summary><c>rke2c etcd-snapshot save|list</c>: a snapshot taken on the first etcd member, listed from every member's snapshot directory.</summary>
[Collection(Clusters.Name)]
public sealed class EtcdSnapshotTests
{
    [Fact]
    public async Task Save_takes_a_snapshot_on_the_first_member_and_list_shows_it_only_for_etcd_members()
    {
        await using var lab = await LabEnvironment.UpAsync("it-snapshot", 2, new LabOptions { Net = 195 });
        var rke2c = new Rke2cDriver(lab.Name);
        var playbook = rke2c.WritePlaybook("site.csx", Header(lab) + Node(lab, "Server", "server-1", 1) + Node(lab, "Agent", "agent-1", 2) + JoinOrder("server-1"));
        var apply = await rke2c.RunAsync("apply", "--yes", playbook);
        Assert.True(apply.Exit == 0, apply.ToString());

        var dryRun = await rke2c.RunAsync("etcd-snapshot", "save", "--dry-run", "--name", "nightly", playbook);
        Assert.True(dryRun.Exit == 2, dryRun.ToString());
        Assert.Contains("on server-1 would run: /usr/local/bin/rke2 etcd-snapshot save --name nightly", dryRun.Stdout, StringComparison.Ordinal);
        Assert.Equal("", await lab.ExecOkAsync(1, "ls /var/lib/rancher/rke2/server/db/snapshots 2>/dev/null || true"));

        var save = await rke2c.RunAsync("etcd-snapshot", "save", "--name", "nightly", playbook);
        Assert.True(save.Exit == 0, save.ToString());
        var saved = System.Text.RegularExpressions.Regex.Match(save.Stdout, @"server-1: snapshot (nightly-server-1-\d+) saved").Groups[1].Value;
        Assert.True(saved.Length > 0, save.ToString());
        Assert.Equal(saved, await lab.ExecOkAsync(1, "ls /var/lib/rancher/rke2/server/db/snapshots"));

        var list = await rke2c.RunAsync("etcd-snapshot", "list", "-o", "json", playbook);
        Assert.True(list.Exit == 0, list.ToString());
        PublishedSchemas.AssertValid("etcd-snapshot-list", list.Stdout);
        using (var json = JsonDocument.Parse(list.Stdout))
        {
            var member = Assert.Single(json.RootElement.GetProperty("members").EnumerateArray());
            Assert.Equal("server-1", member.GetProperty("node").GetString());
            var snapshot = Assert.Single(member.GetProperty("snapshots").EnumerateArray());
            Assert.Equal(saved, snapshot.GetProperty("name").GetString());
            Assert.Equal($"/var/lib/rancher/rke2/server/db/snapshots/{saved}", snapshot.GetProperty("path").GetString());
            Assert.True(snapshot.GetProperty("size").GetInt64() > 0);
        }
        var text = await rke2c.RunAsync("etcd-snapshot", "list", playbook);
        Assert.True(text.Exit == 0, text.ToString());
        Assert.Contains("server-1 /var/lib/rancher/rke2/server/db/snapshots: 1 snapshot(s)", text.Stdout, StringComparison.Ordinal);
        Assert.Contains($"  {saved}  ", text.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("agent-1", text.Stdout, StringComparison.Ordinal);

        var wrongNode = await rke2c.RunAsync("etcd-snapshot", "save", "--node", "agent-1", playbook);
        Assert.True(wrongNode.Exit == 1, wrongNode.ToString());
        Assert.Contains("--node 'agent-1' is not an etcd member", wrongNode.Stderr, StringComparison.Ordinal);
    }
}
