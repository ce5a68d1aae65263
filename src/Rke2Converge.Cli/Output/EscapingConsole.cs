using Rke2Converge.Model.Validation;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace Rke2Converge.Cli.Output;

/// <summary>
/// A Spectre console whose every text segment is escaped with <see cref="Printable.EscapeForTerminal"/> after markup is
/// parsed and before it is written, while Spectre's own control codes (colours, the live table's cursor moves) pass:
/// the styled counterpart of <see cref="TerminalSafeWriter"/>, so a hostile string cannot bypass it through markup.
/// </summary>
internal sealed class EscapingConsole(IAnsiConsole inner) : IAnsiConsole
{
    public Profile Profile => inner.Profile;

    public IAnsiConsoleCursor Cursor => inner.Cursor;

    public IAnsiConsoleInput Input => inner.Input;

    public IExclusivityMode ExclusivityMode => inner.ExclusivityMode;

    public RenderPipeline Pipeline => inner.Pipeline;

    public void Clear(bool home) => inner.Clear(home);

    public void Write(IRenderable renderable) => inner.Write(new Escaped(renderable));

    /// <summary>Spectre's own escape sequences (cursor moves, colours); rke2c writes no text this way.</summary>
    public void WriteAnsi(Action<AnsiWriter> action) => inner.WriteAnsi(action);

    private sealed class Escaped(IRenderable renderable) : IRenderable
    {
        public Measurement Measure(RenderOptions options, int maxWidth) => renderable.Measure(options, maxWidth);

        public IEnumerable<Segment> Render(RenderOptions options, int maxWidth) =>
            renderable.Render(options, maxWidth).Select(segment => segment.IsControlCode || segment.IsLineBreak
                ? segment
                : new Segment(Printable.EscapeForTerminal(segment.Text), segment.Style));
    }
}
