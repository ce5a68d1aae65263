using Scriban;
using Scriban.Parsing;

namespace Rke2Converge.Templates;

/// <summary>
/// A Scriban context whose <c>{{ expression }}</c> output stays on its line (<see cref="SingleLine"/>), so no value,
/// whatever it holds, can add a line or a key to the rendered file. The template's own text is written as is, and so
/// is <see cref="VerbatimText"/>.
/// </summary>
internal sealed class SingleLineContext : TemplateContext
{
    public override TemplateContext Write(SourceSpan span, object? textAsObject) => textAsObject switch
    {
        null => this,
        VerbatimText verbatim => Write(verbatim.Text),
        _ => Write(SingleLine.Escape(ObjectToString(textAsObject) ?? "")),
    };

    public override ValueTask<TemplateContext> WriteAsync(SourceSpan span, object? textAsObject) =>
        ValueTask.FromResult(Write(span, textAsObject));
}
