using System.ComponentModel;

namespace Rke2Converge.Remote;

/// <summary>
/// Runs commands on one node through the system OpenSSH client, one ssh process per command, all sharing a
/// multiplexed master connection. Stdin is never echoed into any message: it may hold secrets.
/// </summary>
public sealed class OpenSshShell(SshCommandLine commandLine) : IRemoteShell
{
    // GNU timeout exits 124 when it stopped the command, 137 when the command also needed KILL.
    private static readonly int[] RemoteTimeoutExitCodes = [124, 137];

    public string NodeName => commandLine.Target.NodeName;

    public SshCommandLine CommandLine => commandLine;

    public async Task<RemoteResult> RunAsync(RemoteCommand command, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(command);
        var options = commandLine.Options;
        ChildProcess.Outcome outcome;
        try
        {
            outcome = await ChildProcess.RunAsync(
                options.SshExecutable, commandLine.ForCommand(command), command.Stdin,
                command.Timeout + options.LocalGrace, cancellationToken).ConfigureAwait(false);
        }
        catch (Win32Exception e)
        {
            throw new RemoteConnectionException(
                $"{NodeName}: cannot start the ssh client '{options.SshExecutable}' for '{command.Description}': {e.Message}");
        }

        if (outcome.TimedOut || IsRemoteTimeout(outcome, command.Timeout))
        {
            throw new RemoteTimeoutException(
                $"{NodeName}: '{command.Description}' on {commandLine.Target.Address} timed out after " +
                $"{SshCommandLine.RemoteTimeoutSeconds(command.Timeout)}s" +
                (outcome.Stderr.Trim().Length > 0 ? $"; stderr: {outcome.Stderr.Trim()}" : ""));
        }
        if (SshFailure.IsSshError(outcome.ExitCode, outcome.Stderr))
        {
            throw new RemoteConnectionException(SshFailure.Describe(commandLine, command.Description, outcome.Stderr));
        }
        return new RemoteResult(outcome.ExitCode, outcome.Stdout, outcome.Stderr, outcome.Elapsed);
    }

    /// <summary>Nothing to release: the master connection is left up on purpose so the next run reuses it.</summary>
    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    private static bool IsRemoteTimeout(ChildProcess.Outcome outcome, TimeSpan timeout) =>
        RemoteTimeoutExitCodes.Contains(outcome.ExitCode) && outcome.Elapsed >= timeout;
}
