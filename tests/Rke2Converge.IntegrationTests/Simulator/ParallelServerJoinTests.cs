using Rke2Converge.IntegrationTests.Converge;
using Rke2Converge.IntegrationTests.Lab;
using static Rke2Converge.IntegrationTests.Converge.LabPlaybook;

namespace Rke2Converge.IntegrationTests.Simulator;

/// <summary>
/// Servers must join one at a time. Starting two joining servers together (what Ansible roles that start the remaining
/// servers in parallel do) leaves one wedged on "apiserver addresses not yet set"; rke2c joins them in order.
/// </summary>
[Collection(Clusters.Name)]
public sealed class ParallelServerJoinTests
{
    private const string Wedged = "apiserver addresses not yet set";
    private static readonly int[] Joiners = [2, 3];

    [Fact]
    public async Task Two_servers_started_together_by_hand_leave_one_wedged_and_not_active()
    {
        await using var lab = await LabEnvironment.UpAsync("sim-join-by-hand", 3, new LabOptions { Net = 60 });
        var rke2c = new Rke2cDriver(lab.Name);
        var playbook = rke2c.WritePlaybook("first-server.csx", Header(lab) + Node(lab, "Server", "server-1", 1) + JoinOrder("server-1"));
        var bootstrap = await rke2c.RunAsync("apply", "--yes", playbook);
        Assert.True(bootstrap.Exit == 0, bootstrap.ToString());

        foreach (var host in Joiners)
        {
            await lab.WriteConfigAsync(host, ByHand.JoiningServerConfig(lab, 1, rke2c.Token, $"server-{Invariant(host)}"));
            await lab.InstallAsync(host, "v1.32.5+rke2r1");
        }
        await Task.WhenAll(Joiners.Select(host => lab.ExecOkAsync(host, "systemctl start --no-block rke2-server")));

        var wedged = await lab.FirstJournalWithAsync(Joiners, Wedged, TimeSpan.FromMinutes(3));
        Assert.True(wedged is not null, $"no joining server logged '{Wedged}' within 3 min:\n"
            + string.Join("\n", await Task.WhenAll(Joiners.Select(h => lab.JournalAsync(h)))));
        var journal = await lab.JournalAsync(wedged.Value);
        Assert.Contains("too many learner members in cluster", journal, StringComparison.Ordinal);
        Assert.DoesNotContain("rke2 is up and running", journal, StringComparison.Ordinal);
        Assert.NotEqual("active", await lab.ActiveStateAsync(wedged.Value));

        // The other joiner did get in; the wedged one stays out however long it is given.
        var other = Joiners.Single(h => h != wedged.Value);
        var otherActive = await ByHand.EventuallyAsync(async () => await lab.ActiveStateAsync(other) == "active" ? "yes" : null, TimeSpan.FromMinutes(3));
        Assert.True(otherActive is not null, $"server-{Invariant(other)} never became active:\n{await lab.JournalAsync(other)}");
        await Task.Delay(TimeSpan.FromSeconds(5));
        Assert.NotEqual("active", await lab.ActiveStateAsync(wedged.Value));
        Assert.Contains(Wedged, await lab.JournalAsync(wedged.Value), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Rke2c_joins_three_servers_one_at_a_time_and_none_is_wedged()
    {
        await using var lab = await LabEnvironment.UpAsync("sim-join-rke2c", 3, new LabOptions { Net = 61 });
        var rke2c = new Rke2cDriver(lab.Name);
        var playbook = rke2c.WritePlaybook("site.csx", Header(lab)
            + Node(lab, "Server", "server-1", 1) + Node(lab, "Server", "server-2", 2) + Node(lab, "Server", "server-3", 3)
            + JoinOrder("server-1", "server-2", "server-3"));

        var apply = await rke2c.RunAsync("apply", "--yes", playbook);
        Assert.True(apply.Exit == 0, apply.ToString());
        ClusterAssertions.ConvergedOneAtATime(apply.Stdout, "server-1", "server-2", "server-3");
        foreach (var host in new[] { 1, 2, 3 })
        {
            Assert.Equal("active", await lab.ActiveStateAsync(host));
            var journal = await lab.JournalAsync(host);
            Assert.DoesNotContain(Wedged, journal, StringComparison.Ordinal);
            Assert.DoesNotContain("too many learner members", journal, StringComparison.Ordinal);
        }
        var nodes = await lab.ExecOkAsync(1, "/var/lib/rancher/rke2/bin/kubectl --kubeconfig /etc/rancher/rke2/rke2.yaml get nodes");
        Assert.Equal(3, nodes.Split('\n').Count(line => line.Contains(" Ready ", StringComparison.Ordinal)));
    }
}
