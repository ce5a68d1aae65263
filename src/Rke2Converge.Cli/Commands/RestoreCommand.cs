using System.CommandLine;
using System.Globalization;
using System.Text.Json.Nodes;
using Rke2Converge.Cli.Output;
using Rke2Converge.Logging;
using Rke2Converge.Plan.Rendering;
using Rke2Converge.Restore;
using Rke2Converge.Rollout;
using Rke2Converge.Rollout.Observers;
using Spectre.Console;

namespace Rke2Converge.Cli.Commands;

/// <summary>
/// <c>rke2c restore site.csx SNAPSHOT</c>: RKE2's procedure for restoring an etcd snapshot to existing nodes
/// (docs.rke2.io, backup_restore) on a cluster that matches the playbook, under the cluster lock: the snapshot checked
/// on the first server in join order before anything stops, every node stopped, the cluster reset from the snapshot on
/// that server, which is started behind its gates, the other servers' etcd data moved aside and each started behind its
/// gates, one at a time, then the agents. The plan is shown first and asked about (<c>--yes</c> skips the question);
/// <c>--dry-run</c> shows every command line and changes nothing (exit 2).
/// </summary>
internal static class RestoreCommand
{
    /// <summary>The <c>restore</c> command.</summary>
    public static Command Create()
    {
        var options = new CommonOptions();
        var snapshot = new Argument<string>("snapshot")
        {
            Description = "The snapshot: a file name in the first server's snapshot directory (as rke2c etcd-snapshot list shows it) or an absolute path on that server",
        };
        var dryRun = new Option<bool>("--dry-run") { Description = "Change nothing: check the snapshot and show every command line the restore would run; exit 2" };
        var forceUnlock = new Option<bool>("--force-unlock") { Description = "Remove the lock another rke2c run holds on the hosts, then take it (see apply --help)" };
        var yes = new Option<bool>("--yes", "-y") { Description = "Restore without asking; needed when stdin is not a terminal" };
        var command = new Command("restore", "Restore an etcd snapshot into the cluster, as RKE2's backup and restore procedure says: every node stopped, "
            + "`rke2 server --cluster-reset --cluster-reset-restore-path` on the first server in join order, then the other servers (their "
            + "server/db moved aside to db.rke2c-restore-<time>) one at a time and the agents, each behind its readiness gates. "
            + "Refused, changing nothing, when the snapshot is missing or unreadable or a host differs from the playbook");
        options.AddTo(command);
        command.Arguments.Add(snapshot);
        command.Options.Add(dryRun);
        command.Options.Add(forceUnlock);
        command.Options.Add(yes);
        command.SetAction((result, token) => RunAsync(
            options.Read(result), new Choices(result.GetValue(snapshot)!, result.GetValue(dryRun), result.GetValue(forceUnlock), result.GetValue(yes)), token));
        return command;
    }

    private sealed record Choices(string Snapshot, bool DryRun, bool ForceUnlock, bool Yes);

    private static async Task<int> RunAsync(RunOptions options, Choices choices, CancellationToken cancellationToken)
    {
        if (options.PlaybookPath.EndsWith(".json", StringComparison.OrdinalIgnoreCase))
        {
            Console.Error.WriteLine($"error: rke2c restore takes the playbook (.csx), not a saved plan ({options.PlaybookAsGiven}). Nothing was changed.");
            return ExitCodes.Error;
        }
        await using var pipeline = Pipeline.Start("restore", options);
        var cluster = await pipeline.LoadAsync(cancellationToken).ConfigureAwait(false);
        if (cluster is null) return ExitCodes.Error;
        if (!choices.DryRun && pipeline.CannotAsk("restore", choices.Yes)) return ExitCodes.Error;
        IChangeExecutor executor = choices.DryRun ? new DryRunExecutor(pipeline.Redactor) : new LiveExecutor();
        pipeline.OpenShells(cluster.Model);
        return await pipeline.UnderClusterLockAsync(
            executor, $"rke2c restore {options.PlaybookAsGiven}", cluster.Model.Nodes.Select(node => node.Name), choices.ForceUnlock,
            "interrupted: the restore may have stopped mid-way; read the output above for the last step, and run rke2c restore again",
            _ => RestoreLockedAsync(pipeline, cluster, executor, choices, cancellationToken), cancellationToken).ConfigureAwait(false);
    }

