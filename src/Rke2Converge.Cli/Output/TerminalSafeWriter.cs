using System.Text;
using Rke2Converge.Model.Validation;

namespace Rke2Converge.Cli.Output;

/// <summary>
/// The one door to stdout and stderr (Program installs it over both): every character written passes
/// <see cref="Printable.EscapeForTerminal"/>, so no message, plan, diff or progress line, present or future, can put a
/// raw escape sequence, carriage return or bidirectional override on the terminal. Styled output goes through
/// <see cref="Terminal.Create"/>, which escapes the text and writes Spectre's own colour codes to <see cref="Inner"/>.
/// JSON is unchanged: its encoder already writes every such character as a <c>\u</c> escape.
/// </summary>
internal sealed class TerminalSafeWriter(TextWriter inner) : TextWriter
{
    private static TextWriter? s_rawOut;
    private static TextWriter? s_rawError;

    /// <summary>Puts a <see cref="TerminalSafeWriter"/> over <see cref="Console.Out"/> and <see cref="Console.Error"/>, once, before anything is written.</summary>
    public static void Install()
    {
        if (s_rawOut is not null) return;
        s_rawOut = Console.Out;
        s_rawError = Console.Error;
        Console.SetOut(new TerminalSafeWriter(s_rawOut));
        Console.SetError(new TerminalSafeWriter(s_rawError));
    }

    /// <summary>
    /// The writer under <paramref name="writer"/> (Console.SetOut wraps ours in a synchronised one, so the console's
    /// own streams are recognised by identity): only for output whose text is escaped on its way, like Spectre's.
    /// </summary>
    public static TextWriter Raw(TextWriter writer) =>
        ReferenceEquals(writer, Console.Out) && s_rawOut is not null ? s_rawOut
        : ReferenceEquals(writer, Console.Error) && s_rawError is not null ? s_rawError
        : writer is TerminalSafeWriter safe ? safe.Inner
        : writer;

    /// <summary>The writer underneath, for Spectre's colour codes only.</summary>
    public TextWriter Inner { get; } = inner;

    public override Encoding Encoding => Inner.Encoding;

    public override IFormatProvider FormatProvider => Inner.FormatProvider;

    public override void Write(char value)
    {
        if (Printable.IsUnsafe(value) && value is not ('\n' or '\t')) Inner.Write(Printable.EscapeForTerminal(value.ToString()));
        else Inner.Write(value);
    }

    public override void Write(string? value)
    {
        if (value is not null) Inner.Write(Printable.EscapeForTerminal(value));
    }

    public override void Write(char[] buffer, int index, int count) => Write(new string(buffer, index, count));

    public override void Flush() => Inner.Flush();

    protected override void Dispose(bool disposing)
    {
        if (disposing) Inner.Flush();
        base.Dispose(disposing);
    }
}
