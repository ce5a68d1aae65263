using System.Text.Json;
using Rke2Converge.IntegrationTests.Cli;
using Rke2Converge.IntegrationTests.Lab;
using Rke2Converge.IntegrationTests.Simulator;
using static Rke2Converge.IntegrationTests.Converge.LabPlaybook;

namespace Rke2Converge.IntegrationTests.Converge;

/// <summary>
/// rke2c secrets-encrypt status|rotate on the smallest split cluster (1 etcd-only, 1 control-plane-only): on the
/// affected v1.32.4 a rotation stopped after prepare is reported by plan and resumed in join order; the control-plane
/// node loses the startup race once (rancher/rke2#8236, a seed that makes it), systemd restarts it, rke2c's gates wait
/// it out and the rotation ends with matching hashes. On v1.32.5 rotate-keys.
/// </summary>
[Collection(Clusters.Name)]
public sealed class KeyRotationTests
{
    private const string Panic = "invalid memory address or nil pointer dereference";

    [Fact]
    public async Task Affected_release_resumes_a_stopped_rotation_in_join_order_and_waits_out_a_lost_startup_race()
    {
        // cp-1 starts to join (1) and is restarted by the take-over (2); its first rotation restart (3) loses the race.
        await using var lab = await LabEnvironment.UpAsync("it-rotate-affected", 2, new LabOptions { Net = 150, Seed = StartupRaceTests.SeedLosingTheRace("cp-1", 3) });
        var rke2c = new Rke2cDriver(lab.Name);
        await StartupRaceTests.BootstrapSplitRolesByHandAsync(lab, rke2c.Token, controlPlaneHosts: [2]);
        var playbook = rke2c.WritePlaybook("site.csx", Header(lab, "v1.32.4+rke2r1")
            + Node(lab, "Etcd", "etcd-1", 1) + Node(lab, "ControlPlane", "cp-1", 2) + JoinOrder("etcd-1", "cp-1"));
        var takeOver = await rke2c.RunAsync("apply", "--yes", playbook);
        Assert.True(takeOver.Exit == 0, takeOver.ToString());
        Assert.Equal(2, await lab.StartsAsync(2));

        // A rotation stopped right after prepare: plan reports it as drift with the restarts it needs.
        Assert.Contains("prepare completed successfully", await lab.ExecOkAsync(2, "rke2 secrets-encrypt prepare"), StringComparison.Ordinal);
        var plan = await rke2c.RunAsync("plan", playbook);
        Assert.True(plan.Exit == 2, plan.ToString());
        Assert.Contains("stopped mid-way at stage prepare", plan.Stdout, StringComparison.Ordinal);
        Assert.Contains("one at a time (etcd-1, cp-1)", plan.Stdout, StringComparison.Ordinal);
        Assert.Contains("rke2c secrets-encrypt rotate", plan.Stdout, StringComparison.Ordinal);
        var status = await rke2c.RunAsync("secrets-encrypt", "status", "-o", "json", playbook);
        Assert.True(status.Exit == 2, status.ToString());
        PublishedSchemas.AssertValid("secrets-encrypt-status", status.Stdout);
        using (var document = JsonDocument.Parse(status.Stdout))
        {
            Assert.Equal("prepare", document.RootElement.GetProperty("stage").GetString());
            Assert.False(document.RootElement.GetProperty("atRest").GetBoolean());
            Assert.Contains(document.RootElement.GetProperty("problems").EnumerateArray(),
                problem => problem.GetString()!.Contains("rke2c secrets-encrypt rotate", StringComparison.Ordinal));
        }

        var rotate = await rke2c.RunAsync("secrets-encrypt", "rotate", "--yes", playbook);
        Assert.True(rotate.Exit == 0, rotate.ToString());
        Assert.Contains("resuming from there", rotate.Stdout, StringComparison.Ordinal);
        Assert.Contains("rancher/rke2#8236, #8269", rotate.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("cp-1: rke2 secrets-encrypt prepare", rotate.Stdout, StringComparison.Ordinal);
        // Three rounds of restarts in join order, each behind a stage gate with matching hashes.
        ClusterAssertions.ConvergedOneAtATime(rotate.Stdout, "etcd-1", "cp-1", "etcd-1", "cp-1", "etcd-1", "cp-1");
        AssertInOrder(rotate.Stdout, "passed: stage prepare, all server hashes match", "cp-1: rke2 secrets-encrypt rotate",
            "passed: stage rotate, all server hashes match", "cp-1: rke2 secrets-encrypt reencrypt", "passed: stage reencrypt_finished",
            "passed: stage reencrypt_finished, all server hashes match", "Key rotation complete");
        var after = await lab.ExecOkAsync(2, "rke2 secrets-encrypt status");
        Assert.Contains("Current Rotation Stage: reencrypt_finished", after, StringComparison.Ordinal);
        Assert.Contains("All hashes match", after, StringComparison.Ordinal);
        Assert.Contains(Panic, await lab.JournalAsync(2), StringComparison.Ordinal);
        Assert.DoesNotContain(Panic, await lab.JournalAsync(1), StringComparison.Ordinal);
        Assert.Contains("Removed key: aescbckey", await lab.JournalAsync(1), StringComparison.Ordinal);
        var clean = await rke2c.RunAsync("plan", playbook);
        Assert.True(clean.Exit == 0, clean.ToString());
    }

    [Fact]
    public async Task Fixed_release_rotates_with_rotate_keys_and_ends_with_matching_hashes()
    {
        await using var lab = await LabEnvironment.UpAsync("it-rotate-fixed", 2, new LabOptions { Net = 151 });
        var rke2c = new Rke2cDriver(lab.Name);
        var playbook = rke2c.WritePlaybook("site.csx", Header(lab)
            + Node(lab, "Etcd", "etcd-1", 1) + Node(lab, "ControlPlane", "cp-1", 2) + JoinOrder("etcd-1", "cp-1"));
        var bootstrap = await rke2c.RunAsync("apply", "--yes", playbook);
        Assert.True(bootstrap.Exit == 0, bootstrap.ToString());
        var before = await rke2c.RunAsync("secrets-encrypt", "status", playbook);
        Assert.True(before.Exit == 0 && before.Stdout.Contains("stage: start", StringComparison.Ordinal), before.ToString());

        var statusJson = await rke2c.RunAsync("secrets-encrypt", "status", "-o", "json", playbook);
        Assert.True(statusJson.Exit == 0, statusJson.ToString());
        PublishedSchemas.AssertValid("secrets-encrypt-status", statusJson.Stdout);
        using (var document = JsonDocument.Parse(statusJson.Stdout))
        {
            Assert.Equal("start", document.RootElement.GetProperty("stage").GetString());
            Assert.True(document.RootElement.GetProperty("hashesMatch").GetBoolean());
            var hashes = document.RootElement.GetProperty("servers").EnumerateArray().ToDictionary(s => s.GetProperty("node").GetString()!, s => s.GetProperty("hash"));
            Assert.Equal(JsonValueKind.Null, hashes["etcd-1"].ValueKind);
            Assert.StartsWith("start-", hashes["cp-1"].GetString(), StringComparison.Ordinal);
        }

        var untouched = "systemctl show -p MainPID --value rke2-server; stat -c '%n %y' /var/lib/rancher/rke2c; ls -A /var/lib/rancher/rke2c";
        var hostsBefore = new[] { await lab.ExecOkAsync(1, untouched), await lab.ExecOkAsync(2, untouched) };
        var dryRun = await rke2c.RunAsync("secrets-encrypt", "rotate", "--dry-run", "-o", "json", playbook);
        Assert.True(dryRun.Exit == 2, dryRun.ToString());
        PublishedSchemas.AssertValid("secrets-encrypt-rotate", dryRun.Stdout);
        Assert.Contains("secrets-encrypt rotate-keys", dryRun.Stdout, StringComparison.Ordinal);
        using (var document = JsonDocument.Parse(dryRun.Stdout))
        {
            Assert.Equal("rotate-keys", document.RootElement.GetProperty("rotation").GetProperty("path").GetString());
            Assert.True(document.RootElement.GetProperty("result").GetProperty("succeeded").GetBoolean());
            Assert.NotEmpty(document.RootElement.GetProperty("result").GetProperty("dryRun").EnumerateArray());
        }
        Assert.Contains("Current Rotation Stage: start", await lab.ExecOkAsync(2, "rke2 secrets-encrypt status"), StringComparison.Ordinal);
        Assert.Equal(hostsBefore, new[] { await lab.ExecOkAsync(1, untouched), await lab.ExecOkAsync(2, untouched) });

        var rotate = await rke2c.RunAsync("secrets-encrypt", "rotate", "--yes", playbook);
        Assert.True(rotate.Exit == 0, rotate.ToString());
        Assert.Contains("rotate-keys, commands on cp-1", rotate.Stdout, StringComparison.Ordinal);
        Assert.Contains("etcd-1: etcd snapshot rke2c-pre-key-rotation", rotate.Stdout, StringComparison.Ordinal);
        AssertInOrder(rotate.Stdout, "cp-1: rke2 secrets-encrypt rotate-keys", "keys rotated, reencryption started", "passed: stage reencrypt_finished",
            "etcd-1: converging", "etcd-1: converged in", "passed: stage reencrypt_finished, all server hashes match", "Key rotation complete");
        Assert.DoesNotContain("cp-1: converging", rotate.Stdout, StringComparison.Ordinal);
        Assert.Contains("All hashes match", await lab.ExecOkAsync(2, "rke2 secrets-encrypt status"), StringComparison.Ordinal);
        var after = await rke2c.RunAsync("secrets-encrypt", "status", playbook);
        Assert.True(after.Exit == 0 && after.Stdout.Contains("stage: reencrypt_finished", StringComparison.Ordinal), after.ToString());
        Assert.DoesNotContain(rke2c.Token, rke2c.EverythingPrintedOrLogged(), StringComparison.Ordinal);
    }

    private static void AssertInOrder(string output, params string[] fragments)
    {
        var position = 0;
        foreach (var fragment in fragments)
        {
            var found = output.IndexOf(fragment, position, StringComparison.Ordinal);
            Assert.True(found >= 0, $"'{fragment}' not found after position {position}:\n{output}");
            position = found + fragment.Length;
        }
    }
}
