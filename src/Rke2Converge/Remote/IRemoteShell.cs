using Rke2Converge.Model;

namespace Rke2Converge.Remote;

/// <summary>
/// Runs commands on one node. The only way the engine touches a host, so another transport (an in-process
/// SSH client, say) slots in by implementing this and <see cref="IRemoteShellFactory"/>.
/// </summary>
internal interface IRemoteShell : IAsyncDisposable
{
    /// <summary>The node's name, for messages.</summary>
    string NodeName { get; }

    /// <summary>
    /// Runs the command. A non-zero exit is returned, not thrown. Throws <see cref="RemoteConnectionException"/>
    /// when the host cannot be reached or its key is refused, and <see cref="RemoteTimeoutException"/> on timeout.
    /// </summary>
    Task<RemoteResult> RunAsync(RemoteCommand command, CancellationToken cancellationToken);

    /// <summary>The command line the node's login shell would be given for <paramref name="command"/> (what a dry run shows).</summary>
    string CommandLineFor(RemoteCommand command) => SshCommandLine.RemoteCommandLine(command, sudo: false);
}

internal interface IRemoteShellFactory
{
    IRemoteShell Open(NodeSpec node, SshSettings defaults, string? knownHostsFile);
}

/// <summary>Base of all transport failures; the message names host, command description and stderr.</summary>
internal abstract class RemoteException(string message) : Exception(message);

internal sealed class RemoteConnectionException(string message) : RemoteException(message);

internal sealed class RemoteTimeoutException(string message) : RemoteException(message);

/// <summary>Thrown by callers that require success: host, what was being done, exit code and stderr.</summary>
internal sealed class RemoteCommandException(string node, string description, RemoteResult result)
    : RemoteException($"{node}: {description} failed (exit {result.ExitCode}): {FirstLines(result.Stderr)}")
{
    public string Node { get; } = node;
    public RemoteResult Result { get; } = result;

    private static string FirstLines(string stderr)
    {
        var trimmed = stderr.Trim();
        if (trimmed.Length == 0) return "(no stderr)";
        var lines = trimmed.Split('\n');
        return lines.Length <= 20 ? trimmed : string.Join('\n', lines[^20..]);
    }
}

internal static class RemoteShellExtensions
{
    /// <summary>Runs the command and throws <see cref="RemoteCommandException"/> unless it exits 0.</summary>
    public static async Task<RemoteResult> RunCheckedAsync(
        this IRemoteShell shell, RemoteCommand command, CancellationToken cancellationToken)
    {
        var result = await shell.RunAsync(command, cancellationToken).ConfigureAwait(false);
        return result.Succeeded ? result : throw new RemoteCommandException(shell.NodeName, command.Description, result);
    }
}
