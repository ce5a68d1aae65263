using Rke2Converge.Facts;
using Rke2Converge.Tests.Remote;
using Xunit;

namespace Rke2Converge.Tests.Facts;

/// <summary>The whole path: gatherer, OpenSSH client, a real sshd, the script on the "node" (this machine), parser.</summary>
[Collection(SshdCollection.Name)]
public sealed class FactsOverSshTests(SshdLab lab)
{
    [Fact]
    public async Task Gathers_facts_from_hosts_through_a_real_sshd_in_one_round_trip_each()
    {
        var factory = lab.NewFactory("cm-facts");
        var nodes = new[] { "node-1", "node-2", "node-3" }.Select(name => SshdLab.Node(name)).ToList();
        var requests = nodes.Select(node => new FactRequest(
            node, factory.Open(node, lab.Ssh, lab.KnownHostsFile), ["kernel.ostype", "net.ipv4.tcp_rmem", "no.such"]));

        var facts = await new FactGatherer(maxParallel: 2).GatherAsync(requests, default);

        var hostname = LocalProcess.RunChecked("uname", "-n").StdoutText.Trim();
        var rmem = string.Join(' ', File.ReadAllText("/proc/sys/net/ipv4/tcp_rmem").Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
        Assert.Equal(3, facts.Count);
        Assert.All(facts.Values, f =>
        {
            Assert.Equal(hostname, f.Hostname);
            Assert.Equal("Linux", f.Sysctls["kernel.ostype"]);
            Assert.Equal(rmem, f.Sysctls["net.ipv4.tcp_rmem"]);
            Assert.Null(f.Sysctls["no.such"]);
        });
    }

    [Fact]
    public async Task An_unreachable_host_is_listed_without_hiding_the_reachable_ones()
    {
        var factory = lab.NewFactory("cm-facts-dead");
        var good = SshdLab.Node("good");
        var dead = SshdLab.Node("dead", SshdLab.DeadAddress);
        FactRequest[] requests =
        [
            new(good, factory.Open(good, lab.Ssh, lab.KnownHostsFile), []),
            new(dead, factory.Open(dead, lab.Ssh, lab.KnownHostsFile), []),
        ];

        var error = await Assert.ThrowsAsync<FactGatheringException>(() => new FactGatherer().GatherAsync(requests, default));

        var failure = Assert.Single(error.Failures);
        Assert.Equal("dead", failure.Node);
        Assert.Contains("Connection refused", error.Message);
    }
}
