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
/// playbook, agents first, then servers in reverse join order. Asks for the cluster's name unless --yes.
/// </summary>
public static class ResetCommand
{
    public static Command Create()
    {
        var options = new CommonOptions();
        var yes = new Option<bool>("--yes", "-y") { Description = "Reset without asking for the cluster name; needed when stdin is not a terminal" };
        var command = new Command("reset", "Tear the cluster down: run rke2-uninstall.sh on every node of the playbook (agents, then servers in reverse "
            + "join order), deleting RKE2, its data and etcd. Asks you to type the cluster name first");
        options.AddTo(command);
        command.Options.Add(yes);
        command.SetAction((result, token) => RunAsync(options.Read(result), result.GetValue(yes), token));
        return command;
    }

    private static async Task<int> RunAsync(RunOptions options, bool yes, CancellationToken cancellationToken)
    {
        await using var pipeline = Pipeline.Start("reset", options);
        var check = await pipeline.CheckAsync(cancellationToken).ConfigureAwait(false);
        if (check.Model is not { } model) return ExitCodes.Error;
        if (pipeline.CannotAsk("reset", yes)) return ExitCodes.Error;
        var order = model.Nodes.Where(n => n.Role == NodeRole.Agent).Concat(model.JoinOrder.Reverse().Select(model.Node)).ToList();
        pipeline.Human.MarkupLine($"[bold]Reset cluster {Markup.Escape(model.Name)}[/]: rke2-uninstall.sh on {Markup.Escape(string.Join(", ", order.Select(n => n.Name)))}, in that order.");
        pipeline.Human.MarkupLine("This stops RKE2 and deletes its binaries, configuration and data, etcd included, on every node. It cannot be undone.");
        if (!yes)
        {
            pipeline.Human.Markup("[bold]Type the cluster name to confirm:[/] ");
            if (Console.ReadLine()?.Trim() != model.Name)
            {
                pipeline.Human.MarkupLine("Nothing was changed.");
                return ExitCodes.Error;
            }
        }

        pipeline.OpenShells(model);
        var executor = new LiveExecutor();
        return await pipeline.UnderClusterLockAsync(
            executor, $"rke2c reset {options.PlaybookAsGiven}", model.Nodes.Select(n => n.Name), forceUnlock: false, "interrupted",
            async _ =>
            {
                var failed = 0;
                foreach (var node in order)
                {
                    try
                    {
                        var result = await executor.ExecuteAsync(pipeline.ShellFor(node.Name), RemovalOperations.Uninstall(), cancellationToken).ConfigureAwait(false);
                        pipeline.Human.MarkupLine($"{Markup.Escape(node.Name)}: {Markup.Escape(result.Stdout.Trim())}");
                    }
                    catch (RemoteException error)
                    {
                        failed++;
                        pipeline.Error(error.Message);
                    }
                }
                return failed == 0 ? ExitCodes.Success : ExitCodes.Error;
            },
            cancellationToken).ConfigureAwait(false);
    }
}
