using Rke2Converge.IntegrationTests.Lab;
using static Rke2Converge.IntegrationTests.Converge.LabPlaybook;

namespace Rke2Converge.IntegrationTests.Converge;

[Collection(Clusters.Name)]
public sealed class TransportTests
{
    [Fact]
    public async Task A_cluster_converged_over_ssh_net_is_clean_to_the_openssh_client_and_back()
    {
        await using var lab = await LabEnvironment.UpAsync("it-sshnet", 2, new LabOptions { Net = 58 });
        var rke2c = new Rke2cDriver(lab.Name);
        var playbook = rke2c.WritePlaybook("site.csx", Header(lab)
            + Node(lab, "Server", "server-1", 1) + Node(lab, "Agent", "agent-1", 2) + JoinOrder("server-1"));

        var apply = await rke2c.RunAsync("apply", "--yes", playbook, "--transport", "sshnet");

        Assert.True(apply.Exit == 0, apply.ToString());
        ClusterAssertions.ConvergedOneAtATime(apply.Stdout, "server-1", "agent-1");
        Assert.Equal("10", await lab.ExecOkAsync(2, "cat /proc/sys/vm/swappiness"));
        var overOpenSsh = await rke2c.RunAsync("plan", playbook, "--transport", "openssh");
        Assert.True(overOpenSsh.Exit == 0, overOpenSsh.ToString());
        var overSshNet = await rke2c.RunAsync("plan", playbook, "--transport", "sshnet");
        Assert.True(overSshNet.Exit == 0, overSshNet.ToString());
        Assert.DoesNotContain(rke2c.Token, rke2c.EverythingPrintedOrLogged(), StringComparison.Ordinal);
    }
}
