using System.CommandLine;
using Rke2Converge.Cli.Output;
using Rke2Converge.Model;
using Rke2Converge.Remote;
using Rke2Converge.Removal;
using Rke2Converge.Rollout;
using Spectre.Console;

namespace Rke2Converge.Cli.Commands;

/// <summary>
/// <c>rke2c reset site.csx</c>: tears the whole cluster down, for labs: rke2-uninstall.sh on every node of the
/// playbook (then what rke2c put there), agents first, then servers in reverse join order. Asks for the cluster's name unless --yes.
/// </summary>
internal static class ResetCommand
{
    public static Command Create()
    {
        var options = new CommonOptions();
        var yes = new Option<bool>("--yes", "-y") { Description = "Reset without asking for the cluster name; needed when stdin is not a terminal" };
        var dryRun = new Option<bool>("--dry-run")
        {
            Description = "Change nothing: show the command line reset would run on each node, in order; exit 2 (reads the cluster lock, never takes it)",
        };
        var command = new Command("reset", "Tear the cluster down: run rke2-uninstall.sh on every node of the playbook (agents, then servers in reverse "
            + "join order), deleting RKE2, its data and etcd. Asks you to type the cluster name first");
        options.AddTo(command);
        command.Options.Add(dryRun);
        command.Options.Add(yes);
        command.SetAction((result, token) => RunAsync(options.Read(result), result.GetValue(dryRun), result.GetValue(yes), token));
        return command;
    }

    private static async Task<int> RunAsync(RunOptions options, bool dryRun, bool yes, CancellationToken cancellationToken)
    {
        await using var pipeline = Pipeline.Start("reset", options);
        var check = await pipeline.CheckAsync(cancellationToken).ConfigureAwait(false);
        if (check.Model is not { } model) return ExitCodes.Error;
        if (!dryRun && pipeline.CannotAsk("reset", yes)) return ExitCodes.Error;
        var order = model.Nodes.Where(n => n.Role == NodeRole.Agent).Concat(model.JoinOrder.Reverse().Select(model.Node)).ToList();
        pipeline.Human.MarkupLine($"[bold]Reset cluster {Terminal.Escape(model.Name)}[/]: rke2-uninstall.sh on {Terminal.Escape(string.Join(", ", order.Select(n => n.Name)))}, in that order.");
        pipeline.Human.MarkupLine("This stops RKE2 and deletes its binaries, configuration and data, etcd included, on every node. It cannot be undone.");
        pipeline.Human.MarkupLine($"Then it removes what rke2c put on each node: {Terminal.Escape(RemovalOperations.CleanupSummary)}.");
        if (!dryRun && !yes)
        {
            pipeline.Human.Markup("[bold]Type the cluster name to confirm:[/] ");
            if (Pipeline.ReadLine()?.Trim() != model.Name)
            {
                pipeline.Human.MarkupLine("Nothing was changed.");
                return ExitCodes.Error;
            }
        }

        pipeline.OpenShells(model);
        IChangeExecutor executor = dryRun ? new DryRunExecutor(pipeline.Redactor) : new LiveExecutor();
        return await pipeline.UnderClusterLockAsync(
            executor, $"rke2c reset {options.PlaybookAsGiven}", model.Nodes.Select(n => n.Name), forceUnlock: false,
            dryRun ? "interrupted: nothing was changed" : "interrupted",
            attempt => ResetAsync(pipeline, model.Name, order, executor, attempt.Unreachable, cancellationToken), cancellationToken).ConfigureAwait(false);
    }

    private static async Task<int> ResetAsync(
        Pipeline pipeline, string cluster, IReadOnlyList<NodeSpec> order, IChangeExecutor executor, IReadOnlyList<string> unreachable,
        CancellationToken cancellationToken)
    {
        var results = new List<Day2NodeResult>();
        foreach (var node in order)
        {
            // A live run finds out by trying; a dry run tries nothing, so it says what its lock read found.
            if (executor.IsDryRun && unreachable.Contains(node.Name, StringComparer.Ordinal))
            {
                var error = $"{node.Name} did not answer when its lock was read: the reset would fail there";
                results.Add(new Day2NodeResult(node.Name, Day2NodeResult.Failed, null, error));
                pipeline.Error(error);
                continue;
            }
            try
            {
                var result = await executor.ExecuteAsync(pipeline.ShellFor(node.Name), RemovalOperations.Uninstall(), cancellationToken).ConfigureAwait(false);
                var cleaned = await executor.ExecuteAsync(pipeline.ShellFor(node.Name), RemovalOperations.Cleanup(), cancellationToken).ConfigureAwait(false);
                if (executor.IsDryRun)
                {
                    results.Add(new Day2NodeResult(node.Name, Day2NodeResult.WouldUninstall, null, null));
                    continue;
                }
                var removedFiles = cleaned.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
                var said = result.Stdout.Trim() + (removedFiles.Length == 0 ? "" : $"; removed {string.Join(", ", removedFiles)}");
                results.Add(new Day2NodeResult(node.Name, Day2NodeResult.Uninstalled, said, null));
                pipeline.Human.MarkupLine($"{Terminal.Escape(node.Name)}: {Terminal.Escape(said)}");
            }
            catch (RemoteException error)
            {
                results.Add(new Day2NodeResult(node.Name, Day2NodeResult.Failed, null, pipeline.Redactor.Redact(error.Message)));
                pipeline.Error(error.Message);
            }
        }
        var dry = executor as DryRunExecutor;
        if (dry is not null)
        {
            DryRunReport.Write(pipeline.Human, dry.Steps, "the reset");
            var reachable = order.Count(node => !unreachable.Contains(node.Name, StringComparer.Ordinal));
            pipeline.Human.MarkupLine($"[blue]Dry run complete: {reachable} node(s) would be reset; nothing was changed.[/] Run rke2c reset without --dry-run to reset them.");
        }
        pipeline.WriteJson(Day2Json.Reset(cluster, [.. order.Select(n => n.Name)], results, dry?.Steps));
        if (results.Any(r => r.Outcome == Day2NodeResult.Failed)) return ExitCodes.Error;
        return dry is not null && order.Count > 0 ? ExitCodes.Drift : ExitCodes.Success;
    }
}
