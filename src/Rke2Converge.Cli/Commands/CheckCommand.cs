using System.CommandLine;
using Rke2Converge.Cli.Output;
using Rke2Converge.Gates;
using Rke2Converge.Model;
using Spectre.Console;

namespace Rke2Converge.Cli.Commands;

/// <summary>
/// <c>rke2c check site.csx [--limit ...]</c>: every gate a rollout would wait on, on every selected node, each looked
/// at once; nothing changes and no lock is taken. Exit 0 when every gate passes, 1 otherwise (a node unreachable
/// included), so it fits a cron job or a pre-flight step before a maintenance window.
/// </summary>
internal static class CheckCommand
{
    public static Command Create()
    {
        var options = new CommonOptions();
        var limit = new LimitOption("Check only these nodes: " + LimitOption.Patterns);
        var command = new Command("check", "Look once at every readiness gate of the playbook's nodes (all, or --limit) and report each; changes nothing; exit 1 when any gate fails");
        options.AddTo(command);
        limit.AddTo(command);
        command.SetAction((result, token) => RunAsync(options.Read(result) with { Limit = limit.Read(result) }, token));
        return command;
    }

    private static async Task<int> RunAsync(RunOptions options, CancellationToken cancellationToken)
    {
        await using var pipeline = Pipeline.Start("check", options);
        var check = await pipeline.CheckAsync(cancellationToken).ConfigureAwait(false);
        if (check.Model is not { } model || check.Desired is not { } desired) return ExitCodes.Error;
        if (pipeline.RefusesUnmatchedLimit(model)) return ExitCodes.Error;
        var selected = desired.Where(node => options.Limit?.Matches(node.Node) ?? true).ToList();
        pipeline.Log.Information("check of {Nodes}", string.Join(", ", selected.Select(n => n.Name)));
        pipeline.OpenShells(model);
        var text = options.Output == OutputFormat.Text;
        IReadOnlyList<NodeCheck> results;
        try
        {
            results = await GateCheck.RunAsync([.. selected.Select(node => (node, pipeline.ShellFor(node.Name)))], model.Gates, options.Parallel,
                node =>
                {
                    pipeline.Log.Information("check {Node}: {Outcome}", node.Node, node.Passed ? "every gate passes" : "a gate fails");
                    if (text) Show(pipeline.Human, node);
                }, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            pipeline.Error("interrupted: nothing was changed");
            return ExitCodes.Interrupted;
        }
        pipeline.WriteJson(CheckJson.Document(model.Name, options.Limit?.Text, results));
        var failing = results.Where(node => !node.Passed).ToList();
        var summary = failing.Count == 0
            ? $"check of {results.Count} node(s): every gate passes"
            : $"check of {results.Count} node(s): {failing.Count} failing ({string.Join(", ", failing.Select(Failure))})";
        if (text) pipeline.Human.MarkupLine(failing.Count == 0 ? $"[green]{Terminal.Escape(summary)}[/]" : $"[red]{Terminal.Escape(summary)}[/]");
        else Console.Error.WriteLine(Model.Validation.Printable.Escape(summary));
        return failing.Count == 0 ? ExitCodes.Success : ExitCodes.Error;
    }

    private static string Failure(NodeCheck node) =>
        node.Unreachable ? $"{node.Node}: unreachable" : $"{node.Node}: {string.Join(", ", node.Gates.Where(g => !g.Passed).Select(g => g.Gate))}";

    /// <summary>The node's line, then one line per gate with what it saw; every string from the host escaped.</summary>
    private static void Show(IAnsiConsole console, NodeCheck node)
    {
        var colour = node.Passed ? "green" : "red";
        console.MarkupLine($"[bold]{Terminal.Escape(node.Node)}[/] ({Terminal.Escape(node.Role.DisplayName())}) | [{colour}]{(node.Passed ? "ok" : "failing")}[/]");
        foreach (var gate in node.Gates)
        {
            var mark = gate.Passed ? "[green]pass[/]" : gate.Skipped ? "[grey]skip[/]" : "[red]fail[/]";
            console.MarkupLine($"  {mark} {Terminal.Escape(gate.Gate)}: {Terminal.Escape(gate.Observed)}");
        }
    }
}
