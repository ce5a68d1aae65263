using Rke2Sim.Cluster;
using Xunit;

namespace Rke2Converge.Tests.Simulator;

/// <summary>The simulator's <c>rke2 token rotate</c> at the cluster authority (sim/Rke2Sim/README.md, "Token rotation").</summary>
public sealed class TokenRotationTests
{
    private static ClusterAuthority Authority() =>
        new(new ClusterState { Token = "old" }, stateFile: null, () => DateTimeOffset.UtcNow, TimeSpan.FromSeconds(40));

    [Fact]
    public void Only_the_current_server_token_may_rotate()
    {
        var authority = Authority();

        Assert.Equal(401, authority.RotateToken("wrong", "new").Status);
        Assert.True(authority.TokenMatches("old"));
    }

    [Fact]
    public void After_a_rotation_joins_need_the_new_token_while_running_nodes_keep_their_sessions()
    {
        var authority = Authority();

        Assert.Equal("new", authority.RotateToken("old", "new").Value);

        Assert.True(authority.TokenMatches("new"));
        Assert.False(authority.TokenMatches("old"));
        Assert.True(authority.SessionTokenMatches("old"));
        Assert.False(authority.SessionTokenMatches("never"));
        Assert.Equal(401, authority.RotateToken("old", "newer").Status);
    }

    [Fact]
    public void Without_a_new_token_the_server_picks_a_random_one()
    {
        var authority = Authority();

        var token = authority.RotateToken("old", null).Value;

        Assert.False(string.IsNullOrEmpty(token));
        Assert.NotEqual("old", token);
        Assert.True(authority.TokenMatches(token));
    }
}
