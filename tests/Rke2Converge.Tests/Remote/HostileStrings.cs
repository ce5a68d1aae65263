namespace Rke2Converge.Tests.Remote;

/// <summary>Words that break naive quoting, for round-trip tests.</summary>
internal static class HostileStrings
{
    public static readonly string[] All =
    [
        "",
        " ",
        "plain",
        "'",
        "''",
        "it's",
        "'\\''",
        "\"",
        "\"double\" and 'single'",
        "$(touch /tmp/rke2c-quote-pwned)",
        "`touch /tmp/rke2c-quote-pwned`",
        "$HOME ${PATH} $0 $1 $@ $*",
        "a\nb\n",
        "\n",
        "\r\n",
        "tab\there",
        "back\\slash\\",
        "\\'",
        "*",
        "~",
        "~root",
        "!event",
        "# not a comment",
        "-n",
        "-e",
        "--",
        "%s%d%%",
        "a=b",
        "; rm -rf /tmp/rke2c-quote-pwned",
        "&& || | & > < >> 2>&1",
        "{a,b}",
        "[abc]?",
        "ünïcødé 日本語 🚀",
        "\u0001\u001b[31m\u007f",
        "  leading and trailing  ",
    ];
}
