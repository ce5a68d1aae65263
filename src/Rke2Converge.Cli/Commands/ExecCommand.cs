using System.CommandLine;
using System.Globalization;
using Rke2Converge.AdHoc;
using Rke2Converge.Cli.Output;
using Rke2Converge.Rollout;
using Spectre.Console;

namespace Rke2Converge.Cli.Commands;

/// <summary>
/// <c>rke2c exec site.csx [--limit ...] -- CMD</c>: the operator's own shell command on the selected nodes (Ansible's
/// ad-hoc <c>-m shell</c>), over the playbook's SSH settings and host keys, in parallel up to --parallel or one at a
/// time with --serial; each node's output and exit code. Takes no lock unless --lock. Exit 1 when any node failed.
/// </summary>
internal static class ExecCommand
{
    public static Command Create()
    {
        var options = new CommonOptions();
        var limit = new LimitOption("Run only on these nodes: " + LimitOption.Patterns);
        var words = new Argument<string[]>("command")
        {
            Description = "The shell command line, after --, run as root by sh -c on each node (several words are joined with spaces, as ssh does)",
            Arity = ArgumentArity.OneOrMore,
        };
        var parallel = new Option<int>("--parallel") { Description = "How many nodes run the command at once", DefaultValueFactory = _ => 16 };
        var serial = new Option<bool>("--serial") { Description = "One node at a time, in the playbook's order, stopping at the first node where the command fails" };
        var timeout = new Option<double>("--timeout") { Description = "Seconds the command may run on a node before it is killed there", DefaultValueFactory = _ => 60 };
        var takeLock = new Option<bool>("--lock") { Description = "Hold rke2c's lock on the selected nodes while the command runs, so no apply or other locked run overlaps it" };
        var command = new Command("exec", "Run a shell command on the playbook's nodes (all, or --limit), in parallel, showing each node's output and exit code; exit 1 when any node failed");
        command.Arguments.Add(options.Playbook);
        command.Arguments.Add(words);
        limit.AddTo(command);
        foreach (var option in new Option[] { parallel, serial, timeout, takeLock, options.Output, options.NoColor, options.KnownHosts, options.LogDirectory, options.KeepLogs, options.Transport, options.EvalTimeout, options.Verbose, options.Timings })
        {
            command.Options.Add(option);
        }
        parallel.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int>() is < 1 or > 256) result.AddError("--parallel must be between 1 and 256");
        });
        timeout.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<double>() is var seconds && (seconds <= 0 || seconds > 86_400)) result.AddError("--timeout must be a positive number of seconds, at most 86400");
        });
        command.SetAction((result, token) => RunAsync(
            options.Read(result) with { Limit = limit.Read(result) },
            new AdHocCommand(result.GetValue(words) ?? [], TimeSpan.FromSeconds(result.GetValue(timeout))),
            new AdHocRunner(result.GetValue(parallel), result.GetValue(serial)), result.GetValue(takeLock), token));
        command.Validators.Add(result =>
        {
            if (string.Join(' ', result.GetValue(words) ?? []).Trim().Length == 0) result.AddError("rke2c exec needs a command after --, e.g. rke2c exec site.csx -- uptime");
        });
        return command;
    }

    private static async Task<int> RunAsync(RunOptions options, AdHocCommand adHoc, AdHocRunner runner, bool takeLock, CancellationToken cancellationToken)
    {
        await using var pipeline = Pipeline.Start("exec", options);
        var check = await pipeline.CheckAsync(cancellationToken).ConfigureAwait(false);
        if (check.Model is not { } model) return ExitCodes.Error;
        if (pipeline.RefusesUnmatchedLimit(model)) return ExitCodes.Error;
        var selected = model.Nodes.Where(node => options.Limit?.Matches(node) ?? true).ToList();
        pipeline.Log.Information("exec of a {Length}-character command (sha256 {Hash}) on {Nodes}, {Mode}", adHoc.CommandLine.Length, adHoc.ShortHash,
            string.Join(", ", selected.Select(n => n.Name)), runner.Serial ? "serial" : $"{runner.Parallel} at once");
        pipeline.OpenShells(model);
        var shells = selected.Select(node => pipeline.ShellFor(node.Name)).ToList();
        var text = options.Output == OutputFormat.Text;

        async Task<int> RunCommandAsync()
        {
            var results = await runner.RunAsync(shells, adHoc, result => { if (text) Show(pipeline.Human, result); }, cancellationToken).ConfigureAwait(false);
            var failed = results.Where(r => !r.Succeeded).ToList();
            pipeline.WriteJson(ExecJson.Document(model.Name, options.Limit?.Text, runner, adHoc, results));
            var summary = $"exec on {results.Count} node(s): {results.Count - failed.Count} ok"
                + (failed.Count == 0 ? "" : $", {failed.Count} not ({string.Join(", ", failed.Select(r => $"{r.Node}: {r.Outcome}"))})");
            if (text) pipeline.Human.MarkupLine(failed.Count == 0 ? $"[green]{Terminal.Escape(summary)}[/]" : $"[red]{Terminal.Escape(summary)}[/]");
            else Console.Error.WriteLine(summary);
            return failed.Count == 0 ? ExitCodes.Success : ExitCodes.Error;
        }

        if (!takeLock)
        {
            try
            {
                return await RunCommandAsync().ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                pipeline.Error("interrupted: the command may have run on some nodes");
                return ExitCodes.Interrupted;
            }
        }
        return await pipeline.UnderClusterLockAsync(
            new LiveExecutor(), $"rke2c exec {options.PlaybookAsGiven} ({adHoc.ShortHash})", selected.Select(n => n.Name), forceUnlock: false,
            "interrupted: the command may have run on some nodes", _ => RunCommandAsync(), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The node's header line, then what the command printed: stdout, and stderr after a marker; every byte escaped for the terminal.</summary>
    private static void Show(IAnsiConsole console, AdHocNodeResult result)
    {
        var colour = result.Succeeded ? "green" : "red";
        var status = result.ExitCode is { } exit ? $"exit {exit.ToString(CultureInfo.InvariantCulture)}" : result.Outcome;
        console.MarkupLine($"[bold]{Terminal.Escape(result.Node)}[/] | [{colour}]{Terminal.Escape(result.Outcome)}[/] | {Terminal.Escape(status)} | "
            + $"{result.Elapsed.TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture)}s");
        if (result.Stdout.Length > 0) console.Write(new Text(Printable(result.Stdout)));
        if (result.Stderr.Length > 0)
        {
            console.MarkupLine("[grey]--- stderr[/]");
            console.Write(new Text(Printable(result.Stderr)));
        }
        if (result.Error is { } error) console.MarkupLine($"[red]{Terminal.Escape(error)}[/]");
    }

    private static string Printable(string output)
    {
        var escaped = Model.Validation.Printable.EscapeForTerminal(output);
        return escaped.EndsWith('\n') ? escaped : escaped + "\n";
    }
}
