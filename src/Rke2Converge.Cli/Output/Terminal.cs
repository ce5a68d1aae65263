using Rke2Converge.Model.Validation;
using Spectre.Console;

namespace Rke2Converge.Cli.Output;

/// <summary>
/// Consoles that style text only for a person at a terminal: a pipe, a file, NO_COLOR (any non-empty value) or
/// --no-color get plain text with no escape sequence at all (no colour, bold or cursor control). Either way every
/// string printed through them is escaped for the terminal (<see cref="EscapingConsole"/>).
/// </summary>
internal static class Terminal
{
    /// <summary>Width for output that is not a terminal: one line per item, never wrapped at a guessed 80 columns.</summary>
    private const int RedirectedWidth = 4096;

    /// <summary>
    /// Text for Spectre markup: escaped for the terminal (<see cref="Printable.EscapeForTerminal"/>) and then for markup.
    /// Every string from a host or a playbook goes through here; <see cref="EscapingConsole"/> catches what does not,
    /// but only before markup parsing can a carriage return be shown as <c>\r</c> (Spectre makes it a line break).
    /// </summary>
    public static string Escape(string? text) => Markup.Escape(Printable.EscapeForTerminal(text ?? ""));

    public static bool NoColorRequested(bool noColorOption) =>
        noColorOption || !string.IsNullOrEmpty(Environment.GetEnvironmentVariable("NO_COLOR"));

    public static bool Styled(bool redirected, bool noColorOption) => !redirected && !NoColorRequested(noColorOption);

    public static IAnsiConsole Create(TextWriter writer, bool redirected, bool noColorOption)
    {
        // Unstyled Spectre output still resets colours through System.Console, which writes an escape sequence to a
        // terminal unless NO_COLOR is set: --no-color sets it for this process before the first such write.
        if (noColorOption) Environment.SetEnvironmentVariable("NO_COLOR", "1");
        var styled = Styled(redirected, noColorOption);
        // Styled, Spectre's colour codes must reach the terminal whole: it writes to the raw stream and every text
        // segment is escaped on the way instead (EscapingConsole).
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(styled ? TerminalSafeWriter.Raw(writer) : writer),
            Ansi = styled ? AnsiSupport.Detect : AnsiSupport.No,
            ColorSystem = styled ? ColorSystemSupport.Detect : ColorSystemSupport.NoColors,
            Interactive = styled ? InteractionSupport.Detect : InteractionSupport.No,
        });
        if (redirected) console.Profile.Width = RedirectedWidth;
        return new EscapingConsole(console);
    }
}
