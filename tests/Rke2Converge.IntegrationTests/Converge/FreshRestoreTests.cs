using System.Text.RegularExpressions;
using Rke2Converge.IntegrationTests.Cli;
using Rke2Converge.IntegrationTests.Lab;
using static Rke2Converge.IntegrationTests.Converge.LabPlaybook;

namespace Rke2Converge.IntegrationTests.Converge;

/// <summary>
/// <c>rke2c restore --from FILE</c>, RKE2's "Restoring a Snapshot to New Nodes": a snapshot copied off one lab's cluster
/// (the cluster then gone) restored into a second lab's fresh hosts with the same token.
/// </summary>
[Collection(Clusters.Name)]
public sealed class FreshRestoreTests
{
    private const string Kubectl = "/var/lib/rancher/rke2/bin/kubectl --kubeconfig /etc/rancher/rke2/rke2.yaml";

    [Fact]
    public async Task A_snapshot_copied_off_a_cluster_is_restored_into_new_hosts_refusing_another_token_and_a_first_server_with_etcd_data()
    {
        var original = new Rke2cDriver("it-fresh-a");
        var local = Path.Combine(original.WorkDirectory, "copied-off.db");
        await using (var a = await LabEnvironment.UpAsync("it-fresh-a", 1, new LabOptions { Net = 220 }))
        {
            var playbookA = original.WritePlaybook("site.csx", Header(a) + Node(a, "Server", "server-1", 1));
            var apply = await original.RunAsync("apply", "--yes", playbookA);
            Assert.True(apply.Exit == 0, apply.ToString());
            await a.ExecOkAsync(1, $"{Kubectl} create deployment keep --image=nginx --replicas=1");
            var save = await original.RunAsync("etcd-snapshot", "save", "--name", "gone", playbookA);
            Assert.True(save.Exit == 0, save.ToString());
            var saved = Regex.Match(save.Stdout, @"server-1: snapshot (gone-server-1-\d+) saved").Groups[1].Value;
            Assert.True(saved.Length > 0, save.ToString());
            // Copied off to this machine, as an operator would before the cluster's hosts are lost.
            var base64 = await a.ExecOkAsync(1, $"base64 -w0 /var/lib/rancher/rke2/server/db/snapshots/{saved}");
            await File.WriteAllBytesAsync(local, Convert.FromBase64String(base64));
        }

        await using var b = await LabEnvironment.UpAsync("it-fresh-b", 3, new LabOptions { Net = 221 });
        var rke2c = new Rke2cDriver("it-fresh-b");
        var playbook = rke2c.WritePlaybook("site.csx", Header(b) + Node(b, "Server", "server-1", 1) + Node(b, "Server", "server-2", 2)
            + Node(b, "Agent", "agent-1", 3) + JoinOrder("server-1", "server-2"));

        var missing = await rke2c.RunWithTokenAsync(original.Token, "restore", "--yes", playbook, "--from", "no-such.db");
        Assert.True(missing.Exit == 1, missing.ToString());
        Assert.Contains("the snapshot no-such.db does not exist on this machine. Nothing was changed.", missing.Stderr, StringComparison.Ordinal);

        var dryRun = await rke2c.RunWithTokenAsync(original.Token, "restore", "--dry-run", "-o", "json", playbook, "--from", local);
        Assert.True(dryRun.Exit == 2, dryRun.ToString());
        PublishedSchemas.AssertValid("restore", dryRun.Stdout);
        Assert.Contains("server --cluster-reset --cluster-reset-restore-path=/var/lib/rancher/rke2/server/db/snapshots/copied-off.db", dryRun.Stdout, StringComparison.Ordinal);
        Assert.False(await b.FileExistsAsync(1, "/usr/local/bin/rke2"), "a dry run installed rke2");

        // Another token cannot decrypt the snapshot's bootstrap data, and the snapshot's own bootstrap key says so: refused
        // before any host is touched (rke2 would refuse only at the reset), naming neither token nor key.
        var otherToken = await rke2c.RunAsync("restore", "--yes", playbook, "--from", local);
        Assert.True(otherToken.Exit == 1, otherToken.ToString());
        Assert.Contains("the snapshot copied-off.db holds RKE2's bootstrap data under another token's key", otherToken.Stderr, StringComparison.Ordinal);
        Assert.Contains("Nothing was changed.", otherToken.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain(rke2c.Token, otherToken.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("/bootstrap/", otherToken.Output, StringComparison.Ordinal);
        Assert.False(await b.FileExistsAsync(1, "/usr/local/bin/rke2"), "server-1 was changed though the snapshot was refused");

        var restore = await rke2c.RunWithTokenAsync(original.Token, "restore", "--yes", playbook, "--from", local);
        Assert.True(restore.Exit == 0, restore.ToString());
        Assert.Contains("Managed etcd cluster membership has been reset", restore.Stdout, StringComparison.Ordinal);
        Assert.Equal("deployment.apps/keep", await b.ExecOkAsync(1, $"{Kubectl} get deployment -o name"));
        foreach (var node in new[] { "server-1", "server-2", "agent-1" })
        {
            Assert.Equal("True", await b.ExecOkAsync(1, $"{Kubectl} get node {node} -o jsonpath='{{.status.conditions[?(@.type==\"Ready\")].status}}'"));
        }
        Assert.Equal("600", await b.ExecOkAsync(1, "stat -c %a /var/lib/rancher/rke2/server/db/snapshots/copied-off.db"));
        var after = await rke2c.RunWithTokenAsync(original.Token, "plan", playbook);
        Assert.True(after.Exit == 0, after.ToString());

        var again = await rke2c.RunWithTokenAsync(original.Token, "restore", "--yes", playbook, "--from", local);
        Assert.True(again.Exit == 1, again.ToString());
        Assert.Contains("server-1 already holds etcd data (/var/lib/rancher/rke2/server/db/etcd/member)", again.Stderr, StringComparison.Ordinal);
        Assert.Contains("Nothing was changed.", again.Stderr, StringComparison.Ordinal);
    }
}
