using Rke2Converge.Model.Validation;
using Rke2Converge.Rollout;
using Spectre.Console;

namespace Rke2Converge.Cli.Output;

/// <summary>
/// What a dry run would have done, node by node in rollout order: each command line exactly as the node would get it
/// (secrets masked) and, for file writes, the unified diff of the file.
/// </summary>
internal static class DryRunReport
{
    private const string Indent = "     ";

    /// <param name="operation">What would have run them, for the heading: "the rollout", "the removal", ...</param>
    public static void Write(IAnsiConsole console, IReadOnlyList<DryRunStep> steps, string operation)
    {
        console.WriteLine();
        console.MarkupLine($"[bold]Commands {Terminal.Escape(operation)} would run (none was run):[/]");
        foreach (var node in steps.Select(step => step.Node).Distinct(StringComparer.Ordinal))
        {
            console.WriteLine(Printable.EscapeForTerminal(node));
            var number = 0;
            foreach (var step in steps.Where(step => step.Node == node))
            {
                console.WriteLine($"  {++number}. {Printable.Escape(step.Description)}");
                console.WriteLine(Lines($"{Indent}$ ", $"{Indent}  ", step.CommandLine));
                if (step.Input is not null) console.WriteLine($"{Indent}stdin: {Printable.Escape(step.Input)}");
                if (!string.IsNullOrEmpty(step.Diff)) console.WriteLine(Lines($"{Indent}  ", $"{Indent}  ", step.Diff.TrimEnd('\n')));
            }
        }
    }

    private static string Lines(string first, string rest, string text) =>
        first + Printable.EscapeForTerminal(text).Replace("\n", "\n" + rest, StringComparison.Ordinal);
}
