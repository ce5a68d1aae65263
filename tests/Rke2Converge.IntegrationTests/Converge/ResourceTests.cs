using Rke2Converge.IntegrationTests.Lab;
using static Rke2Converge.IntegrationTests.Converge.LabPlaybook;

namespace Rke2Converge.IntegrationTests.Converge;

/// <summary>
/// Declared resources end to end on lab hosts: created on the first apply with one start per node, a clean second plan,
/// drift made by hand shown and remediated (a restart only where a change needs one), then removed with .Absent().
/// </summary>
[Collection(Clusters.Name)]
public sealed class ResourceTests
{
    private const string Password = "reg-pw-4f9a1c7e";
    private const string Manifest = "/var/lib/rancher/rke2/server/manifests/rke2-ingress-nginx-config.yaml";

    private static string Resources(string passwordFile, bool absent = false) => $$"""
        Registries()
            .Mirror("docker.io", new[] { "https://registry.lab.test:5000" }, rewrite: new Dictionary<string, string> { ["^rancher/(.*)"] = "mirrored/rancher/$1" })
            .Config("registry.lab.test:5000", username: "puller", password: Secret.FromFile("{{passwordFile}}"));
        Manifest("rke2-ingress-nginx-config", "apiVersion: helm.cattle.io/v1\nkind: HelmChartConfig\nmetadata:\n  name: rke2-ingress-nginx\n  namespace: kube-system\nspec:\n  valuesContent: |-\n    controller:\n      replicaCount: 1\n"){{(absent ? ".Absent()" : "")}};
        EnvFile().Set("HTTP_PROXY", "http://proxy.lab.test:3128").Set("NO_PROXY", "127.0.0.0/8,10.0.0.0/8,.svc,.cluster.local");
        KernelModule("br_netfilter");
        SystemdDropIn("limits", "[Service]\nLimitNOFILE=1048576\n");
        Package("nfs-common"){{(absent ? ".Absent()" : "")}};
        Command("mkdir -p /var/lib/rancher/seed && date > /var/lib/rancher/seed/done", name: "seed").Creates("/var/lib/rancher/seed/done");
        Gates.Custom("proxy reaches rke2", "for u in rke2-server rke2-agent; do p=$(systemctl show -p MainPID --value $u); [ \"$p\" -gt 0 ] && tr '\\0' '\\n' < /proc/$p/environ; done | grep '^HTTP_PROXY='",
            expect: "HTTP_PROXY=http://proxy.lab.test:3128", timeout: TimeSpan.FromSeconds(60));

        """;

    private static async Task<int> StartedAsync(LabEnvironment lab, int host, string unit) =>
        int.Parse(await lab.ExecOkAsync(host, $"journalctl -u {unit} --no-pager -o cat | grep -c '^Started ' || true"), System.Globalization.CultureInfo.InvariantCulture);

