using System.Globalization;
using System.Text.Json;
using Rke2Converge.IntegrationTests.Converge;
using Rke2Converge.IntegrationTests.Lab;
using Rke2Sim.Cluster;
using static Rke2Converge.IntegrationTests.Converge.LabPlaybook;

namespace Rke2Converge.IntegrationTests.Simulator;

/// <summary>
/// The startup race of v1.32.4+rke2r1 (rancher/rke2#8236, #8269): a race in each node's own start, when the start
/// replaces the node's own etcd/kube-apiserver pods. After <c>secrets-encrypt prepare</c> a control-plane-only server
/// restarted first, before any etcd-only one, can still panic; systemd's next start comes up. rke2c keeps join order on
/// the affected release and recommends the fixed one.
/// </summary>
[Collection(Clusters.Name)]
public sealed class StartupRaceTests
{
    private const string AffectedVersion = "v1.32.4+rke2r1";
    private const string FixedVersion = "v1.32.5+rke2r1";
    private const string Panic = "invalid memory address or nil pointer dereference";

    /// <summary>A lab seed for which the simulator's seeded draw makes <paramref name="node"/>'s start number <paramref name="start"/> lose the race.</summary>
    internal static int SeedLosingTheRace(string node, int start) =>
        Enumerable.Range(1, 1000).First(seed => StartupRace.Draw(seed.ToString(CultureInfo.InvariantCulture), node, start) < StartupRace.Probability);

    [Fact]
    public async Task A_control_plane_node_restarted_first_after_prepare_can_still_panic_once_and_comes_up_on_systemds_restart()
    {
        // cp-1 starts once to join; its restart after prepare is its second start.
        await using var lab = await LabEnvironment.UpAsync("sim-race-by-hand", 2, new LabOptions { Net = 64, Seed = SeedLosingTheRace("cp-1", 2) });
        await BootstrapSplitRolesByHandAsync(lab, "by-hand-token", controlPlaneHosts: [2]);

        Assert.Contains("prepare completed successfully", await lab.ExecOkAsync(2, "rke2 secrets-encrypt prepare"), StringComparison.Ordinal);
        await lab.ExecOkAsync(2, "systemctl restart --no-block rke2-server");

        var panicked = await lab.FirstJournalWithAsync([2], Panic, TimeSpan.FromMinutes(3));
        Assert.True(panicked is not null, $"cp-1 did not panic within 3 min:\n{await lab.JournalAsync(2)}");
        var up = await ByHand.EventuallyAsync(async () => await lab.StartsAsync(2) == 2 ? "up" : null, TimeSpan.FromMinutes(3));
        Assert.True(up is not null, $"cp-1 did not come up after the panic:\n{await lab.JournalAsync(2)}");
        Assert.Equal("active", await lab.ActiveStateAsync(2));
        Assert.Single((await lab.JournalAsync(2)).Split('\n'), line => line.Contains(Panic, StringComparison.Ordinal));

        // The etcd-only server restarted afterwards runs no kube-apiserver and has no race to lose.
        await lab.ExecOkAsync(1, "systemctl restart rke2-server");
        Assert.Equal("active", await lab.ActiveStateAsync(1));
        Assert.DoesNotContain(Panic, await lab.JournalAsync(1), StringComparison.Ordinal);
    }

    /// <summary>
    /// rke2c takes over a split-role cluster that was set up by hand (see the report: rke2c cannot bootstrap one itself
    /// because it gates the first etcd-only server on its Node object, which needs an API server that does not exist yet).
    /// </summary>
    [Fact]
    public async Task Rke2c_restarts_in_join_order_on_the_affected_release_and_leaves_a_rotation_to_secrets_encrypt_rotate()
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
            Assert.Contains("rancher/rke2#8236, #8269", note, StringComparison.Ordinal);
            Assert.All(json.RootElement.GetProperty("hosts").EnumerateArray(), host =>
                Assert.Contains(host.GetProperty("changes").EnumerateArray(), c => c.GetProperty("summary").GetString()!.Contains("restart", StringComparison.Ordinal)));
        }

        var apply = await rke2c.RunAsync("apply", "--yes", playbook);
        Assert.True(apply.Exit == 0, apply.ToString());
        Assert.Contains($"Consider {FixedVersion}", apply.Stdout, StringComparison.Ordinal);
        ClusterAssertions.ConvergedOneAtATime(apply.Stdout, "etcd-1", "cp-1", "cp-2");
        foreach (var host in new[] { 1, 2, 3 })
        {
            Assert.Equal("active", await lab.ActiveStateAsync(host));
            Assert.Equal(2, await lab.StartsAsync(host));
        }

        // Mid-rotation, apply restarts nothing: the restarts belong to rke2c secrets-encrypt rotate, in join order.
        Assert.Contains("prepare completed successfully", await lab.ExecOkAsync(2, "rke2 secrets-encrypt prepare"), StringComparison.Ordinal);
        Assert.Contains("hash does not match between cp-1 and cp-2", await lab.ExecOkAsync(2, "rke2 secrets-encrypt status"), StringComparison.Ordinal);
        var refused = await rke2c.RunAsync("apply", "--yes", playbook);
        Assert.True(refused.Exit == 1, refused.ToString());
        Assert.Contains("stopped mid-way at stage prepare", refused.Stdout, StringComparison.Ordinal);
        Assert.Contains("hashes differ on cp-2", refused.Stdout, StringComparison.Ordinal);
        Assert.Contains("one at a time (etcd-1, cp-1, cp-2)", refused.Stdout, StringComparison.Ordinal);
        foreach (var host in new[] { 1, 2, 3 }) Assert.Equal(2, await lab.StartsAsync(host));
    }

    /// <summary>etcd-1 on host 1 bootstraps; each control-plane-only node joins through it, one after another.</summary>
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
        }
    }
}