    private static async Task<int> RestoreLockedAsync(Pipeline pipeline, LoadedCluster cluster, IChangeExecutor executor, Choices choices, CancellationToken cancellationToken)
    {
        var playbook = pipeline.Options.PlaybookAsGiven;
        var plan = (await pipeline.ProgramAsync(cluster, cancellationToken).ConfigureAwait(false)).Plan;
        var dry = executor as DryRunExecutor;
        void WriteJson(RestoreProcedure? procedure, RestoreResult? result) => pipeline.WriteJson(Json(cluster.Model.Name, procedure, result, dry?.Steps));
        var drift = RestartCommand.Drift(plan);
        if (plan.HasProblems || drift.Count > 0)
        {
            new PlanTextRenderer(pipeline.Human).Render(plan);
            pipeline.Error($"{string.Join(", ", drift.DefaultIfEmpty("the plan"))} differ from the playbook or could not be read: run rke2c plan / apply {playbook} first. Nothing was changed.");
            WriteJson(null, null);
            return ExitCodes.Error;
        }
        var hosts = plan.Hosts.ToDictionary(host => host.Node, StringComparer.Ordinal);
        var nodes = cluster.Model.RolloutOrder().Where(node => hosts.ContainsKey(node.Name))
            .Select(node => new RestoreNode(node.Name, node.Role, hosts[node.Name].Desired.Config)).ToList();
        var stamp = DateTimeOffset.UtcNow.UtcDateTime.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture);
        var (procedure, refusal) = RestoreProcedure.Build(new RestoreRequest(nodes, choices.Snapshot, stamp));
        if (procedure is null)
        {
            pipeline.Error($"{refusal}. Nothing was changed.");
            WriteJson(null, null);
            return ExitCodes.Error;
        }
        // Before anything is stopped, and in a dry run too: it only reads.
        var check = (CheckSnapshotStep)procedure.Steps[0];
        if (await RestoreRunner.CheckSnapshotAsync(pipeline.ShellFor(check.Node), check, cancellationToken).ConfigureAwait(false) is { } missing)
        {
            pipeline.Error($"{missing}. Nothing was changed.");
            WriteJson(procedure, new RestoreResult(false, check.Describe(), missing));
            return ExitCodes.Error;
        }

        var human = pipeline.Human;
        human.MarkupLine($"[bold]Restore[/] of {Terminal.Escape(procedure.Path)} on {Terminal.Escape(procedure.Server)}: every node of {Terminal.Escape(cluster.Model.Name)} "
            + "is stopped and the cluster's data becomes the snapshot's (what changed since it was taken is lost).");
        foreach (var node in nodes)
        {
            human.MarkupLine($"  [bold]{Terminal.Escape(node.Name)}[/]");
            foreach (var step in procedure.Steps.Where(step => step is StartStep start ? start.Nodes.Contains(node.Name) : step.Node == node.Name))
            {
                human.MarkupLine($"    {procedure.Steps.ToList().IndexOf(step) + 1}. {Terminal.Escape(step.Describe())}");
            }
        }
        if (!choices.DryRun && !choices.Yes)
        {
            if (!pipeline.Confirm("Restore the snapshot?"))
            {
                human.MarkupLine("Nothing was changed.");
                return ExitCodes.Error;
            }
        }

        var (settings, progress) = pipeline.StepRollout(cluster, executor);
        var runner = new RestoreRunner(settings, plan, pipeline.ShellFor, progress);
        var result = await runner.RunAsync(procedure, cancellationToken).ConfigureAwait(false);
        WriteJson(procedure, result);
        if (dry is not null)
        {
            DryRunReport.Write(human, dry.Steps, "the restore");
            human.MarkupLine("[blue]Dry run complete: nothing was changed.[/]");
            return ExitCodes.Drift;
        }
        if (!result.Succeeded)
        {
            pipeline.Error($"restore stopped at: {result.StoppedAt}\n{result.Error}");
            return ExitCodes.Error;
        }
        human.MarkupLine($"[green]Restore complete: {Terminal.Escape(procedure.Path)} restored on {Terminal.Escape(procedure.Server)}, every node started and through its gates.[/] "
            + "The other servers' old etcd data is kept as server/db.rke2c-restore-" + stamp + ".");
        return ExitCodes.Success;
    }

    private static JsonObject Json(string cluster, RestoreProcedure? procedure, RestoreResult? result, IReadOnlyList<DryRunStep>? dryRunSteps) => new()
    {
        ["schemaVersion"] = JsonSchemaVersion.Current,
        ["cluster"] = cluster,
        ["server"] = procedure?.Server,
        ["snapshot"] = procedure?.Path,
        ["steps"] = procedure is null ? null : new JsonArray([.. procedure.Steps.Select(step => (JsonNode)JsonValue.Create(step.Describe()))]),
        ["result"] = result is null ? null : new JsonObject
        {
            ["succeeded"] = result.Succeeded,
            ["stoppedAt"] = result.StoppedAt,
            ["error"] = result.Error,
        },
        ["dryRun"] = JsonOutput.DryRunSteps(dryRunSteps),
    };
}
