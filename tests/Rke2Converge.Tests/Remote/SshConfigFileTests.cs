using Rke2Converge.Remote.SshNet;
using Xunit;

namespace Rke2Converge.Tests.Remote;

public sealed class SshConfigFileTests
{
    [Fact]
    public void First_value_wins_across_sections_and_identity_files_add_up()
    {
        var config = SshConfigFile.Parse("""
            # comment
            Host web-*
              HostName 10.0.0.5
              User deploy
              IdentityFile ~/.ssh/web
            Host *
              User nobody
              Port 2200
              IdentityFile ~/.ssh/id_other
            """);

        var web = config.For("web-1");
        var other = config.For("db");

        Assert.Equal(new SshHostConfig("10.0.0.5", "deploy", 2200, web.IdentityFiles, null), web);
        Assert.Equal(["~/.ssh/web", "~/.ssh/id_other"], web.IdentityFiles);
        Assert.Null(other.HostName);
        Assert.Equal("nobody", other.User);
    }

    [Fact]
    public void Global_lines_before_any_host_apply_to_all_and_win()
    {
        var config = SshConfigFile.Parse("User first\nHost a\n  User second\n");

        Assert.Equal("first", config.For("a").User);
        Assert.Equal("first", config.For("b").User);
    }

    [Theory]
    [InlineData("a b c", "b", true)]
    [InlineData("*.example.com", "node.EXAMPLE.com", true)]
    [InlineData("*.example.com", "example.com", false)]
    [InlineData("node-?", "node-1", true)]
    [InlineData("node-?", "node-12", false)]
    [InlineData("* !bastion", "bastion", false)]
    [InlineData("* !bastion", "node", true)]
    [InlineData("!bastion", "node", false)]
    [InlineData("n*e*", "nxxexx", true)]
    public void Host_patterns_follow_ssh(string patterns, string host, bool matches) =>
        Assert.Equal(matches, SshConfigFile.HostMatches(patterns.Split(' '), host));

    [Fact]
    public void Match_sections_are_skipped_until_the_next_host()
    {
        var config = SshConfigFile.Parse("""
            Match host a exec "true"
              User frommatch
            Host a
              User fromhost
            """);

        Assert.Equal("fromhost", config.For("a").User);
    }

    [Fact]
    public void Keywords_are_case_insensitive_with_equals_signs_quotes_and_trailing_comments()
    {
        var config = SshConfigFile.Parse("HOST=a\n\tHOSTNAME = 10.1.1.1 # the box\n  identityfile \"/keys/my key\"\n  port=2022\n");

        var a = config.For("a");

        Assert.Equal("10.1.1.1", a.HostName);
        Assert.Equal(2022, a.Port);
        Assert.Equal(["/keys/my key"], a.IdentityFiles);
    }

    [Fact]
    public void Unknown_keys_and_include_are_ignored()
    {
        var config = SshConfigFile.Parse("Include ~/.ssh/conf.d/*\nHost a\n  ForwardAgent yes\n  User u\n");

        Assert.Equal("u", config.For("a").User);
    }

    [Theory]
    [InlineData("Host a\n  Port ssh\n", "cfg:2: bad Port 'ssh'")]
    [InlineData("Host a\n  Port 70000\n", "cfg:2: bad Port '70000'")]
    [InlineData("Host\n", "cfg:1: Host needs at least one pattern")]
    [InlineData("Host a\n  User \"x\n", "cfg:2: unbalanced quotes")]
    public void Values_ssh_would_refuse_name_file_and_line(string text, string message)
    {
        var error = Assert.Throws<FormatException>(() => SshConfigFile.Parse(text, "cfg"));

        Assert.Equal(message, error.Message);
    }

    [Fact]
    public void A_missing_file_is_an_empty_configuration()
    {
        var config = SshConfigFile.Load(Path.Combine(Path.GetTempPath(), "no-such-ssh-config-" + Guid.NewGuid()));
        var a = config.For("a");

        Assert.Equal(SshHostConfig.Empty with { IdentityFiles = a.IdentityFiles }, a);
        Assert.Empty(a.IdentityFiles);
    }

    [Fact]
    public void Expand_replaces_home_and_tokens()
    {
        var tokens = new Dictionary<char, string> { ['h'] = "10.0.0.5", ['r'] = "root", ['u'] = "me" };

        Assert.Equal("/home/me/.ssh/root@10.0.0.5-me%", SshConfigFile.Expand("~/.ssh/%r@%h-%u%%", "/home/me", tokens));
        Assert.Equal("/home/me/k", SshConfigFile.Expand("%d/k", "/home/me", tokens));
        Assert.Contains("%C", Assert.Throws<FormatException>(() => SshConfigFile.Expand("~/.ssh/%C", "/h", tokens)).Message);
        Assert.Throws<FormatException>(() => SshConfigFile.Expand("~other/key", "/h", tokens));
    }

    [Theory]
    [InlineData("bastion", null, "bastion", null)]
    [InlineData("ops@bastion:2222", "ops", "bastion", 2222)]
    [InlineData("ssh://ops@bastion:2222", "ops", "bastion", 2222)]
    [InlineData("[fd00::1]:22", null, "fd00::1", 22)]
    [InlineData("a@b@bastion", "a@b", "bastion", null)]
    public void ProxyJump_single_hop_parses(string value, string? user, string host, int? port) =>
        Assert.Equal(new SshJump(user, host, port), SshJump.Parse(value));

    [Fact]
    public void ProxyJump_none_means_no_jump_and_several_hops_are_refused()
    {
        Assert.Null(SshJump.Parse("none"));
        Assert.Contains("one host only", Assert.Throws<FormatException>(() => SshJump.Parse("a,b")).Message);
        Assert.Contains("bad port", Assert.Throws<FormatException>(() => SshJump.Parse("a:x")).Message);
        Assert.Throws<FormatException>(() => SshJump.Parse("@a"));
    }
}
