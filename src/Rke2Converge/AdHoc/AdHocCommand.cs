using System.Security.Cryptography;
using System.Text;
using Rke2Converge.Remote;

namespace Rke2Converge.AdHoc;

/// <summary>
/// The operator's own shell command line for <c>rke2c exec</c>: sent as given, as the script the node's
/// <c>sh -c</c> runs (as root, through sudo when the playbook logs in as another user), killed after
/// <see cref="Timeout"/>. Words given separately are joined with spaces, as <c>ssh host a b</c> joins them.
/// It is the user's text, so rke2c neither quotes it nor logs it: only its length and hash reach the run log.
/// </summary>
internal sealed record AdHocCommand
{
    public AdHocCommand(IReadOnlyList<string> words, TimeSpan timeout)
    {
        ArgumentNullException.ThrowIfNull(words);
        if (timeout <= TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(timeout), "the timeout must be positive");
        CommandLine = string.Join(' ', words);
        if (CommandLine.Trim().Length == 0) throw new ArgumentException("rke2c exec needs a command after --", nameof(words));
        if (CommandLine.Contains('\0', StringComparison.Ordinal)) throw new ArgumentException("the command contains a NUL character", nameof(words));
        Timeout = timeout;
    }

    public string CommandLine { get; }

    public TimeSpan Timeout { get; }

    /// <summary>The first 12 hex digits of the command's SHA-256, what the log and the lock record instead of the text.</summary>
    public string ShortHash => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(CommandLine)))[..12];

    public RemoteCommand ToRemote() => new($"exec {ShortHash}", CommandLine) { Timeout = Timeout };
}
