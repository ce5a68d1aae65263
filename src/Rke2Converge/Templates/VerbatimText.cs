namespace Rke2Converge.Templates;

/// <summary>
/// Text rke2c produced itself in the target file's syntax (such as config.yaml's body from the YAML serializer), which
/// a template writes as is. Every other value a template outputs is held to one line (<see cref="SingleLine"/>).
/// </summary>
internal sealed record VerbatimText(string Text)
{
    public override string ToString() => Text;
}
