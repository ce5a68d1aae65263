using Rke2Converge.Remote;

namespace Rke2Converge.Rollout;

/// <summary>
/// The one door every mutation goes through. Phases never run a changing command themselves, so a dry run is just
/// another executor.
/// </summary>
public interface IChangeExecutor
{
    bool IsDryRun { get; }

    /// <summary>Runs a mutating command; fails with <see cref="RemoteCommandException"/> unless it exits 0.</summary>
    Task<RemoteResult> ExecuteAsync(IRemoteShell shell, RemoteCommand command, CancellationToken cancellationToken);
}

public sealed class LiveExecutor : IChangeExecutor
{
    public bool IsDryRun => false;

    public Task<RemoteResult> ExecuteAsync(IRemoteShell shell, RemoteCommand command, CancellationToken cancellationToken) =>
        shell.RunCheckedAsync(command, cancellationToken);
}

/// <summary>Records what would run and reports success, touching nothing.</summary>
public sealed class DryRunExecutor : IChangeExecutor
{
    private readonly List<(string Node, string Description)> _skipped = [];

    public bool IsDryRun => true;

    public IReadOnlyList<(string Node, string Description)> Skipped
    {
        get { lock (_skipped) return [.. _skipped]; }
    }

    public Task<RemoteResult> ExecuteAsync(IRemoteShell shell, RemoteCommand command, CancellationToken cancellationToken)
    {
        lock (_skipped) _skipped.Add((shell.NodeName, command.Description));
        return Task.FromResult(new RemoteResult(0, "", "", TimeSpan.Zero));
    }
}
