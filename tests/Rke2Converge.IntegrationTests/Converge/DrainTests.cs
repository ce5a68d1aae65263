using Rke2Converge.IntegrationTests.Lab;
using static Rke2Converge.IntegrationTests.Converge.LabPlaybook;

namespace Rke2Converge.IntegrationTests.Converge;

[Collection(Clusters.Name)]
public sealed class DrainTests
{
    private const string Kubectl = "/var/lib/rancher/rke2/bin/kubectl --kubeconfig /etc/rancher/rke2/rke2.yaml";

    [Fact]
    public async Task A_drain_blocked_by_a_PodDisruptionBudget_stops_the_line_with_the_node_cordoned_and_resumes_once_the_budget_is_relaxed()
    {
        await using var lab = await LabEnvironment.UpAsync("it-drain", 2, new LabOptions { Net = 155 });
        var rke2c = new Rke2cDriver(lab.Name);
        string Playbook(string version) => Header(lab, version)
            + "Upgrade.Drain(NodeRole.Agent, timeout: TimeSpan.FromSeconds(12));\n"
            + Node(lab, "Server", "server-1", 1) + Node(lab, "Agent", "agent-1", 2);
        var bootstrap = await rke2c.RunAsync("apply", "--yes", rke2c.WritePlaybook("site.csx", Playbook("v1.31.9+rke2r1")));
        Assert.True(bootstrap.Exit == 0, bootstrap.ToString());
        await KubectlAsync(lab, "create deployment web --image=nginx --replicas=2");
        await KubectlAsync(lab, "create pdb web --selector=app=web --min-available=2");
        Assert.Equal("agent-1 server-1", string.Join(' ', (await PodNodesAsync(lab)).Order(StringComparer.Ordinal)));
        Assert.Equal("0", await lab.ExecOkAsync(1, $"{Kubectl} get pdb web -o jsonpath='{{.status.disruptionsAllowed}}'"));

        var playbook = rke2c.WritePlaybook("site.csx", Playbook("v1.32.5+rke2r1"));
        var plan = await rke2c.RunAsync("plan", playbook);
        Assert.Contains("kubectl drain agent-1 --ignore-daemonsets --delete-emptydir-data --timeout=12s (on server-1)", plan.Stdout, StringComparison.Ordinal);
        Assert.Contains("kubectl cordon server-1 (on server-1)", plan.Stdout, StringComparison.Ordinal);

        var blocked = await rke2c.RunAsync("apply", "--yes", playbook);

        Assert.True(blocked.Exit == 1, blocked + "\n--- pods\n" + (await lab.ExecAsync(1, $"{Kubectl} get pods -o json; {Kubectl} get pdb -o json")).Stdout);
        Assert.Matches(@"default/web-[0-9a-f]{10}-[0-9a-f]{5}: Cannot evict pod as it would violate the pod's disruption budget\.", blocked.Output);
        Assert.Contains("agent-1 is left cordoned and otherwise unchanged", blocked.Output, StringComparison.Ordinal);
        Assert.Equal("true", await lab.ExecOkAsync(1, $"{Kubectl} get node agent-1 -o jsonpath='{{.spec.unschedulable}}'"));
        Assert.StartsWith("rke2 version v1.31.9+rke2r1", await lab.ExecOkAsync(2, "rke2 --version"), StringComparison.Ordinal);
        Assert.Equal("", await lab.ExecOkAsync(1, $"{Kubectl} get node server-1 -o jsonpath='{{.spec.unschedulable}}'"));

        await KubectlAsync(lab, """patch pdb web -p '{"spec":{"minAvailable":1}}'""");
        var resumed = await rke2c.RunAsync("apply", "--yes", playbook);

        Assert.True(resumed.Exit == 0, resumed.ToString());
        Assert.DoesNotContain("server-1: converging", resumed.Stdout, StringComparison.Ordinal);
        Assert.StartsWith("rke2 version v1.32.5+rke2r1", await lab.ExecOkAsync(2, "rke2 --version"), StringComparison.Ordinal);
        Assert.Equal("", await lab.ExecOkAsync(1, $"{Kubectl} get node agent-1 -o jsonpath='{{.spec.unschedulable}}'"));
        // The evicted pod was replaced while agent-1 was cordoned, so both now run on server-1.
        Assert.Equal("server-1 server-1", string.Join(' ', await PodNodesAsync(lab)));
    }

    /// <summary>
    /// A kubectl write on server-1, retried while its API server is briefly away (the simulated kube-apiserver
    /// restarts once after a start, as RKE2's does); "already exists" means an earlier attempt went through.
    /// </summary>
    internal static async Task KubectlAsync(LabEnvironment lab, string arguments, int host = 1)
    {
        var last = "";
        for (var attempt = 0; attempt < 90; attempt++)
        {
            var (exit, stdout, stderr) = await lab.ExecAsync(host, $"{Kubectl} {arguments}");
            if (exit == 0 || stderr.Contains("already exists", StringComparison.Ordinal)) return;
            last = stdout + stderr;
            await Task.Delay(TimeSpan.FromSeconds(1));
        }
        Assert.Fail($"kubectl {arguments} kept failing: {last}");
    }

    private static async Task<IReadOnlyList<string>> PodNodesAsync(LabEnvironment lab) =>
        (await lab.ExecOkAsync(1, $"{Kubectl} get pods -l app=web -o jsonpath='{{.items[*].spec.nodeName}}'")).Split(' ', StringSplitOptions.RemoveEmptyEntries);
}
