namespace Rke2Converge.Remote;

/// <summary>Tells ssh's own failures (exit 255) apart from a remote command that exited 255, and explains them.</summary>
internal static class SshFailure
{
    /// <summary>The ssh client exits 255 on its own errors; a remote command can, too, so stderr decides.</summary>
    public const int SshErrorExitCode = 255;

    private static readonly string[] HostKeyProblems =
    [
        "Host key verification failed",
        "REMOTE HOST IDENTIFICATION HAS CHANGED",
        "host key is known for",
        "Host key for",
    ];

    private static readonly string[] ClientErrors =
    [
        "ssh: ",
        "Permission denied (",
        "Connection closed by",
        "Connection reset by",
        "Connection timed out",
        "Connection refused",
        "kex_exchange_identification",
        "Could not resolve hostname",
        "No route to host",
        "Control socket connect",
        "mux_client_",
        "muxclient:",
        "ControlPath",
        "Timeout, server",
        "Load key",
        "Bad owner or permissions",
        "Bad configuration option",
        "Too many authentication failures",
    ];

    // GNU timeout exits 124 when it stopped the command, 137 when the command also needed KILL.
    private static readonly int[] RemoteTimeoutExitCodes = [124, 137];

    /// <summary>The remote <c>timeout</c> ended the command (a script exiting 124 early is just a result).</summary>
    public static bool IsRemoteTimeout(int exitCode, TimeSpan elapsed, TimeSpan timeout) =>
        RemoteTimeoutExitCodes.Contains(exitCode) && elapsed >= timeout;

    /// <summary>Host, command, the limit and whatever the command said on its way out.</summary>
    public static RemoteTimeoutException TimedOut(SshTarget target, RemoteCommand command, string stderr) =>
        new($"{target.NodeName}: '{command.Description}' on {target.Address} timed out after " +
            $"{SshCommandLine.RemoteTimeoutSeconds(command.Timeout)}s" +
            (stderr.Trim().Length > 0 ? $"; stderr: {stderr.Trim()}" : ""));

    public static bool IsSshError(int exitCode, string stderr) =>
        exitCode == SshErrorExitCode
        && (IsHostKeyProblem(stderr) || ClientErrors.Any(marker => stderr.Contains(marker, StringComparison.Ordinal)));

    public static bool IsHostKeyProblem(string stderr) =>
        HostKeyProblems.Any(marker => stderr.Contains(marker, StringComparison.Ordinal));

    /// <summary>The message of a <see cref="RemoteConnectionException"/>: host, what was tried, ssh's stderr, and a hint.</summary>
    public static string Describe(SshCommandLine commandLine, string description, string stderr) =>
        Describe(commandLine.Target, commandLine.PortForDisplay, description, stderr);

    /// <summary>As above for any transport; <paramref name="stderr"/> is what the client said went wrong.</summary>
    public static string Describe(SshTarget target, int port, string description, string stderr)
    {
        var user = target.Ssh.User is { } name ? name + "@" : "";
        var message =
            $"{target.NodeName}: cannot reach {user}{target.Address} port {port} over ssh " +
            $"for '{description}':\n{stderr.Trim()}";
        if (!IsHostKeyProblem(stderr)) return message;

        var knownHosts = target.KnownHostsFile ?? "~/.ssh/known_hosts";
        return message +
            $"\nThe host key of {target.Address} is not trusted. Check its fingerprint out of band (on the console: " +
            "ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub), then trust it with:\n" +
            $"  ssh-keyscan -p {port} {ShellQuote.Quote(target.Address)} >> {knownHosts}" +
            (stderr.Contains("HAS CHANGED", StringComparison.Ordinal)
                ? $"\nafter removing the old entry: ssh-keygen -R {ShellQuote.Quote(target.Address)} -f {knownHosts}"
                : "");
    }
}
