namespace Rke2Converge.AdHoc;

/// <summary>One node's end of an <c>rke2c exec</c>: the command's exit code and output, or why it did not run to the end.</summary>
internal sealed record AdHocNodeResult(string Node, string Outcome, int? ExitCode, string Stdout, string Stderr, string? Error, TimeSpan Elapsed)
{
    /// <summary>The command ran and exited 0.</summary>
    public const string Ok = "ok";

    /// <summary>The command ran and exited non-zero.</summary>
    public const string Failed = "failed";

    /// <summary>The host could not be reached or refused the connection (host key, authentication).</summary>
    public const string Unreachable = "unreachable";

    /// <summary>The command was still running after --timeout and was killed.</summary>
    public const string TimedOut = "timeout";

    /// <summary>Not started: with --serial, an earlier node failed.</summary>
    public const string Skipped = "skipped";

    public bool Succeeded => Outcome == Ok;

    public static AdHocNodeResult NotStarted(string node) => new(node, Skipped, null, "", "", null, TimeSpan.Zero);
}
