using System.Globalization;

namespace Rke2Converge.Remote;

/// <summary>
/// Builds the argument list of the system <c>ssh</c> client for one target. Pure: no process is started here,
/// so every flag can be checked in unit tests.
/// </summary>
internal sealed class SshCommandLine(SshTarget target, OpenSshOptions options)
{
    /// <summary>Seconds the remote <c>timeout</c> waits after sending TERM before it sends KILL.</summary>
    public const int RemoteKillAfterSeconds = 5;

    /// <summary>The script's $0 on the remote side, which shows up in its error messages.</summary>
    public const string ScriptName = "rke2c";

    public SshTarget Target { get; } = target;

    public OpenSshOptions Options { get; } = options;

    /// <summary>Commands go through <c>sudo -n</c> when logging in as a named user other than root.</summary>
    public bool UsesSudo => NeedsSudo(Target);

    public static bool NeedsSudo(SshTarget target) => target.Ssh.User is { } user && user != "root";

    /// <summary>The port ssh will use as far as rke2c knows (ssh_config may still override an unset one).</summary>
    public int PortForDisplay => Target.Ssh.Port ?? 22;

    /// <summary>Options selecting the host, user, keys and multiplexing; shared by commands and master control.</summary>
    public IReadOnlyList<string> ConnectionArguments()
    {
        var arguments = new List<string>
        {
            "-o", "BatchMode=yes",
            "-o", "StrictHostKeyChecking=yes",
            "-o", $"ConnectTimeout={WholeSeconds(Options.ConnectTimeout)}",
            "-o", $"ServerAliveInterval={WholeSeconds(Options.ServerAliveInterval)}",
            "-o", "ControlMaster=auto",
            "-o", $"ControlPath={OptionValue(EscapePercent(Options.ControlDirectory) + "/" + MasterName())}",
            "-o", $"ControlPersist={WholeSeconds(Options.ControlPersist)}s",
        };
        if (Target.KnownHostsFile is { } knownHosts)
        {
            arguments.AddRange(["-o", $"UserKnownHostsFile={OptionValue(EscapePercent(knownHosts))}"]);
        }
        if (Target.Ssh.Port is { } port) arguments.AddRange(["-p", port.ToString(CultureInfo.InvariantCulture)]);
        if (Target.Ssh.User is { } user) arguments.AddRange(["-l", user]);
        if (Target.Ssh.IdentityFile is { } identity)
        {
            arguments.AddRange(["-i", EscapePercent(identity), "-o", "IdentitiesOnly=yes"]);
        }
        return arguments;
    }

    /// <summary>
    /// The master socket's name: 24 hex digits of a SHA-256 over the destination (address, port, user) and the trust
    /// it is opened under (the known_hosts file, the identity). ssh's own <c>%C</c> hashes the destination only, and a
    /// command sent through an open master never checks a host key again, so a run that pins other keys or logs in
    /// with another identity must not ride a master another run opened. Short enough that ssh's temporary suffix
    /// still fits a socket path under a long control directory.
    /// </summary>
    private string MasterName()
    {
        var identity = $"{Target.Address}\0{Target.Ssh.Port}\0{Target.Ssh.User}\0{Target.Ssh.IdentityFile}\0{Target.KnownHostsFile}";
        return Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(identity)))[..24];
    }

    /// <summary>Runs <paramref name="command"/> without a terminal; the remote command line is the last argument.</summary>
    public IReadOnlyList<string> ForCommand(RemoteCommand command) =>
        [.. ConnectionArguments(), "-T", "--", Target.Address, RemoteCommandLine(command)];

    /// <summary>Sends a multiplexing control request such as <c>check</c> or <c>exit</c> to the master.</summary>
    public IReadOnlyList<string> ForControl(string operation) =>
        [.. ConnectionArguments(), "-O", operation, "--", Target.Address];

    /// <summary>
    /// What the remote login shell runs: <c>[sudo -n] timeout -k 5 N sh -c SCRIPT rke2c ARGS...</c>, every
    /// variable part single-quoted, so neither the login shell nor sh reinterprets script or arguments.
    /// </summary>
    public string RemoteCommandLine(RemoteCommand command) => RemoteCommandLine(command, UsesSudo);

    /// <summary>The same remote command line for any transport that hands a command string to the login shell.</summary>
    public static string RemoteCommandLine(RemoteCommand command, bool sudo)
    {
        ArgumentNullException.ThrowIfNull(command);
        var words = new List<string>();
        if (sudo) words.AddRange(["sudo", "-n"]);
        words.AddRange(
        [
            "timeout", "-k", RemoteKillAfterSeconds.ToString(CultureInfo.InvariantCulture),
            RemoteTimeoutSeconds(command.Timeout).ToString(CultureInfo.InvariantCulture),
            "sh", "-c", command.Script, ScriptName,
        ]);
        words.AddRange(command.Arguments);
        return ShellQuote.Join(words);
    }

    /// <summary>The command timeout in whole seconds, rounded up, at least one.</summary>
    public static int RemoteTimeoutSeconds(TimeSpan timeout) => WholeSeconds(timeout);

    private static int WholeSeconds(TimeSpan span) => Math.Max(1, (int)Math.Ceiling(span.TotalSeconds));

    // ssh expands %-tokens in the path options used here.
    private static string EscapePercent(string path) => path.Replace("%", "%%", StringComparison.Ordinal);

    // ssh splits -o values on whitespace and honours double quotes with backslash escapes.
    private static string OptionValue(string value)
    {
        if (!value.Any(c => char.IsWhiteSpace(c) || c is '"' or '\'')) return value;
        return "\"" + value.Replace(@"\", @"\\", StringComparison.Ordinal)
            .Replace("\"", "\\\"", StringComparison.Ordinal) + "\"";
    }
}
