using Rke2Converge.IntegrationTests.Lab;
using static Rke2Converge.IntegrationTests.Converge.LabPlaybook;

namespace Rke2Converge.IntegrationTests.Converge;

[Collection(Clusters.Name)]
public sealed class RegistrationAddressTests
{
    /// <summary>
    /// The lab has no load balancer, so the registration address is the first server's supervisor under its own
    /// name; what is checked is that the agent is told that address and joins through it. The sysctl file comes from a
    /// template next to the playbook.
    /// </summary>
    [Fact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public async Task An_agent_joins_through_the_registration_address_templates_next_to_the_playbook_are_used_and_kubeconfig_points_there()
    {
        await using var lab = await LabEnvironment.UpAsync("it-regaddr", 2, new LabOptions { Net = 100 });
        var rke2c = new Rke2cDriver(lab.Name);
        var registration = $"https://{Address(lab, 1)}:9345";
        var playbook = rke2c.WritePlaybook("site.csx", Header(lab)
            + $"Cluster(\"it-{lab.Name}\").RegistrationAddress(\"{registration}\");\n"
            + Node(lab, "Server", "server-1", 1) + Node(lab, "Agent", "agent-1", 2));
        Directory.CreateDirectory(Path.Combine(rke2c.WorkDirectory, "templates"));
        await File.WriteAllTextAsync(Path.Combine(rke2c.WorkDirectory, "templates", "sysctl.conf.scriban"),
            "# site template for {{ node }}\n{{~ for s in sysctls ~}}\n{{ s.key }} = {{ s.value }}\n{{~ end ~}}\n");

        var plan = await rke2c.RunAsync("plan", playbook);
        Assert.True(plan.Exit == 2, plan.ToString());
        Assert.Contains($"register through the registration address {registration}", plan.Stdout.ReplaceLineEndings(" "), StringComparison.Ordinal);

        var apply = await rke2c.RunAsync("apply", "--yes", playbook);
        Assert.True(apply.Exit == 0, apply.ToString());
        Assert.DoesNotContain("server:", await lab.ExecOkAsync(1, "cat /etc/rancher/rke2/config.yaml"), StringComparison.Ordinal);
        Assert.Contains($"server: {registration}", await lab.ExecOkAsync(2, "cat /etc/rancher/rke2/config.yaml"), StringComparison.Ordinal);
        var nodes = await lab.ExecOkAsync(1, "/var/lib/rancher/rke2/bin/kubectl --kubeconfig /etc/rancher/rke2/rke2.yaml get nodes");
        Assert.Equal(2, nodes.Split('\n').Count(line => line.Contains(" Ready ", StringComparison.Ordinal)));
        Assert.StartsWith("# site template for agent-1\n", await lab.ExecOkAsync(2, "cat /etc/sysctl.d/90-rke2c.conf") + "\n", StringComparison.Ordinal);

        var again = await rke2c.RunAsync("plan", playbook);
        Assert.True(again.Exit == 0, again.ToString());

        // The admin kubeconfig, pointed at the registration address's host on the API port, works from there.
        var file = Path.Combine(rke2c.WorkDirectory, "admin.yaml");
        var kubeconfig = await rke2c.RunAsync("kubeconfig", playbook, "-o", file);
        Assert.True(kubeconfig.Exit == 0, kubeconfig.ToString());
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(file));
        var fetched = await File.ReadAllTextAsync(file);
        Assert.Contains($"server: https://{Address(lab, 1)}:6443", fetched, StringComparison.Ordinal);
        Assert.Contains("client-key-data:", fetched, StringComparison.Ordinal);
        var viaFetched = await lab.ExecOkAsync(1, $"/var/lib/rancher/rke2/bin/kubectl --kubeconfig {file} get nodes");
        Assert.Equal(2, viaFetched.Split('\n').Count(line => line.Contains(" Ready ", StringComparison.Ordinal)));
        var toStdout = await rke2c.RunAsync("kubeconfig", playbook);
        Assert.True(toStdout.Exit == 0, toStdout.ToString());
        Assert.Equal(fetched, toStdout.Stdout);

        // A node the playbook no longer declares is reported, never touched.
        var withoutAgent = rke2c.WritePlaybook("server-only.csx", Header(lab)
            + $"Cluster(\"it-{lab.Name}\").RegistrationAddress(\"{registration}\");\n" + Node(lab, "Server", "server-1", 1));
        var planWithout = await rke2c.RunAsync("plan", withoutAgent);
        Assert.True(planWithout.Exit == 0, planWithout.ToString());
        Assert.Contains("node agent-1 is in the cluster (kubectl get nodes on server-1) but not in the playbook: rke2c leaves it alone.",
            planWithout.Stdout.ReplaceLineEndings(" "), StringComparison.Ordinal);
    }
}
