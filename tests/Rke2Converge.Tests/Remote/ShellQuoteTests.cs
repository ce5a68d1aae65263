using Rke2Converge.Remote;
using Xunit;

namespace Rke2Converge.Tests.Remote;

public sealed class ShellQuoteTests
{
    private const string Canary = "/tmp/rke2c-quote-pwned";

    [Theory]
    [InlineData("/bin/sh")]
    [InlineData("/bin/bash")]
    public void Every_hostile_word_survives_a_real_shell_unchanged(string shell)
    {
        File.Delete(Canary);

        var output = LocalProcess.Run(shell, ["-c", "printf '%s\\0' " + ShellQuote.Join(HostileStrings.All)]);

        Assert.Equal(0, output.ExitCode);
        Assert.Equal(HostileStrings.All, LocalProcess.NulSeparated(output.Stdout));
        Assert.False(File.Exists(Canary), "a quoted word was executed");
    }

    [Fact]
    public void Words_survive_two_levels_of_shell_as_ssh_runs_them()
    {
        // The login shell parses the outer line; sh -c then gets the inner script and the words as "$@".
        var inner = "printf '%s\\0' \"$@\"";
        var line = ShellQuote.Join(["sh", "-c", inner, "rke2c", .. HostileStrings.All]);

        var output = LocalProcess.Run("/bin/sh", ["-c", line]);

        Assert.Equal(HostileStrings.All, LocalProcess.NulSeparated(output.Stdout));
    }

    [Theory]
    [InlineData("", "''")]
    [InlineData("simple", "simple")]
    [InlineData("/usr/local/bin/rke2", "/usr/local/bin/rke2")]
    [InlineData("it's", "'it'\\''s'")]
    [InlineData("a b", "'a b'")]
    [InlineData("$x", "'$x'")]
    [InlineData("a=b", "'a=b'")]
    [InlineData("~", "'~'")]
    public void Quote_leaves_safe_words_bare_and_single_quotes_the_rest(string word, string expected) =>
        Assert.Equal(expected, ShellQuote.Quote(word));

    [Fact]
    public void Quote_refuses_NUL_which_no_shell_word_can_hold() =>
        Assert.Throws<ArgumentException>(() => ShellQuote.Quote("a\0b"));

    [Fact]
    public void Join_separates_words_with_single_spaces() =>
        Assert.Equal("a 'b c' ''", ShellQuote.Join(["a", "b c", ""]));
}
