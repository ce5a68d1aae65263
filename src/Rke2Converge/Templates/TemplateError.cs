namespace Rke2Converge.Templates;

/// <summary>A template error at a place in its file; prints like a compiler error: <c>templates/x.scriban(3,14): error: ...</c>.</summary>
internal sealed record TemplateError(string File, int Line, int Column, string Message)
{
    public override string ToString() => $"{File}({Line},{Column}): error: {Message}";
}

/// <summary>A template could not be parsed or rendered; <see cref="Errors"/> say where.</summary>
internal sealed class TemplateException : Exception
{
    public TemplateException(IReadOnlyList<TemplateError> errors)
        : base(string.Join(Environment.NewLine, errors)) => Errors = errors;

    public TemplateException() : this([]) { }

    public TemplateException(string message) : base(message) => Errors = [];

    public TemplateException(string message, Exception innerException) : base(message, innerException) => Errors = [];

    public IReadOnlyList<TemplateError> Errors { get; }
}
