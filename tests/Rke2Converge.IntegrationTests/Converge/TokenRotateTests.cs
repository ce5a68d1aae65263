using System.Security.Cryptography;
using Rke2Converge.IntegrationTests.Lab;
using static Rke2Converge.IntegrationTests.Converge.LabPlaybook;

namespace Rke2Converge.IntegrationTests.Converge;

/// <summary><c>rke2c token rotate</c>: RKE2's rotation, then the new token on every node, servers first, one at a time.</summary>
[Collection(Clusters.Name)]
public sealed class TokenRotateTests
{
    private const string Kubectl = "/var/lib/rancher/rke2/bin/kubectl --kubeconfig /etc/rancher/rke2/rke2.yaml";

    [Fact]
    public async Task Token_rotate_leaves_every_node_joined_with_the_new_token_and_a_new_node_joins_with_it()
    {
        await using var lab = await LabEnvironment.UpAsync("it-token-rotate", 4, new LabOptions { Net = 161 });
        var rke2c = new Rke2cDriver(lab.Name);
        var nodes = Node(lab, "Server", "server-1", 1) + Node(lab, "Server", "server-2", 2) + Node(lab, "Agent", "agent-1", 3) + JoinOrder("server-1", "server-2");
        var playbook = rke2c.WritePlaybook("site.csx", Header(lab) + nodes);
        var bootstrap = await rke2c.RunAsync("apply", "--yes", playbook);
        Assert.True(bootstrap.Exit == 0, bootstrap.ToString());
        var oldToken = rke2c.Token;
        var newToken = "tok-rotated-" + Convert.ToHexString(RandomNumberGenerator.GetBytes(12)).ToLowerInvariant();

        var refused = await rke2c.RunWithTokenAsync(newToken, "plan", playbook);
        Assert.True(refused.Exit == 1, refused.ToString());
        Assert.Contains("rke2c token rotate PLAYBOOK", refused.Stdout, StringComparison.Ordinal);

        var rotate = await rke2c.RunWithTokenAsync(newToken, "token", "rotate", "--yes", playbook);

        Assert.True(rotate.Exit == 0, rotate.ToString());
        Assert.Contains("server-1: Token rotated, restart rke2 nodes with new token", rotate.Stdout, StringComparison.Ordinal);
        ClusterAssertions.ConvergedOneAtATime(rotate.Stdout, "server-1", "server-2", "agent-1");
        foreach (var host in new[] { 1, 2, 3 })
        {
            Assert.Equal("1", await lab.ExecOkAsync(host, $"grep -c '^token: {newToken}$' /etc/rancher/rke2/config.yaml || true"));
        }
        foreach (var host in new[] { 1, 2 }) Assert.EndsWith($"::server:{newToken}", await lab.ExecOkAsync(host, "cat /var/lib/rancher/rke2/server/token"), StringComparison.Ordinal);
        var settled = await rke2c.RunWithTokenAsync(newToken, "plan", playbook);
        Assert.True(settled.Exit == 0, settled.ToString());
        var again = await rke2c.RunWithTokenAsync(newToken, "token", "rotate", "--yes", playbook);
        Assert.True(again.Exit == 0, again.ToString());
        Assert.Contains("already holds the new token", again.Stdout, StringComparison.Ordinal);

        // The old token no longer authenticates as the server.
        var stale = await lab.ExecAsync(1, $"/usr/local/bin/rke2 token rotate --token {oldToken} --new-token x-{oldToken}");
        Assert.True(stale.Exit != 0, stale.ToString());
        Assert.Contains("401 Unauthorized", stale.Stdout + stale.Stderr, StringComparison.Ordinal);

        var grown = rke2c.WritePlaybook("site.csx", Header(lab) + nodes + Node(lab, "Agent", "agent-2", 4));
        var join = await rke2c.RunWithTokenAsync(newToken, "apply", "--yes", grown);

        Assert.True(join.Exit == 0, join.ToString());
        var ready = await lab.ExecOkAsync(1, $"{Kubectl} get nodes");
        Assert.Equal(4, ready.Split('\n').Count(line => line.Split(' ', StringSplitOptions.RemoveEmptyEntries) is [_, "Ready", ..]));
        var everything = rke2c.EverythingPrintedOrLogged();
        Assert.DoesNotContain(oldToken, everything, StringComparison.Ordinal);
        Assert.DoesNotContain(newToken, everything, StringComparison.Ordinal);
    }
}
