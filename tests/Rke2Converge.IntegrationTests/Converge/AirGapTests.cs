using Rke2Converge.IntegrationTests.Lab;
using Rke2Converge.IntegrationTests.Simulator;
using static Rke2Converge.IntegrationTests.Converge.LabPlaybook;

namespace Rke2Converge.IntegrationTests.Converge;

/// <summary>
/// Air-gapped hosts (no registry access): RKE2 cannot pull its runtime image and refuses to start (rancher/rke2
/// pkg/bootstrap/bootstrap.go Stage) unless the release's images tarball is staged in
/// /var/lib/rancher/rke2/agent/images/ (the install script's install_airgap_tarball); <c>Artifacts.Images()</c> has
/// rke2c stage it before the service starts.
/// </summary>
[Collection(Clusters.Name)]
public sealed class AirGapTests
{
    private const string Version = "v1.32.5+rke2r1";
    private const string Images = "/var/lib/rancher/rke2/agent/images";
    private const string Kubectl = "/var/lib/rancher/rke2/bin/kubectl --kubeconfig /etc/rancher/rke2/rke2.yaml";

    [Fact]
    public async Task An_air_gapped_server_started_by_hand_fails_to_get_its_runtime_image_until_the_images_tarball_is_staged()
    {
        await using var lab = await LabEnvironment.UpAsync("it-airgap-by-hand", 1, new LabOptions { Net = 200, NoRegistryHosts = [1] });
        await lab.WriteConfigAsync(1, "token: by-hand-token\nnode-name: server-1\n");
        await lab.InstallAsync(1, Version);
        await lab.ExecOkAsync(1, "systemctl start --no-block rke2-server");

        var journal = await ByHand.EventuallyAsync(async () =>
        {
            var text = await lab.JournalAsync(1);
            return text.Contains("failed to get runtime image", StringComparison.Ordinal) ? text : null;
        }, TimeSpan.FromMinutes(3));
        Assert.True(journal is not null, $"rke2 never failed on the missing runtime image:\n{await lab.JournalAsync(1)}");
        Assert.Contains("Pulling runtime image index.docker.io/rancher/rke2-runtime:v1.32.5-rke2r1", journal, StringComparison.Ordinal);
        Assert.Contains("level=fatal msg=\"failed to get runtime image index.docker.io/rancher/rke2-runtime:v1.32.5-rke2r1", journal, StringComparison.Ordinal);
        Assert.NotEqual("active", await lab.ActiveStateAsync(1));

        // An archive without the runtime image (the canal component) does not help; the full one does, on the unit's next restart.
        var release = Path.Combine(Rke2cDriver.Artifacts, Version);
        await lab.ExecOkAsync(1, $"mkdir -p {Images} && cp '{release}/rke2-images-canal.linux-amd64.tar.zst' {Images}/");
        await Task.Delay(TimeSpan.FromSeconds(2));
        Assert.NotEqual("active", await lab.ActiveStateAsync(1));
        await lab.ExecOkAsync(1, $"cp '{release}/rke2-images.linux-amd64.tar.zst' {Images}/");
        var active = await ByHand.EventuallyAsync(async () => await lab.ActiveStateAsync(1) == "active" ? "active" : null, TimeSpan.FromMinutes(3));
        Assert.True(active is not null, $"rke2 did not start from the staged images:\n{await lab.JournalAsync(1)}");
    }

    [Fact]
    public async Task Rke2c_stages_the_images_tarball_before_the_service_starts_the_nodes_become_ready_and_a_second_run_changes_nothing()
    {
        await using var lab = await LabEnvironment.UpAsync("it-airgap", 2, new LabOptions { Net = 201, NoRegistryHosts = [1, 2] });
        var rke2c = new Rke2cDriver(lab.Name);
        var playbook = rke2c.WritePlaybook("site.csx", Header(lab, Version) + "Artifacts.Images();\n"
            + Node(lab, "Server", "server-1", 1) + Node(lab, "Agent", "agent-1", 2) + JoinOrder("server-1"));

        var plan = await rke2c.RunAsync("plan", playbook);
        Assert.True(plan.Exit == 2, plan.ToString());
        Assert.Equal(2, plan.Stdout.Split('\n').Count(line => line.Contains($"{Images}/rke2-images.linux-amd64.tar.zst: stage", StringComparison.Ordinal)));

        var apply = await rke2c.RunAsync("apply", "--yes", playbook);
        Assert.True(apply.Exit == 0, apply.ToString());
        Assert.Equal("active", await lab.ActiveStateAsync(1));
        Assert.Equal("active", await lab.ActiveStateAsync(2, "rke2-agent"));
        var expected = (await File.ReadAllLinesAsync(Path.Combine(Rke2cDriver.Artifacts, Version, "sha256sum-amd64.txt")))
            .Single(line => line.EndsWith("  rke2-images.linux-amd64.tar.zst", StringComparison.Ordinal)).Split(' ')[0];
        foreach (var host in new[] { 1, 2 })
        {
            Assert.Equal(expected, (await lab.ExecOkAsync(host, $"sha256sum {Images}/rke2-images.linux-amd64.tar.zst")).Split(' ')[0]);
            Assert.Equal("", (await lab.ExecOkAsync(host, $"ls -A {Images} | grep -v '^rke2-images.linux-amd64.tar.zst$' || true")).Trim());
        }
        Assert.DoesNotContain("failed to get runtime image", await lab.JournalAsync(1), StringComparison.Ordinal);
        Assert.DoesNotContain("failed to get runtime image", await lab.JournalAsync(2, "rke2-agent"), StringComparison.Ordinal);
        foreach (var node in new[] { "server-1", "agent-1" })
        {
            var ready = await lab.ExecOkAsync(1, $"{Kubectl} get node {node} -o jsonpath='{{.status.conditions[?(@.type==\"Ready\")].status}}'");
            Assert.Equal("True", ready.Trim());
        }

        var second = await rke2c.RunAsync("plan", playbook);
        Assert.True(second.Exit == 0, second.ToString());
        Assert.Contains("0 host(s) to change, 2 unchanged", second.Stdout, StringComparison.Ordinal);
    }
}
