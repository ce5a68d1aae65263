namespace Rke2Converge.Model.Validation;

public enum Severity
{
    /// <summary>Blocks the rollout.</summary>
    Error,

    /// <summary>Worth knowing; does not block.</summary>
    Warning,
}

/// <summary>One thing wrong with a playbook's model; prints as <c>site.csx:12: error: ...</c>.</summary>
public sealed record ValidationProblem(Severity Severity, string Message, SourceLocation? At)
{
    public static ValidationProblem Error(string message, SourceLocation? at = null) => new(Severity.Error, message, at);

    public static ValidationProblem Warning(string message, SourceLocation? at = null) => new(Severity.Warning, message, at);

    public override string ToString()
    {
        var severity = Severity == Severity.Error ? "error" : "warning";
        return At is null ? $"{severity}: {Message}" : $"{At}: {severity}: {Message}";
    }
}

public static class ValidationProblemExtensions
{
    public static bool HasErrors(this IEnumerable<ValidationProblem> problems) => problems.Any(p => p.Severity == Severity.Error);
}
