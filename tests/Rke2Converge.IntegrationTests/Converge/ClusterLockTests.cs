using System.Diagnostics;
using System.Text.RegularExpressions;
using Rke2Converge.IntegrationTests.Lab;
using static Rke2Converge.IntegrationTests.Converge.LabPlaybook;

namespace Rke2Converge.IntegrationTests.Converge;

/// <summary>One apply at a time: the lock on every host, a refused second run, a stale lock and --force-unlock.</summary>
[Collection(Clusters.Name)]
public sealed partial class ClusterLockTests
{
    private const string LockDirectory = "/var/lib/rancher/rke2c";
    private const string LockFile = LockDirectory + "/lock";

    [Fact]
    public async Task Two_applies_at_once_one_is_refused_naming_the_holder_and_each_node_restarts_once()
    {
        await using var lab = await LabEnvironment.UpAsync("it-lock", 2, new LabOptions { Net = 70 });
        var rke2c = new Rke2cDriver(lab.Name);
        string Playbook(string label) => Header(lab) + $"Config[\"node-label\"] = new[] {{ \"{label}\" }};\n"
            + Node(lab, "Server", "server-1", 1) + Node(lab, "Agent", "agent-1", 2);
        var bootstrap = await rke2c.RunAsync("apply", "--yes", rke2c.WritePlaybook("site.csx", Playbook("tier=a")));
        Assert.True(bootstrap.Exit == 0, bootstrap.ToString());
        var playbook = rke2c.WritePlaybook("site.csx", Playbook("tier=b")); // both nodes now owe a restart

        var runs = await Task.WhenAll(rke2c.RunAsync("apply", "--yes", playbook), rke2c.RunAsync("apply", "--yes", playbook));

        Assert.True(runs.Count(r => r.Exit == 0) == 1 && runs.Count(r => r.Exit == 1) == 1, string.Join("\n=====\n", runs.Select(r => r.ToString())));
        var winner = runs.Single(r => r.Exit == 0);
        var refused = runs.Single(r => r.Exit == 1);
        var holder = HolderNamed().Match(refused.Stderr);
        Assert.True(holder.Success, refused.ToString());
        Assert.Equal($"{Environment.UserName}@{Environment.MachineName}", holder.Groups["who"].Value);
        Assert.Contains("running `rke2c apply site.csx`", refused.Stderr, StringComparison.Ordinal);
        Assert.Contains("Nothing was changed.", refused.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("converging", refused.Output, StringComparison.Ordinal);
        ClusterAssertions.ConvergedOneAtATime(winner.Stdout, "server-1", "agent-1");
        Assert.Equal(2, await lab.StartsAsync(1));
        Assert.Equal(2, await lab.StartsAsync(2, "rke2-agent"));
        foreach (var host in new[] { 1, 2 })
        {
            // No lock left behind, and no temp file of either run: the staged artifacts, the backups and the cluster's record.
            Assert.Equal("artifacts backups cluster-identity", (await lab.ExecOkAsync(host, $"ls {LockDirectory}")).Replace('\n', ' '));
        }
        var plan = await rke2c.RunAsync("plan", playbook);
        Assert.True(plan.Exit == 0, plan.ToString());
    }

    [Fact]
    public async Task A_stale_lock_is_reported_a_dry_run_leaves_it_and_force_unlock_removes_it_naming_the_holder()
    {
        await using var lab = await LabEnvironment.UpAsync("it-stale-lock", 1, new LabOptions { Net = 71 });
        var rke2c = new Rke2cDriver(lab.Name);
        var playbook = rke2c.WritePlaybook("site.csx", Header(lab) + Node(lab, "Server", "server-1", 1));
        using var gone = Process.Start("true")!;
        await gone.WaitForExitAsync();
        var pid = Invariant(gone.Id);
        var stale = $"run=0123abcd\nuser=ghost\nmachine={Environment.MachineName}\npid={pid}\nsince=2026-01-02T03:04:05.000Z\ncommand=rke2c apply old.csx\n";
        await lab.ExecOkAsync(1, $"mkdir -p {LockDirectory} && printf '%s' '{stale}' > {LockFile}");

        var planned = await rke2c.RunAsync("plan", playbook);

        Assert.True(planned.Exit == 2, planned.ToString()); // a note, not a problem: the drift is still shown
        Assert.Contains($"note: apply would be refused: server-1 is locked by another rke2c run: ghost@{Environment.MachineName}, pid {pid}",
            planned.Stdout.ReplaceLineEndings(" "), StringComparison.Ordinal);

        var refused = await rke2c.RunAsync("apply", "--yes", playbook);

        Assert.True(refused.Exit == 1, refused.ToString());
        Assert.Contains($"error: server-1 is locked by another rke2c run: ghost@{Environment.MachineName}, pid {pid}, since 2026-01-02 03:04:05Z, running `rke2c apply old.csx`", refused.Stderr, StringComparison.Ordinal);
        Assert.Contains($"The lock looks stale: process {pid} is no longer running on this machine", refused.Stderr, StringComparison.Ordinal);
        Assert.Contains("run again with --force-unlock", refused.Stderr, StringComparison.Ordinal);
        Assert.False(await lab.FileExistsAsync(1, "/etc/rancher/rke2/config.yaml"));

        var dryRun = await rke2c.RunAsync("apply", playbook, "--dry-run");

        Assert.True(dryRun.Exit == 2, dryRun.ToString()); // changes pending, none made
        Assert.Contains("dry run: server-1 is locked by another rke2c run: ghost@", dryRun.Stderr, StringComparison.Ordinal);
        Assert.Contains(". take the rke2c lock", dryRun.Stdout, StringComparison.Ordinal);
        Assert.Equal(stale.TrimEnd('\n'), await lab.ExecOkAsync(1, $"cat {LockFile}"));

        var forced = await rke2c.RunAsync("apply", "--yes", playbook, "--force-unlock");

        Assert.True(forced.Exit == 0, forced.ToString());
        Assert.Contains($"--force-unlock: removed the lock on server-1 held by ghost@{Environment.MachineName}, pid {pid}", forced.Stderr, StringComparison.Ordinal);
        Assert.False(await lab.FileExistsAsync(1, LockFile));
        var plan = await rke2c.RunAsync("plan", playbook);
        Assert.True(plan.Exit == 0, plan.ToString());
    }

    [GeneratedRegex(@"error: server-1 is locked by another rke2c run: (?<who>\S+@\S+), pid (?<pid>\d+), since \d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ")]
    private static partial Regex HolderNamed();
}
