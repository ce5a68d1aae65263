using Serilog.Events;
using Serilog.Formatting;
using Serilog.Parsing;

namespace Rke2Converge.Logging;

/// <summary>
/// Masks secrets in the event itself (template text and every property value) before the inner formatter runs,
/// so escaping done by a formatter (JSON, quoting) cannot hide a secret from the redactor. A last pass over the
/// formatted text catches exception messages, and escapes control and bidi characters (<c>Printable.EscapeForTerminal</c>).
/// </summary>
internal sealed class RedactingFormatter(ITextFormatter inner, SecretRedactor redactor) : ITextFormatter
{
    private static readonly MessageTemplateParser Parser = new();

    public void Format(LogEvent logEvent, TextWriter output)
    {
        var redacted = new LogEvent(
            logEvent.Timestamp,
            logEvent.Level,
            logEvent.Exception,
            Parser.Parse(redactor.Redact(logEvent.MessageTemplate.Text)),
            logEvent.Properties.Select(property => new LogEventProperty(property.Key, Redact(property.Value))));
        using var buffer = new StringWriter();
        inner.Format(redacted, buffer);
        // Escaped for the terminal too: a log is read with cat and tail, and host text in it must not drive the terminal.
        output.Write(Model.Validation.Printable.EscapeForTerminal(redactor.RedactDocument(buffer.ToString())));
    }

    private LogEventPropertyValue Redact(LogEventPropertyValue value) => value switch
    {
        ScalarValue { Value: string text } => new ScalarValue(redactor.Redact(text)),
        SequenceValue sequence => new SequenceValue(sequence.Elements.Select(Redact)),
        StructureValue structure => new StructureValue(structure.Properties.Select(p => new LogEventProperty(p.Name, Redact(p.Value))), structure.TypeTag),
        DictionaryValue dictionary => new DictionaryValue(dictionary.Elements.Select(e => KeyValuePair.Create(e.Key, Redact(e.Value)))),
        _ => value,
    };
}
