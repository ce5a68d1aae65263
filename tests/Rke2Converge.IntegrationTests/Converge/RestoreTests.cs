using System.Text.RegularExpressions;
using Rke2Converge.IntegrationTests.Lab;
using static Rke2Converge.IntegrationTests.Converge.LabPlaybook;

namespace Rke2Converge.IntegrationTests.Converge;

/// <summary>
/// <c>rke2c restore</c> into an existing 3-server cluster: a deployment deleted after a snapshot comes back, every node
/// is Ready and the next plan is clean; a missing snapshot is refused before anything stops.
/// </summary>
[Collection(Clusters.Name)]
public sealed class RestoreTests
{
    private const string Kubectl = "/var/lib/rancher/rke2/bin/kubectl --kubeconfig /etc/rancher/rke2/rke2.yaml";

    [Fact]
    public async Task Restore_brings_back_a_deleted_deployment_on_three_servers_and_refuses_a_missing_snapshot_changing_nothing()
    {
        await using var lab = await LabEnvironment.UpAsync("it-restore", 3, new LabOptions { Net = 197 });
        var rke2c = new Rke2cDriver(lab.Name);
        var playbook = rke2c.WritePlaybook("site.csx", Header(lab) + Node(lab, "Server", "server-1", 1) + Node(lab, "Server", "server-2", 2)
            + Node(lab, "Server", "server-3", 3) + JoinOrder("server-1", "server-2", "server-3"));
        var apply = await rke2c.RunAsync("apply", "--yes", playbook);
        Assert.True(apply.Exit == 0, apply.ToString());

        await lab.ExecOkAsync(1, $"{Kubectl} create deployment keep --image=nginx --replicas=1");
        var save = await rke2c.RunAsync("etcd-snapshot", "save", "--name", "before", playbook);
        Assert.True(save.Exit == 0, save.ToString());
        var saved = Regex.Match(save.Stdout, @"server-1: snapshot (before-server-1-\d+) saved").Groups[1].Value;
        Assert.True(saved.Length > 0, save.ToString());
        await lab.ExecOkAsync(1, $"{Kubectl} delete deployment keep");
        Assert.Equal("", await lab.ExecOkAsync(1, $"{Kubectl} get deployment -o name"));
        var starts = new[] { await lab.StartsAsync(1), await lab.StartsAsync(2), await lab.StartsAsync(3) };

        var missing = await rke2c.RunAsync("restore", "--yes", playbook, "no-such-snapshot");
        Assert.True(missing.Exit == 1, missing.ToString());
        Assert.Contains("server-1: the snapshot /var/lib/rancher/rke2/server/db/snapshots/no-such-snapshot does not exist", missing.Stderr, StringComparison.Ordinal);
        Assert.Contains("Nothing was changed.", missing.Stderr, StringComparison.Ordinal);

        var dryRun = await rke2c.RunAsync("restore", "--dry-run", playbook, saved);
        Assert.True(dryRun.Exit == 2, dryRun.ToString());
        Assert.Contains($"server --cluster-reset --cluster-reset-restore-path=/var/lib/rancher/rke2/server/db/snapshots/{saved}", dryRun.Stdout, StringComparison.Ordinal);
        Assert.Equal(starts, new[] { await lab.StartsAsync(1), await lab.StartsAsync(2), await lab.StartsAsync(3) });
        Assert.Equal("active", await lab.ExecOkAsync(2, "systemctl is-active rke2-server || true"));

        var restore = await rke2c.RunAsync("restore", "--yes", playbook, saved);
        Assert.True(restore.Exit == 0, restore.ToString());
        Assert.Contains("Managed etcd cluster membership has been reset", restore.Stdout, StringComparison.Ordinal);
        Assert.Equal("deployment.apps/keep", await lab.ExecOkAsync(1, $"{Kubectl} get deployment -o name"));
        foreach (var node in new[] { "server-1", "server-2", "server-3" })
        {
            Assert.Equal("True", await lab.ExecOkAsync(1, $"{Kubectl} get node {node} -o jsonpath='{{.status.conditions[?(@.type==\"Ready\")].status}}'"));
        }
        foreach (var host in new[] { 2, 3 })
        {
            // The peers' old etcd data is kept aside, not deleted.
            Assert.Single((await lab.ExecOkAsync(host, "ls -d /var/lib/rancher/rke2/server/db.rke2c-restore-*")).Split('\n', StringSplitOptions.RemoveEmptyEntries));
        }
        // rke2 removes the reset-flag at the next normal start.
        Assert.Equal("gone", await lab.ExecOkAsync(1, "test -e /var/lib/rancher/rke2/server/db/reset-flag && echo present || echo gone"));
        var after = await rke2c.RunAsync("plan", playbook);
        Assert.True(after.Exit == 0, after.ToString());
    }
}
