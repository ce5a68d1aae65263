using System.Text.Json;
using Rke2Converge.IntegrationTests.Converge;
using Rke2Converge.IntegrationTests.Lab;
using static Rke2Converge.IntegrationTests.Converge.LabPlaybook;

namespace Rke2Converge.IntegrationTests.Simulator;

/// <summary>
/// rancher/rke2#8236 on v1.32.4+rke2r1: after <c>secrets-encrypt prepare</c>, a control-plane-only server restarted
/// after the etcd-only servers panics. Restarting it by hand in that order breaks it; rke2c restarts control-plane
/// nodes first on affected releases and recommends the fixed one; a rotation under way is left to
/// <c>rke2c secrets-encrypt rotate</c> (see KeyRotationTests).
/// </summary>
[Collection(Clusters.Name)]
public sealed class StartupRaceTests
{
    private const string AffectedVersion = "v1.32.4+rke2r1";
    private const string FixedVersion = "v1.32.5+rke2r1";
    private const string Panic = "invalid memory address or nil pointer dereference";

    [Fact]
    public async Task Restarting_etcd_only_then_control_plane_only_by_hand_after_prepare_panics_the_control_plane_node()
    {
        await using var lab = await LabEnvironment.UpAsync("sim-race-by-hand", 2, new LabOptions { Net = 64 });
        await BootstrapSplitRolesByHandAsync(lab, "by-hand-token", controlPlaneHosts: [2]);

        Assert.Contains("prepare completed successfully", await lab.ExecOkAsync(2, "rke2 secrets-encrypt prepare"), StringComparison.Ordinal);
        await lab.ExecOkAsync(1, "systemctl restart rke2-server");
        Assert.Equal("active", await lab.ActiveStateAsync(1));
        await lab.ExecOkAsync(2, "systemctl restart --no-block rke2-server");

        var panicked = await lab.FirstJournalWithAsync([2], Panic, TimeSpan.FromMinutes(3));
        Assert.True(panicked is not null, $"cp-1 did not panic within 3 min:\n{await lab.JournalAsync(2)}");
        Assert.NotEqual("active", await lab.ActiveStateAsync(2));
        Assert.Equal(1, await lab.StartsAsync(2));
        Assert.DoesNotContain(Panic, await lab.JournalAsync(1), StringComparison.Ordinal);
    }

    /// <summary>
    /// rke2c takes over a split-role cluster that was set up by hand (see the report: rke2c cannot bootstrap one itself
    /// because it gates the first etcd-only server on its Node object, which needs an API server that does not exist yet).
    /// </summary>
    [Fact]
    public async Task Rke2c_restarts_control_plane_nodes_before_etcd_nodes_on_the_affected_release_and_leaves_a_rotation_to_secrets_encrypt_rotate()
    {
        await using var lab = await LabEnvironment.UpAsync("sim-race-rke2c", 3, new LabOptions { Net = 65 });
        var rke2c = new Rke2cDriver(lab.Name);
        await BootstrapSplitRolesByHandAsync(lab, rke2c.Token, controlPlaneHosts: [2, 3]);

        var playbook = rke2c.WritePlaybook("site.csx", Header(lab, AffectedVersion)
            + Node(lab, "Etcd", "etcd-1", 1) + Node(lab, "ControlPlane", "cp-1", 2) + Node(lab, "ControlPlane", "cp-2", 3)
            + JoinOrder("etcd-1", "cp-1", "cp-2")
            + "Config[\"node-label\"] = new[] { \"rollout=2\" };\n");
        var plan = await rke2c.RunAsync("plan", playbook, "--output", "json");
        Assert.True(plan.Exit == 2, plan.ToString());
        using (var json = JsonDocument.Parse(plan.Stdout))
        {
            var note = Assert.Single(json.RootElement.GetProperty("notes").EnumerateArray()).GetString();
            Assert.Contains($"Consider {FixedVersion}", note, StringComparison.Ordinal);
            Assert.All(json.RootElement.GetProperty("hosts").EnumerateArray(), host =>
                Assert.Contains(host.GetProperty("changes").EnumerateArray(), c => c.GetProperty("summary").GetString()!.Contains("restart", StringComparison.Ordinal)));
        }

        var apply = await rke2c.RunAsync("apply", "--yes", playbook);
        Assert.True(apply.Exit == 0, apply.ToString());
        Assert.Contains($"Consider {FixedVersion}", apply.Stdout, StringComparison.Ordinal);
        ClusterAssertions.ConvergedOneAtATime(apply.Stdout, "cp-1", "cp-2", "etcd-1");
        foreach (var host in new[] { 1, 2, 3 })
        {
            Assert.Equal("active", await lab.ActiveStateAsync(host));
            Assert.DoesNotContain(Panic, await lab.JournalAsync(host), StringComparison.Ordinal);
            Assert.Equal(2, await lab.StartsAsync(host));
        }

        // Mid-rotation, apply restarts nothing: the restarts belong to rke2c secrets-encrypt rotate, in its order.
        Assert.Contains("prepare completed successfully", await lab.ExecOkAsync(2, "rke2 secrets-encrypt prepare"), StringComparison.Ordinal);
        Assert.Contains("hash does not match between cp-1 and cp-2", await lab.ExecOkAsync(2, "rke2 secrets-encrypt status"), StringComparison.Ordinal);
        var refused = await rke2c.RunAsync("apply", "--yes", playbook);
        Assert.True(refused.Exit == 1, refused.ToString());
        Assert.Contains("stopped mid-way at stage prepare", refused.Stdout, StringComparison.Ordinal);
        Assert.Contains("hashes differ on cp-2", refused.Stdout, StringComparison.Ordinal);
        Assert.Contains("one at a time (cp-1, cp-2, etcd-1)", refused.Stdout, StringComparison.Ordinal);
        foreach (var host in new[] { 1, 2, 3 }) Assert.Equal(2, await lab.StartsAsync(host));
    }

    /// <summary>etcd-1 on host 1 bootstraps; each control-plane-only node joins through it, one at a time.</summary>
    internal static async Task BootstrapSplitRolesByHandAsync(LabEnvironment lab, string token, IReadOnlyList<int> controlPlaneHosts)
    {
        await lab.WriteConfigAsync(1, $"""
            token: {token}
            node-name: etcd-1
            disable-apiserver: true
            disable-controller-manager: true
            disable-scheduler: true
            """);
        await lab.InstallAsync(1, AffectedVersion);
        await lab.ExecOkAsync(1, "systemctl enable rke2-server && systemctl start rke2-server");
        for (var i = 0; i < controlPlaneHosts.Count; i++)
        {
            var host = controlPlaneHosts[i];
            await lab.WriteConfigAsync(host, ByHand.JoiningServerConfig(lab, 1, token, $"cp-{Invariant(i + 1)}", "disable-etcd: true"));
            await lab.InstallAsync(host, AffectedVersion);
            await lab.ExecOkAsync(host, "systemctl enable rke2-server && systemctl start rke2-server");
            // On this release a start that overlaps another server's static pod re-creation is fatal (rancher/rke2#8269).
            await Task.Delay(TimeSpan.FromSeconds(3));
        }
    }
}
