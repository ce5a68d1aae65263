using Rke2Converge.Model;
using Rke2Converge.Remote;

namespace Rke2Converge.Tests.Remote;

/// <summary>
/// Runs commands on this machine exactly as a node's login shell would run them (same remote command line,
/// same <c>timeout</c> wrapper), optionally inside a private mount namespace prepared by <paramref name="namespaceSetup"/>
/// so a test can lay files over /etc or /usr/local without touching the real machine.
/// </summary>
internal sealed class LocalShell(string nodeName, string? namespaceSetup = null) : IRemoteShell
{
    private readonly SshCommandLine _commandLine = new(
        new SshTarget(nodeName, "localhost", new SshSettings("root"), null), new OpenSshOptions());

    public string NodeName => nodeName;

    public async Task<RemoteResult> RunAsync(RemoteCommand command, CancellationToken cancellationToken)
    {
        var line = _commandLine.RemoteCommandLine(command);
        IReadOnlyList<string> arguments = namespaceSetup is null
            ? ["-c", line]
            : ["--mount", "--propagation", "private", "/bin/sh", "-c", namespaceSetup + " && exec /bin/sh -c \"$1\"", "setup", line];
        await using var stdin = command.OpenStdin();
        var outcome = await ChildProcess.RunAsync(
            namespaceSetup is null ? "/bin/sh" : "unshare", arguments, stdin,
            command.Timeout + TimeSpan.FromSeconds(10), cancellationToken);
        if (outcome.TimedOut) throw new RemoteTimeoutException($"{nodeName}: {command.Description} timed out locally");
        return new RemoteResult(outcome.ExitCode, outcome.Stdout, outcome.Stderr, outcome.Elapsed);
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
