using System.ComponentModel;

namespace Rke2Converge.Remote;

/// <summary>
/// Runs commands on one node through the system OpenSSH client, one ssh process per command, all sharing a
/// multiplexed master connection. Stdin is never echoed into any message: it may hold secrets.
/// </summary>
internal sealed class OpenSshShell(SshCommandLine commandLine) : IRemoteShell
{
    public string NodeName => commandLine.Target.NodeName;

    public SshCommandLine CommandLine => commandLine;

    public string CommandLineFor(RemoteCommand command) => commandLine.RemoteCommandLine(command);

    public async Task<RemoteResult> RunAsync(RemoteCommand command, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(command);
        var options = commandLine.Options;
        ChildProcess.Outcome outcome;
        try
        {
            await using var stdin = command.OpenStdin();
            outcome = await ChildProcess.RunAsync(
                options.SshExecutable, commandLine.ForCommand(command), stdin,
                command.Timeout + options.LocalGrace, cancellationToken).ConfigureAwait(false);
        }
        catch (Win32Exception e)
        {
            throw new RemoteConnectionException(
                $"{NodeName}: cannot start the ssh client '{options.SshExecutable}' for '{command.Description}': {e.Message}");
        }

        if (outcome.TimedOut || SshFailure.IsRemoteTimeout(outcome.ExitCode, outcome.Elapsed, command.Timeout))
        {
            throw SshFailure.TimedOut(commandLine.Target, command, outcome.Stderr);
        }
        if (SshFailure.IsSshError(outcome.ExitCode, outcome.Stderr))
        {
            throw new RemoteConnectionException(SshFailure.Describe(commandLine, command.Description, outcome.Stderr));
        }
        return new RemoteResult(outcome.ExitCode, outcome.Stdout, outcome.Stderr, outcome.Elapsed);
    }

    /// <summary>Nothing to release: the master connection is left up on purpose so the next run reuses it.</summary>
    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
