namespace Rke2Converge.Remote;

/// <summary>
/// A POSIX sh script to run as root on a node. Arguments reach the script as $1, $2, ... and are quoted by the
/// transport, so a script never splices values into its own text. Secrets travel only in <see cref="Stdin"/>.
/// </summary>
internal sealed record RemoteCommand(string Description, string Script)
{
    public IReadOnlyList<string> Arguments { get; init; } = [];

    /// <summary>Bytes written to the script's standard input (file contents, secrets).</summary>
    public byte[]? Stdin { get; init; }

    /// <summary>A local file streamed to the script's standard input instead (large artifacts: never held in memory whole).</summary>
    public string? StdinFile { get; init; }

    public bool HasStdin => Stdin is not null || StdinFile is not null;

    /// <summary>The standard input to send, or null for none; the caller disposes it.</summary>
    public Stream? OpenStdin() =>
        Stdin is { } bytes ? new MemoryStream(bytes, writable: false)
        : StdinFile is { } path ? new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1 << 16, useAsync: true)
        : null;

    /// <summary>
    /// The SHA-256 of <see cref="StdinFile"/>'s content when it is already known (a release tarball's listed checksum),
    /// so binding the command to a saved plan does not read a large file again; null: the file is hashed.
    /// </summary>
    public string? StdinSha256 { get; init; }

    /// <summary>
    /// Which argument, if any, is the time of the run (the stamp in backup names). A saved plan binds every other byte;
    /// for this one only its shape, since apply runs later than plan.
    /// </summary>
    public int? StampArgument { get; init; }

    /// <summary>How <see cref="StampArgument"/> is written (UTC, to the millisecond).</summary>
    public const string StampFormat = "yyyyMMddTHHmmssfffZ";

    /// <summary>The file this command replaces with <see cref="Stdin"/>, so a dry run can show the difference instead.</summary>
    public string? TargetFile { get; init; }

    /// <summary>The script is killed, remotely and locally, after this long.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(60);
}

internal sealed record RemoteResult(int ExitCode, string Stdout, string Stderr, TimeSpan Elapsed)
{
    public bool Succeeded => ExitCode == 0;
}
