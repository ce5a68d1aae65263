using System.CommandLine;
using System.Globalization;
using System.Text.Json.Nodes;
using Rke2Converge.Cli.Output;
using Rke2Converge.Logging;
using Rke2Converge.Model;
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
/// <c>--dry-run</c> shows every command line and changes nothing (exit 2). With <c>--from FILE</c> instead of SNAPSHOT,
/// RKE2's procedure for restoring a snapshot to new nodes: the first server (where RKE2 never ran) installed and configured
/// by apply's steps but not started, the local file pushed to it, the cluster reset from it, then the rest of the
/// playbook converged as apply does.
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
            Arity = ArgumentArity.ZeroOrOne,
        };
        var from = new Option<string>("--from")
        {
            Description = "Restore into new nodes from this snapshot file on this machine, instead of SNAPSHOT: the first server in join order (where RKE2 "
                + "never ran) is installed and configured but not started, the file pushed to it, the cluster reset from it, then the playbook is applied",
            HelpName = "file",
        };
        var dryRun = new Option<bool>("--dry-run") { Description = "Change nothing: check the snapshot and show every command line the restore would run; exit 2" };
        var forceUnlock = new Option<bool>("--force-unlock") { Description = "Remove the lock another rke2c run holds on the hosts, then take it (see apply --help)" };
        var yes = new Option<bool>("--yes", "-y") { Description = "Restore without asking; needed when stdin is not a terminal" };
        var command = new Command("restore", "Restore an etcd snapshot into the cluster, as RKE2's backup and restore procedure says: every node stopped, "
            + "`rke2 server --cluster-reset --cluster-reset-restore-path` on the first server in join order, then the other servers (their "
            + "server/db moved aside to db.rke2c-restore-<time>) one at a time and the agents, each behind its readiness gates. "
            + "Refused, changing nothing, when the snapshot is missing or unreadable or a host differs from the playbook. "
            + "--from FILE restores into new nodes (RKE2's \"Restoring a Snapshot to New Nodes\"): the playbook's hosts with the original cluster's token");
        options.AddTo(command);
        command.Arguments.Add(snapshot);
        command.Options.Add(from);
        command.Options.Add(dryRun);
        command.Options.Add(forceUnlock);
        command.Options.Add(yes);
        command.SetAction((result, token) => RunAsync(
            options.Read(result), new Choices(result.GetValue(snapshot), result.GetValue(from), result.GetValue(dryRun), result.GetValue(forceUnlock), result.GetValue(yes)), token));
        return command;
    }

    private sealed record Choices(string? Snapshot, string? From, bool DryRun, bool ForceUnlock, bool Yes);

    private static async Task<int> RunAsync(RunOptions options, Choices choices, CancellationToken cancellationToken)
    {
        if (options.PlaybookPath.EndsWith(".json", StringComparison.OrdinalIgnoreCase))
        {
            Console.Error.WriteLine($"error: rke2c restore takes the playbook (.csx), not a saved plan ({options.PlaybookAsGiven}). Nothing was changed.");
            return ExitCodes.Error;
        }
        if ((choices.Snapshot is null) == (choices.From is null))
        {
            Console.Error.WriteLine("error: rke2c restore takes either SNAPSHOT (a snapshot on the first server) or --from FILE (a snapshot file on this machine, "
                + "for new nodes), not both and not neither. Nothing was changed.");
            return ExitCodes.Error;
        }
        await using var pipeline = Pipeline.Start("restore", options);
        var cluster = await pipeline.LoadAsync(cancellationToken).ConfigureAwait(false);
        if (cluster is null) return ExitCodes.Error;
        LocalSnapshot? local = null;
        if (choices.From is { } given)
        {
            // Before any host is contacted: the file is read and hashed once, and the push sends exactly these bytes.
            (local, var refusal) = LocalSnapshot.Read(given);
            if (local is not null && cluster.Model.Token is { } token)
            {
                refusal = BootstrapKey.Refusal(Rke2Converge.Model.Validation.Printable.Escape(local.Name), local.BootstrapKeys, cluster.Secrets.Reveal(token));
                if (refusal is not null) local = null;
            }
            if (local is null)
            {
                pipeline.Error($"{refusal}. Nothing was changed.");
                pipeline.WriteJson(Json(cluster.Model.Name, null, null, null, null));
                return ExitCodes.Error;
            }
        }
        if (!choices.DryRun && pipeline.CannotAsk("restore", choices.Yes)) return ExitCodes.Error;
        IChangeExecutor executor = choices.DryRun ? new DryRunExecutor(pipeline.Redactor) : new LiveExecutor();
        pipeline.OpenShells(cluster.Model);
        return await pipeline.UnderClusterLockAsync(
            executor, $"rke2c restore {options.PlaybookAsGiven}", cluster.Model.Nodes.Select(node => node.Name), choices.ForceUnlock,
            "interrupted: the restore may have stopped mid-way; read the output above for the last step, and run rke2c restore again",
            _ => local is null
                ? RestoreLockedAsync(pipeline, cluster, executor, choices.Snapshot ?? "", choices, cancellationToken)
                : RestoreFreshLockedAsync(pipeline, cluster, executor, local, choices, cancellationToken), cancellationToken).ConfigureAwait(false);
    }

    private static async Task<int> RestoreLockedAsync(Pipeline pipeline, LoadedCluster cluster, IChangeExecutor executor, string snapshot, Choices choices, CancellationToken cancellationToken)
    {
        var playbook = pipeline.Options.PlaybookAsGiven;
        var plan = (await pipeline.ProgramAsync(cluster, cancellationToken).ConfigureAwait(false)).Plan;
        var dry = executor as DryRunExecutor;
        void WriteJson(RestoreProcedure? procedure, RestoreResult? result) => pipeline.WriteJson(Json(cluster.Model.Name, procedure, result, dry?.Steps, null));
        var drift = RestartCommand.Drift(plan);
        if (plan.HasProblems || drift.Count > 0)
        {
            new PlanTextRenderer(pipeline.Human).Render(plan);
            var fresh = plan.Hosts.FirstOrDefault(host => host.Desired.Role.IsServer()) is { Facts.InstalledVersion: null } first
                ? $" {first.Node} has no RKE2 installed: to restore into new nodes, pass the snapshot file on this machine with --from FILE."
                : "";
            pipeline.Error($"{string.Join(", ", drift.DefaultIfEmpty("the plan"))} differ from the playbook or could not be read: run rke2c plan / apply {playbook} first.{fresh} Nothing was changed.");
            WriteJson(null, null);
            return ExitCodes.Error;
        }
        var nodes = RestoreNodes(cluster, plan);
        var stamp = DateTimeOffset.UtcNow.UtcDateTime.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture);
        var (procedure, refusal) = RestoreProcedure.Build(new RestoreRequest(nodes, snapshot, stamp));
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
        var outcome = await ConfirmAndRunAsync(pipeline, cluster, executor, plan, nodes, procedure, choices, cancellationToken).ConfigureAwait(false);
        if (outcome is not { } result) return ExitCodes.Error;
        WriteJson(procedure, result);
        if (Finished(pipeline, dry, result) is { } exit) return exit;
        human.MarkupLine($"[green]Restore complete: {Terminal.Escape(procedure.Path)} restored on {Terminal.Escape(procedure.Server)}, every node started and through its gates.[/] "
            + "The other servers' old etcd data is kept as server/db.rke2c-restore-" + stamp + ".");
        return ExitCodes.Success;
    }

    /// <summary>
    /// <c>--from FILE</c>: RKE2's "Restoring a Snapshot to New Nodes". Hosts may (and will) differ from the playbook, since
    /// apply's own steps install them; a plan with problems, or a first server that already ran etcd, is refused before
    /// anything changes.
    /// </summary>
    private static async Task<int> RestoreFreshLockedAsync(
        Pipeline pipeline, LoadedCluster cluster, IChangeExecutor executor, LocalSnapshot local, Choices choices, CancellationToken cancellationToken)
    {
        var plan = (await pipeline.ProgramAsync(cluster, cancellationToken).ConfigureAwait(false)).Plan;
        var dry = executor as DryRunExecutor;
        void WriteJson(RestoreProcedure? procedure, RestoreResult? result) => pipeline.WriteJson(Json(cluster.Model.Name, procedure, result, dry?.Steps, local));
        var human = pipeline.Human;
        if (plan.HasProblems || plan.HasUnresolved)
        {
            new PlanTextRenderer(human).Render(plan);
            pipeline.Error("the plan has problems or differences apply needs a decision on (above): fix them first. Nothing was changed.");
            WriteJson(null, null);
            return ExitCodes.Error;
        }
        var nodes = RestoreNodes(cluster, plan);
        var (procedure, refusal) = RestoreProcedure.BuildFresh(nodes, local);
        if (procedure is null)
        {
            pipeline.Error($"{refusal}. Nothing was changed.");
            WriteJson(null, null);
            return ExitCodes.Error;
        }
        // A read, before anything changes, and in a dry run too.
        var check = (CheckNoEtcdDataStep)procedure.Steps[0];
        if (await RestoreRunner.CheckNoEtcdDataAsync(pipeline.ShellFor(check.Node), check, cancellationToken).ConfigureAwait(false) is { } holdsData)
        {
            pipeline.Error($"{holdsData}. Nothing was changed.");
            WriteJson(procedure, new RestoreResult(false, check.Describe(), holdsData));
            return ExitCodes.Error;
        }

        human.MarkupLine("What apply will change, node by node (the first server's start waits for the cluster reset):");
        new PlanTextRenderer(human).Render(plan);
        human.MarkupLine($"[bold]Restore[/] of {Terminal.Escape(local.File)} (sha256 {local.Sha256}) into new nodes of {Terminal.Escape(cluster.Model.Name)}, "
            + $"on {Terminal.Escape(procedure.Server)}: the cluster's data becomes the snapshot's, and every other node joins it.");
        var outcome = await ConfirmAndRunAsync(pipeline, cluster, executor, plan, nodes, procedure, choices, cancellationToken).ConfigureAwait(false);
        if (outcome is not { } result) return ExitCodes.Error;
        WriteJson(procedure, result);
        if (Finished(pipeline, dry, result) is { } exit) return exit;
        human.MarkupLine($"[green]Restore complete: {Terminal.Escape(local.Name)} restored on {Terminal.Escape(procedure.Server)} (kept as {Terminal.Escape(procedure.Path)}), "
            + "every node converged and through its gates.[/]");
        return ExitCodes.Success;
    }

    private static List<RestoreNode> RestoreNodes(LoadedCluster cluster, Plan.ClusterPlan plan)
    {
        var hosts = plan.Hosts.ToDictionary(host => host.Node, StringComparer.Ordinal);
        return [.. cluster.Model.RolloutOrder().Where(node => hosts.ContainsKey(node.Name))
            .Select(node => new RestoreNode(node.Name, node.Role, hosts[node.Name].Desired.Config))];
    }

    /// <summary>Shows the steps per node, asks (unless --yes or --dry-run) and runs them; null when the answer was no.</summary>
    private static async Task<RestoreResult?> ConfirmAndRunAsync(
        Pipeline pipeline, LoadedCluster cluster, IChangeExecutor executor, Plan.ClusterPlan plan, IReadOnlyList<RestoreNode> nodes,
        RestoreProcedure procedure, Choices choices, CancellationToken cancellationToken)
    {
        var human = pipeline.Human;
        var steps = procedure.Steps.ToList();
        foreach (var node in nodes)
        {
            var own = steps.Where(step => step switch
            {
                StartStep start => start.Nodes.Contains(node.Name),
                ApplyStep apply => apply.Nodes.Contains(node.Name),
                _ => step.Node == node.Name,
            }).ToList();
            if (own.Count == 0) continue;
            human.MarkupLine($"  [bold]{Terminal.Escape(node.Name)}[/]");
            foreach (var step in own) human.MarkupLine($"    {steps.IndexOf(step) + 1}. {Terminal.Escape(step.Describe())}");
        }
        if (!choices.DryRun && !choices.Yes && !pipeline.Confirm("Restore the snapshot?"))
        {
            human.MarkupLine("Nothing was changed.");
            return null;
        }
        var (settings, progress) = pipeline.StepRollout(cluster, executor);
        var runner = new RestoreRunner(settings, plan, pipeline.ShellFor, progress) { Batching = cluster.Model.AgentBatching };
        return await runner.RunAsync(procedure, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The exit code of a dry run or a failed restore, having said so; null when the restore succeeded.</summary>
    private static int? Finished(Pipeline pipeline, DryRunExecutor? dry, RestoreResult result)
    {
        if (dry is not null)
        {
            DryRunReport.Write(pipeline.Human, dry.Steps, "the restore");
            pipeline.Human.MarkupLine("[blue]Dry run complete: nothing was changed.[/]");
            return ExitCodes.Drift;
        }
        if (result.Succeeded) return null;
        pipeline.Error($"restore stopped at: {result.StoppedAt}\n{result.Error}");
        return ExitCodes.Error;
    }

    private static JsonObject Json(string cluster, RestoreProcedure? procedure, RestoreResult? result, IReadOnlyList<DryRunStep>? dryRunSteps, LocalSnapshot? from) => new()
    {
        ["schemaVersion"] = JsonSchemaVersion.Current,
        ["cluster"] = cluster,
        ["from"] = from is null ? null : new JsonObject
        {
            ["file"] = from.File,
            ["sha256"] = from.Sha256,
            ["bytes"] = from.Bytes,
        },
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
