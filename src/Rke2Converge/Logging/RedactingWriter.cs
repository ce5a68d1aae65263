using System.Text;

namespace Rke2Converge.Logging;

/// <summary>
/// A text writer that masks every secret <paramref name="redactor"/> knows before the text reaches
/// <paramref name="inner"/>. rke2c installs it as stdout and stderr, so whatever a command prints (plan text, JSON,
/// dry-run reports, errors) is masked at the moment it is printed, when every secret of the run and of the hosts is
/// known. Text is held until a line ends or the writer is flushed, so a secret written in pieces is still seen whole;
/// a JSON document (written in one piece, as every command writes its -o json document) stays valid JSON.
/// </summary>
internal sealed class RedactingWriter(TextWriter inner, SecretRedactor redactor) : TextWriter
{
    private readonly StringBuilder _pending = new();

    /// <summary>The writer this one masks for.</summary>
    public TextWriter Inner { get; } = inner ?? throw new ArgumentNullException(nameof(inner));

    public override Encoding Encoding => Inner.Encoding;

    public override IFormatProvider FormatProvider => Inner.FormatProvider;

    [System.Diagnostics.CodeAnalysis.AllowNull]
    public override string NewLine
    {
        get => Inner.NewLine;
        set => Inner.NewLine = value;
    }

    public override void Write(char value)
    {
        lock (_pending)
        {
            _pending.Append(value);
            if (value == '\n') EmitLines();
        }
    }

    public override void Write(string? value)
    {
        if (string.IsNullOrEmpty(value)) return;
        lock (_pending)
        {
            // A JSON document arrives in one piece: it is masked whole, so it stays one valid document.
            var document = _pending.Length == 0 && value.TrimStart() is ['{' or '[', ..];
            _pending.Append(value);
            if (document) Emit(_pending.Length);
            else if (value.Contains('\n', StringComparison.Ordinal)) EmitLines();
        }
    }

    public override void WriteLine(string? value) => Write(value + NewLine);

    public override void Write(char[] buffer, int index, int count) => Write(new string(buffer, index, count));

    public override void Flush()
    {
        lock (_pending)
        {
            Emit(_pending.Length);
            Inner.Flush();
        }
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing) Flush();
        base.Dispose(disposing);
    }

    private void EmitLines()
    {
        var text = _pending.ToString();
        Emit(text.LastIndexOf('\n') + 1);
    }

    private void Emit(int length)
    {
        if (length == 0) return;
        var text = _pending.ToString(0, length);
        _pending.Remove(0, length);
        Inner.Write(redactor.RedactDocument(text));
        Inner.Flush();
    }
}
