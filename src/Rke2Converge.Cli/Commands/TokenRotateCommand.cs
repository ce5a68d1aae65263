using System.CommandLine;
using Rke2Converge.Cli.Output;
using Rke2Converge.Model;
using Rke2Converge.Plan;
using Rke2Converge.Remote;
using Rke2Converge.Rollout;
using Rke2Converge.Rollout.Operations;
using Spectre.Console;

namespace Rke2Converge.Cli.Commands;

/// <summary>
/// <c>rke2c token rotate</c>: RKE2's token rotation with the playbook's token as the new one. <c>rke2 token rotate</c> runs
/// on the first running server (join order), then apply's rollout writes the token into every node's config.yaml and
/// restarts the servers one at a time, then the agents, each behind its gates.
/// </summary>
internal static class TokenRotateCommand
{
    public static Command Create()
    {
        var options = new CommonOptions();
        var dryRun = new Option<bool>("--dry-run") { Description = "Change nothing: show the rotation and each command line and file diff that would follow" };
        var forceUnlock = new Option<bool>("--force-unlock") { Description = "Remove the lock another rke2c run holds on the hosts (a warning names it), then take it" };
        var yes = new Option<bool>("--yes", "-y") { Description = "Rotate without asking; needed when stdin is not a terminal" };
        var rotate = new Command("rotate", "Rotate the cluster's token to the playbook's (its token source holds the NEW token): `rke2 token rotate` on "
            + "the first running server, then the new token into every node's config.yaml, servers one at a time, then agents, behind the "
            + "readiness gates. The new token travels to the server on stdin (only rke2 itself takes it as an argument, and hides it from ps); "
            + "no token appears in the plan, the output or the logs");
        options.AddTo(rotate);
        rotate.Options.Add(dryRun);
        rotate.Options.Add(forceUnlock);
        rotate.Options.Add(yes);
        rotate.SetAction((result, token) => ApplyCommand.RunAsync(
            options.Read(result) with { RotatesToken = true }, result.GetValue(dryRun), result.GetValue(forceUnlock), result.GetValue(yes), token, "token rotate"));
        var command = new Command("token", "Cluster token operations");
        command.Subcommands.Add(rotate);
        return command;
    }

    /// <summary>
    /// Runs <c>rke2 token rotate</c> before the rollout. Returns the exit code when the run ends here (declined, failed,
    /// or nothing left to roll out), null when the rollout should follow (the question has been asked).
    /// </summary>
    internal static async Task<int?> RotateAsync(Pipeline pipeline, LoadedCluster cluster, ClusterPlan plan, IChangeExecutor executor, bool yes, CancellationToken cancellationToken)
    {
        var server = plan.Hosts.FirstOrDefault(host => host.Desired.Role.IsServer() && host.Facts.ServerService.IsActive);
        if (server is null)
        {
            pipeline.Error("token rotate: no server runs RKE2, so there is no cluster token to rotate (a new cluster takes the playbook's token: rke2c apply). Nothing was changed.");
            return ExitCodes.Error;
        }
        var pending = plan.Hosts.Count(host => host.HasChanges);
        pipeline.Human.WriteLine();
        pipeline.Human.MarkupLine($"[bold]Token rotation:[/] `rke2 token rotate` runs first on {Terminal.Escape(server.Node)} (the new token passed on stdin), "
            + $"then {pending} node(s) get the new token in config.yaml as planned above, servers one at a time, then agents, each behind its gates.");
        if (!executor.IsDryRun && !yes && !ApplyCommand.Confirm(pipeline))
        {
            pipeline.Human.MarkupLine("Nothing was changed.");
            return ExitCodes.Error;
        }
        var secret = cluster.Secrets.Reveal(cluster.Model.Token ?? throw new InvalidOperationException("the playbook declares no token"));
        RemoteResult result;
        try
        {
            result = await executor.ExecuteAsync(pipeline.ShellFor(server.Node), TokenOperations.Rotate(secret), cancellationToken).ConfigureAwait(false);
        }
        catch (RemoteException error)
        {
            var output = error is RemoteCommandException failed ? (failed.Result.Stderr + "\n" + failed.Result.Stdout).Trim() : error.Message;
            pipeline.Error($"rke2 token rotate on {server.Node} failed: {output}. No node's config.yaml was changed; the cluster token is unchanged unless the "
                + "output says otherwise. Fix the cause and run rke2c token rotate again.");
            return ExitCodes.Error;
        }
        var said = result.Stdout.Split('\n').LastOrDefault(line => line.Trim().Length > 0)?.Trim() ?? "";
        pipeline.Log.Information("token rotate on {Node}: {Output}", server.Node, said);
        pipeline.Human.MarkupLine($"{Terminal.Escape(server.Node)}: {Terminal.Escape(executor.IsDryRun ? "would run rke2 token rotate" : said)}");
        if (plan.HasDrift) return null;
        pipeline.Human.MarkupLine("[green]Every node already has the new token in config.yaml.[/]");
        return ExitCodes.Success;
    }
}
