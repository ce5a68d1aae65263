using Serilog.Events;
using Serilog.Formatting;

namespace Rke2Converge.Logging;

/// <summary>Formats with the inner formatter, then masks secrets, so no sink ever sees one.</summary>
public sealed class RedactingFormatter(ITextFormatter inner, SecretRedactor redactor) : ITextFormatter
{
    public void Format(LogEvent logEvent, TextWriter output)
    {
        using var buffer = new StringWriter();
        inner.Format(logEvent, buffer);
        output.Write(redactor.Redact(buffer.ToString()));
    }
}
