namespace Rke2Converge.Model.Validation;

internal enum Severity
{
    /// <summary>Blocks the rollout.</summary>
    Error,

    /// <summary>Worth knowing; does not block.</summary>
    Warning,
}

/// <summary>
/// One thing wrong with a playbook's model; prints as <c>site.csx:12: error: ...</c>, on one line: a name or path the
/// message quotes raw (a file path with a line break, say) is escaped there (<see cref="Printable.Escape(string)"/>).
/// </summary>
internal sealed record ValidationProblem(Severity Severity, string Message, SourceLocation? At)
{
    public static ValidationProblem Error(string message, SourceLocation? at = null) => new(Severity.Error, message, at);

    public static ValidationProblem Warning(string message, SourceLocation? at = null) => new(Severity.Warning, message, at);

    public override string ToString()
    {
        var severity = Severity == Severity.Error ? "error" : "warning";
        var message = Printable.Escape(Message);
        return At is null ? $"{severity}: {message}" : $"{At}: {severity}: {message}";
    }
}

internal static class ValidationProblemExtensions
{
    public static bool HasErrors(this IEnumerable<ValidationProblem> problems) => problems.Any(p => p.Severity == Severity.Error);
}
