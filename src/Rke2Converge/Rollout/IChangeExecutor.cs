using System.Text;
using Rke2Converge.Plan.Diff;
using Rke2Converge.Remote;
using Rke2Converge.Rollout.Operations;

namespace Rke2Converge.Rollout;

/// <summary>
/// The one door every mutation goes through. Phases never run a changing command themselves, so a dry run is just
/// another executor.
/// </summary>
internal interface IChangeExecutor
{
    bool IsDryRun { get; }

    /// <summary>Runs a mutating command; fails with <see cref="RemoteCommandException"/> unless it exits 0.</summary>
    Task<RemoteResult> ExecuteAsync(IRemoteShell shell, RemoteCommand command, CancellationToken cancellationToken);
}

internal sealed class LiveExecutor : IChangeExecutor
{
    public bool IsDryRun => false;

    public Task<RemoteResult> ExecuteAsync(IRemoteShell shell, RemoteCommand command, CancellationToken cancellationToken) =>
        shell.RunCheckedAsync(command, cancellationToken);
}

/// <summary>
/// One command a dry run did not run: the exact command line the node would be given (secrets masked), what it would
/// read on standard input, and for a file write the unified diff of the file now and after.
/// </summary>
internal sealed record DryRunStep(string Node, string Description, string CommandLine, string? Input, string? Diff);

/// <summary>
/// Records what would run and reports success, changing nothing. For a file write it reads the file as it is now (a
/// read-only command) to show the diff. Everything recorded passes through <paramref name="redact"/> and the
/// sensitive-key mask first, so no secret is kept. With a <see cref="Logging.SecretRedactor"/>, the file as read now and
/// as it will be written are first searched for secrets (<see cref="Logging.HostSecrets"/>): an old registry password on
/// the node is masked like this run's.
/// </summary>
internal sealed class DryRunExecutor(Func<string, string> redact, Action<string>? registerFile = null) : IChangeExecutor
{
    private readonly List<DryRunStep> _steps = [];

    /// <summary>A dry run whose masking is <paramref name="redactor"/>'s, including the secrets in every file it reads.</summary>
    public DryRunExecutor(Logging.SecretRedactor redactor)
        : this((redactor ?? throw new ArgumentNullException(nameof(redactor))).Redact, redactor.RegisterHostFile)
    {
    }

    public bool IsDryRun => true;

    public IReadOnlyList<DryRunStep> Steps
    {
        get { lock (_steps) return [.. _steps]; }
    }

    public async Task<RemoteResult> ExecuteAsync(IRemoteShell shell, RemoteCommand command, CancellationToken cancellationToken)
    {
        string? input = null, diff = null;
        if (command.TargetFile is { } path && command.Stdin is { } content)
        {
            var now = await shell.RunCheckedAsync(FileOperations.Read(path), cancellationToken).ConfigureAwait(false);
            var after = Encoding.UTF8.GetString(content);
            var before = FileOperations.ReadContent(now);
            if (registerFile is not null)
            {
                if (before is not null) registerFile(before);
                registerFile(after);
            }
            diff = SensitiveLines.Diff(path, before, after, redact);
            input = $"the new {path} ({content.Length} bytes){(diff.Length == 0 ? ", identical to the current file" : "")}";
        }
        else if (command.Stdin is { } bytes)
        {
            input = $"{bytes.Length} bytes";
        }
        else if (command.StdinFile is { } file)
        {
            input = $"{new FileInfo(file).Length} bytes from {file}";
        }
        var step = new DryRunStep(shell.NodeName, redact(command.Description), redact(shell.CommandLineFor(command)), input, diff);
        lock (_steps) _steps.Add(step);
        return new RemoteResult(0, "", "", TimeSpan.Zero);
    }
}
