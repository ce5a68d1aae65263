using System.Text.RegularExpressions;
using Rke2Converge.IntegrationTests.Cli;
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
        var missingJson = await rke2c.RunAsync("restore", "--yes", "-o", "json", playbook, "no-such-snapshot");
        Assert.True(missingJson.Exit == 1, missingJson.ToString());
        PublishedSchemas.AssertValid("restore", missingJson.Stdout);
        Assert.Contains("does not exist", missingJson.Stdout, StringComparison.Ordinal);

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

    /// <summary>
    /// The simulator's <c>rke2 server --cluster-reset</c>, by hand as upstream's procedure runs it: upstream's refusals
    /// (k3s pkg/cli/server/server.go, pkg/etcd/etcd.go Reset, pkg/cluster/managed.go), the reset-flag, and a peer that
    /// keeps its old etcd data never becoming ready until its server/db is moved away.
    /// </summary>
    [Fact]
    public async Task Cluster_reset_by_hand_refuses_as_upstream_and_a_peer_with_old_etcd_data_does_not_rejoin()
    {
        const string Rke2 = "/usr/local/bin/rke2";
        await using var lab = await LabEnvironment.UpAsync("it-reset", 2, new LabOptions { Net = 198 });
        var rke2c = new Rke2cDriver(lab.Name);
        var playbook = rke2c.WritePlaybook("site.csx", Header(lab) + Node(lab, "Server", "server-1", 1) + Node(lab, "Server", "server-2", 2)
            + JoinOrder("server-1", "server-2"));
        var apply = await rke2c.RunAsync("apply", "--yes", playbook);
        Assert.True(apply.Exit == 0, apply.ToString());
        var save = await rke2c.RunAsync("etcd-snapshot", "save", "--name", "hand", playbook);
        Assert.True(save.Exit == 0, save.ToString());
        var saved = "/var/lib/rancher/rke2/server/db/snapshots/" + Regex.Match(save.Stdout, @"snapshot (hand-server-1-\d+) saved").Groups[1].Value;
        await lab.ExecOkAsync(2, "systemctl stop rke2-server");
        await lab.ExecOkAsync(1, "systemctl stop rke2-server");

        async Task RefusedAsync(string flags, string expected)
        {
            var run = await lab.ExecAsync(1, $"{Rke2} server {flags}");
            Assert.True(run.Exit == 1 && run.Stderr.Contains(expected, StringComparison.Ordinal), $"{flags}: {run}");
        }
        await RefusedAsync("--cluster-reset-restore-path=/x", "invalid flag use; --cluster-reset required with --cluster-reset-restore-path");
        await RefusedAsync("--cluster-reset --cluster-reset-restore-path=/no/such", "etcd: snapshot path does not exist: /no/such");
        await RefusedAsync("--cluster-reset --cluster-reset-restore-path=/tmp", "etcd: snapshot path must be a file, not a directory: /tmp");
        await lab.ExecOkAsync(1, "echo garbage > /root/not-a-snapshot");
        await RefusedAsync("--cluster-reset --cluster-reset-restore-path=/root/not-a-snapshot", "snapshot missing hash but --skip-hash-check=false");

        var reset = await lab.ExecAsync(1, $"{Rke2} server --cluster-reset --cluster-reset-restore-path={saved}");
        Assert.True(reset.Exit == 0, reset.ToString());
        Assert.Contains("Managed etcd cluster membership has been reset, restart without --cluster-reset flag now", reset.Stderr, StringComparison.Ordinal);
        Assert.Equal("present", await lab.ExecOkAsync(1, "test -e /var/lib/rancher/rke2/server/db/reset-flag && echo present || echo gone"));
        await RefusedAsync("--cluster-reset", "Managed etcd cluster membership was previously reset, please remove the cluster-reset flag");
        await lab.ExecOkAsync(1, "systemctl start rke2-server");
        Assert.Equal("gone", await lab.ExecOkAsync(1, "test -e /var/lib/rancher/rke2/server/db/reset-flag && echo present || echo gone"));

        // server-2 kept its etcd data: it never becomes ready (bounded: 40 s of a start that would otherwise take a few).
        await lab.ExecOkAsync(2, "systemctl start --no-block rke2-server");
        await Task.Delay(TimeSpan.FromSeconds(40));
        Assert.Equal("activating", await lab.ExecOkAsync(2, "systemctl is-active rke2-server || true"));
        Assert.Contains("cluster ID mismatch", await lab.ExecOkAsync(2, "journalctl -u rke2-server -n 20 --no-pager -o cat"), StringComparison.Ordinal);
        await lab.ExecOkAsync(2, "systemctl stop rke2-server && mv /var/lib/rancher/rke2/server/db /var/lib/rancher/rke2/server/db.old");
        var plan = await rke2c.RunAsync("apply", "--yes", playbook);
        Assert.True(plan.Exit == 0, plan.ToString());
        Assert.Equal("active", await lab.ExecOkAsync(2, "systemctl is-active rke2-server || true"));
    }
}
