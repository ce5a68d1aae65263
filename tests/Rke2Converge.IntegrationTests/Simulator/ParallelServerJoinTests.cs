using Rke2Converge.IntegrationTests.Converge;
using Rke2Converge.IntegrationTests.Lab;
using static Rke2Converge.IntegrationTests.Converge.LabPlaybook;

namespace Rke2Converge.IntegrationTests.Simulator;

/// <summary>
/// Servers joining together (what Ansible roles that start the remaining servers in parallel do): etcd admits one
/// learner at a time, so since k3s-io/k3s#7000 and #7351 the second joiner waits ("too many learner members", or
/// "unhealthy cluster" right after the first one's promotion) and then joins; nothing wedges. rke2c still joins one at a time, each join gated before the next.
/// </summary>
[Collection(Clusters.Name)]
public sealed class ParallelServerJoinTests
{
    // The join retries on either refusal etcd gives while another member is joining: "too many learner members in
    // cluster" while the first joiner is still a learner, "unhealthy cluster" just after it was promoted. Which one
    // the second joiner meets depends on how far apart the two starts land, so the test waits for either.
    private const string LearnerWait = "Waiting for other members to finish joining etcd cluster: etcdserver: ";
    private static readonly int[] Joiners = [2, 3];

    [Fact]
    public async Task Two_servers_started_together_by_hand_both_join_the_second_after_waiting_for_the_first_learner()
    {
        // A slower clock than the default, so the two joins overlap however long the two ssh commands take to start them.
        await using var lab = await LabEnvironment.UpAsync("sim-join-by-hand", 3, new LabOptions { Net = 60, TimeScale = 0.2 });
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

        var waited = await lab.FirstJournalWithAsync(Joiners, LearnerWait, TimeSpan.FromMinutes(3));
        Assert.True(waited is not null, $"no joining server logged '{LearnerWait}' within 3 min:\n"
            + string.Join("\n", await Task.WhenAll(Joiners.Select(h => lab.JournalAsync(h)))));
        foreach (var host in Joiners)
        {
            var up = await ByHand.EventuallyAsync(async () => await lab.ActiveStateAsync(host) == "active" ? "yes" : null, TimeSpan.FromMinutes(3));
            Assert.True(up is not null, $"server-{Invariant(host)} never became active:\n{await lab.JournalAsync(host)}");
            Assert.Equal(1, await lab.StartsAsync(host));
        }
        var journal = await lab.JournalAsync(waited.Value);
        Assert.True(journal.IndexOf(LearnerWait, StringComparison.Ordinal) < journal.IndexOf("rke2 is up and running", StringComparison.Ordinal), journal);
        var members = await ByHand.EventuallyAsync(async () =>
        {
            var nodes = await lab.ExecOkAsync(1, "/var/lib/rancher/rke2/bin/kubectl --kubeconfig /etc/rancher/rke2/rke2.yaml get nodes");
            return nodes.Split('\n').Count(line => line.Contains(" Ready ", StringComparison.Ordinal)) == 3 ? nodes : null;
        }, TimeSpan.FromMinutes(2));
        Assert.True(members is not null, "not all three servers became Ready");
    }

    [Fact]
    public async Task Rke2c_joins_three_servers_one_at_a_time_and_none_waits_on_another()
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
            Assert.DoesNotContain("too many learner members", await lab.JournalAsync(host), StringComparison.Ordinal);
        }
        var nodes = await lab.ExecOkAsync(1, "/var/lib/rancher/rke2/bin/kubectl --kubeconfig /etc/rancher/rke2/rke2.yaml get nodes");
        Assert.Equal(3, nodes.Split('\n').Count(line => line.Contains(" Ready ", StringComparison.Ordinal)));
    }
}