    [Fact]
    public async Task Resources_converge_restart_only_where_needed_remediate_drift_and_go_absent()
    {
        await using var lab = await LabEnvironment.UpAsync("it-resources", 2, new LabOptions { Net = 105 });
        var rke2c = new Rke2cDriver(lab.Name);
        var passwordFile = Path.Combine(rke2c.WorkDirectory, "registry-password");
        await File.WriteAllTextAsync(passwordFile, Password);
        string Playbook(bool absent) => Header(lab) + Resources(passwordFile, absent)
            + Node(lab, "Server", "server-1", 1) + Node(lab, "Agent", "agent-1", 2);
        var site = rke2c.WritePlaybook("site.csx", Playbook(absent: false));

        var firstPlan = await rke2c.RunAsync("plan", site);
        Assert.True(firstPlan.Exit == 2, firstPlan.ToString());
        foreach (var expected in new[]
                 {
                     "registries /etc/rancher/rke2/registries.yaml: create (0600) (needs restart)",
                     "+ mirrors.\"docker.io\".endpoint: [https://registry.lab.test:5000]",
                     "+ configs.\"registry.lab.test:5000\".auth.password: (sensitive)",
                     $"manifest {Manifest}: create (0600)",
                     "env-file /etc/default/rke2-server: create (0600) (needs restart)",
                     "env-file /etc/default/rke2-agent: create (0600) (needs restart)",
                     "+ HTTP_PROXY: http://proxy.lab.test:3128",
                     "kernel-module br_netfilter: /etc/modules-load.d/rke2c-br_netfilter.conf create (0644), load (modprobe)",
                     "systemd-drop-in /etc/systemd/system/rke2-agent.service.d/limits.conf: create (0644) (needs restart)",
                     "package nfs-common: install",
                     "command seed: run (/var/lib/rancher/seed/done does not exist)",
                     "custom gate 'proxy reaches rke2'",
                 })
        {
            Assert.Contains(expected, firstPlan.Stdout, StringComparison.Ordinal);
        }
        Assert.Equal(1, firstPlan.Stdout.Split("manifest ").Length - 1); // servers only

        var apply = await rke2c.RunAsync("apply", "--yes", site);
        Assert.True(apply.Exit == 0, apply.ToString());
        Assert.Contains("server-1: gate proxy reaches rke2 passed", apply.Output, StringComparison.Ordinal);
        Assert.Contains("agent-1: gate proxy reaches rke2 passed", apply.Output, StringComparison.Ordinal);
        Assert.Equal(1, await StartedAsync(lab, 1, "rke2-server"));
        Assert.Equal(1, await StartedAsync(lab, 2, "rke2-agent"));
        Assert.Equal("600", await lab.ExecOkAsync(1, "stat -c %a /etc/rancher/rke2/registries.yaml"));
        Assert.Contains($"password: {Password}", await lab.ExecOkAsync(2, "cat /etc/rancher/rke2/registries.yaml"), StringComparison.Ordinal);
        Assert.Contains("endpoint:\n    - https://registry.lab.test:5000", await lab.ExecOkAsync(1, "cat /etc/rancher/rke2/registries.yaml"), StringComparison.Ordinal);
        Assert.True(await lab.FileExistsAsync(1, Manifest));
        Assert.False(await lab.FileExistsAsync(2, Manifest));
        Assert.Equal("load br_netfilter", await lab.ExecOkAsync(2, "cat /run/rke2-sim/modprobe.log"));
        Assert.True(await lab.FileExistsAsync(2, "/sys/module/br_netfilter"));
        Assert.Equal("install ok installed", await lab.ExecOkAsync(1, "dpkg-query -W -f='${Status}' nfs-common"));
        Assert.Contains("LimitNOFILE=1048576", await lab.ExecOkAsync(2, "systemctl show -p DropInPaths rke2-agent; cat /etc/systemd/system/rke2-agent.service.d/limits.conf"), StringComparison.Ordinal);

        var clean = await rke2c.RunAsync("plan", site);
        Assert.True(clean.Exit == 0, clean.ToString());

        // Drift by hand: the agent's proxy, the server's manifest, and the module gone from the running kernel.
        await lab.ExecOkAsync(2, "echo 'HTTP_PROXY=http://elsewhere:1' > /etc/default/rke2-agent");
        await lab.ExecOkAsync(1, $"echo '# edited' >> {Manifest}");
        await lab.ExecOkAsync(1, "modprobe -r br_netfilter");
        var serverPid = await lab.MainPidAsync(1);
        var agentPid = await lab.MainPidAsync(2, "rke2-agent");

        var drift = await rke2c.RunAsync("plan", site);
        Assert.True(drift.Exit == 2, drift.ToString());
        Assert.Contains("env-file /etc/default/rke2-agent: update (needs restart)", drift.Stdout, StringComparison.Ordinal);
        Assert.Contains("~ HTTP_PROXY: http://elsewhere:1 → http://proxy.lab.test:3128", drift.Stdout, StringComparison.Ordinal);
        Assert.Contains($"manifest {Manifest}: update", drift.Stdout, StringComparison.Ordinal);
        Assert.Contains("- # edited", drift.Stdout, StringComparison.Ordinal);
        Assert.Contains("kernel-module br_netfilter: load (modprobe)", drift.Stdout, StringComparison.Ordinal);
        Assert.Contains("service rke2-agent: restart (env-file /etc/default/rke2-agent changes)", drift.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("service rke2-server", drift.Stdout, StringComparison.Ordinal);

        var remediate = await rke2c.RunAsync("apply", "--yes", site);
        Assert.True(remediate.Exit == 0, remediate.ToString());
        Assert.Equal(serverPid, await lab.MainPidAsync(1)); // manifest and module need no restart
        Assert.NotEqual(agentPid, await lab.MainPidAsync(2, "rke2-agent"));
        Assert.Equal(2, await StartedAsync(lab, 2, "rke2-agent")); // one restart, though two things asked for none and one for it
        Assert.Equal(1, await StartedAsync(lab, 1, "rke2-server"));
        var afterRemediation = await rke2c.RunAsync("plan", site);
        Assert.True(afterRemediation.Exit == 0, afterRemediation.ToString());

        var absent = rke2c.WritePlaybook("site.csx", Playbook(absent: true));
        var removal = await rke2c.RunAsync("apply", "--yes", absent);
        Assert.True(removal.Exit == 0, removal.ToString());
        Assert.False(await lab.FileExistsAsync(1, Manifest));
        Assert.Contains("rke2-ingress-nginx-config.yaml", await lab.ExecOkAsync(1, "ls /var/lib/rancher/rke2c/backups"), StringComparison.Ordinal);
        Assert.NotEqual(0, (await lab.ExecAsync(1, "dpkg-query -W nfs-common")).Exit);
        Assert.Equal(1, await StartedAsync(lab, 1, "rke2-server"));
        var final = await rke2c.RunAsync("plan", absent);
        Assert.True(final.Exit == 0, final.ToString());

        Assert.DoesNotContain(Password, rke2c.EverythingPrintedOrLogged(), StringComparison.Ordinal);
    }
}
