using Rke2Sim.Cli.Rke2;
using Xunit;

namespace Rke2Converge.Tests.Simulator;

public sealed class UrfaveArgumentsTests
{
    private static readonly (string[] Names, bool TakesValue)[] Flags = [(["token", "t"], true), (["new-token"], true), (["force", "f"], false)];

    [Theory]
    [InlineData("--bogus", "flag provided but not defined: -bogus")]
    [InlineData("-x", "flag provided but not defined: -x")]
    [InlineData("--token", "flag needs an argument: -token")]
    [InlineData("---token", "bad flag syntax: ---token")]
    public void RefusesWhatUpstreamRefuses(string arg, string error) =>
        Assert.Equal(error, UrfaveArguments.Parse([arg], Flags).Error);

    [Theory]
    [InlineData("--help")]
    [InlineData("-h")]
    public void HelpIsRequestedAndNothingElse(string arg)
    {
        var parsed = UrfaveArguments.Parse(["--new-token", "n", arg], Flags);
        Assert.True(parsed.HelpRequested);
        Assert.Null(parsed.Error);
    }

    [Fact]
    public void ValuesByAnyNameAndFormAndPositionalsAfterTheFlags()
    {
        var parsed = UrfaveArguments.Parse(["-t=old", "--new-token", "new", "-f", "rest", "--not-a-flag"], Flags);
        Assert.Null(parsed.Error);
        Assert.Equal("old", parsed.Value("token"));
        Assert.Equal("new", parsed.Value("new-token"));
        Assert.True(parsed.Has("force"));
        Assert.Equal(["rest", "--not-a-flag"], parsed.Positional);
    }
}
