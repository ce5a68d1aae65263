using System.CommandLine;
using System.Text.Json.Nodes;
using Rke2Converge.Cli.Output;
using Rke2Converge.Logging;
using Rke2Converge.Plan;
using Rke2Converge.Plan.Rendering;
using Rke2Converge.Plan.Saved;
using Rke2Converge.Rollout;
using Rke2Converge.Rollout.Observers;
using Spectre.Console;

namespace Rke2Converge.Cli.Commands;

/// <summary><c>rke2c apply</c>: plans, then converges node by node behind readiness gates, stopping at the first failure.</summary>
internal static class ApplyCommand
{
    public static Command Create()
    {
        var options = new CommonOptions();
        var dryRun = new Option<bool>("--dry-run") { Description = "Change nothing: show each command line and file diff apply would run; exit 2 when changes are pending (reads the cluster lock, never takes it)" };
        var forceUnlock = new Option<bool>("--force-unlock")
        {
            Description = "Remove the lock another rke2c run holds on the hosts (a warning names it), then take it. A lock is stale "
                + "when its holder's process is gone from this machine or it is older than 24 hours; use this only when no other run is active",
        };
        var yes = new Option<bool>("--yes", "-y") { Description = "Apply without asking; needed when stdin is not a terminal" };
        var command = new Command("apply", "Converge every host to the playbook (or to a plan saved with plan --out PLAN.json), one node at a time "
            + "behind readiness gates. Shows the plan and asks before changing anything (--yes skips the question). "
            + "Locks every host first (/var/lib/rancher/rke2c/lock): a second apply at the same time is refused, naming the holder");
        var limit = new LimitOption();
        options.AddTo(command);
        limit.AddTo(command);
        command.Options.Add(dryRun);
        command.Options.Add(forceUnlock);
        command.Options.Add(yes);
        command.SetAction((result, token) => RunAsync(options.Read(result) with { Limit = limit.Read(result) }, result.GetValue(dryRun), result.GetValue(forceUnlock), result.GetValue(yes), token));
        return command;
    }

    /// <param name="command">The command as the lock and the log name it (<c>apply</c>, <c>token rotate</c>).</param>
    internal static async Task<int> RunAsync(RunOptions options, bool dryRun, bool forceUnlock, bool yes, CancellationToken cancellationToken, string command = "apply")
    {
        SavedPlan? saved = null;
        var planFile = options.PlaybookAsGiven;
        if (options.PlaybookPath.EndsWith(".json", StringComparison.OrdinalIgnoreCase))
        {
            try
            {
                saved = SavedPlan.Parse(await File.ReadAllTextAsync(options.PlaybookPath, cancellationToken).ConfigureAwait(false), planFile);
                if (saved.Limit is not null) Plan.Limit.NodeLimit.Parse(saved.Limit);
            }
            catch (Exception error) when (error is InvalidDataException or IOException or FormatException)
            {
                Console.Error.WriteLine($"error: {error.Message}");
                return ExitCodes.Error;
            }
            if (options.Limit is not null && options.Limit.Text != saved.Limit)
            {
                Console.Error.WriteLine($"error: {planFile} was saved {(saved.Limit is null ? "without --limit" : $"with --limit {saved.Limit}")}; "
                    + $"apply runs it as saved, not with --limit {options.Limit.Text}. Nothing was changed.");
                return ExitCodes.Error;
            }
            options = options with
            {
                PlaybookPath = saved.Playbook,
                PlaybookAsGiven = saved.Playbook,
                Limit = saved.Limit is null ? null : Plan.Limit.NodeLimit.Parse(saved.Limit),
            };
        }
        await using var pipeline = Pipeline.Start(command, options);
        var cluster = await pipeline.LoadAsync(cancellationToken).ConfigureAwait(false);
        if (cluster is null) return ExitCodes.Error;
        if (saved is not null)
        {
            var changed = saved.ChangedSources(await SavedPlan.HashSourcesAsync(saved.Playbook, cancellationToken).ConfigureAwait(false));
            foreach (var line in changed) pipeline.Error(line);
            if (changed.Count > 0)
            {
                pipeline.Error($"{planFile}: the playbook changed since the plan was saved; nothing was changed. Plan again and review.");
                return ExitCodes.Error;
            }
            // Before any host is read: the fact script runs the playbook's checks too.
            var checks = saved.ChangedFactChecks(cluster.Desired);
            foreach (var line in checks) pipeline.Error(line);
            if (checks.Count > 0)
            {
                pipeline.Error($"{planFile} no longer matches the playbook; no host was read and nothing was changed. Plan again and review.");
                return ExitCodes.Error;
            }
        }
        if (!dryRun && pipeline.CannotAsk("apply", yes)) return ExitCodes.Error;

        // The lock comes before the facts: a plan read while another run was mid-change would be stale.
        IChangeExecutor executor = dryRun ? new DryRunExecutor(pipeline.Redactor) : new LiveExecutor();
        pipeline.OpenShells(cluster.Model);
        return await pipeline.UnderClusterLockAsync(
            executor, $"rke2c {command} {options.PlaybookAsGiven}", cluster.Model.Nodes.Select(node => node.Name), forceUnlock,
            "interrupted before any change; nothing was changed",
            attempt => ConvergeAsync(pipeline, cluster, executor, options, attempt.Unreachable, new Approval(saved, planFile, yes), cancellationToken),
            cancellationToken).ConfigureAwait(false);
    }

    /// <summary>What lets apply go ahead: the saved plan it must match (if any), and --yes.</summary>
    private sealed record Approval(SavedPlan? Saved, string PlanFile, bool Yes);

    private static async Task<int> ConvergeAsync(
        Pipeline pipeline, LoadedCluster cluster, IChangeExecutor executor, RunOptions options, IReadOnlyList<string> unlocked, Approval approval,
        CancellationToken cancellationToken)
    {
        var dryRun = executor.IsDryRun;
        var program = await pipeline.ProgramAsync(cluster, cancellationToken).ConfigureAwait(false);
        var plan = program.Plan;
        new PlanTextRenderer(pipeline.Human).Render(plan);
        var answeredLate = plan.Hosts.Where(h => unlocked.Contains(h.Node, StringComparer.Ordinal) && h.Problems.Count == 0).Select(h => h.Node).ToList();
        if (answeredLate.Count > 0)
        {
            pipeline.Error($"{string.Join(", ", answeredLate)} did not answer when the cluster lock was taken but answered when facts were read: "
                + "not locked, so not safe to change. Nothing was changed; run apply again.");
            WriteJson(options, plan, null);
            return ExitCodes.Error;
        }
        if (plan.HasProblems || plan.HasUnresolved)
        {
            pipeline.Error("the plan has problems (above); nothing was changed");
            WriteJson(options, plan, null);
            return ExitCodes.Error;
        }
        if (approval.Saved?.Differences(plan) is { Count: > 0 } differences)
        {
            foreach (var difference in differences) pipeline.Error(difference);
            pipeline.Error($"{approval.PlanFile} no longer matches the hosts; nothing was changed. Plan again and review.");
            WriteJson(options, plan, null);
            return ExitCodes.Error;
        }
        if (options.RestartsNodes != Plan.Desired.RequestedRestart.None && RestartCommand.Drift(plan) is { Count: > 0 } drift)
        {
            var verb = RestartCommand.Verb(options.RestartsNodes);
            var what = options.RestartsNodes == Plan.Desired.RequestedRestart.Reboot ? "reboots" : "restarts";
            pipeline.Error($"rke2c {verb} {what} nodes that already match the playbook and changes nothing else, but {string.Join(", ", drift)} "
                + "differ from it (the plan above): run rke2c apply first (it restarts what the changes need). Nothing was changed.");
            WriteJson(options, plan, null);
            return ExitCodes.Error;
        }
        if (options.RotatesToken)
        {
            if (await TokenRotateCommand.RotateAsync(pipeline, cluster, plan, executor, approval.Yes, cancellationToken).ConfigureAwait(false) is { } exit)
            {
                WriteJson(options, plan, null);
                return exit;
            }
            approval = approval with { Yes = true };
        }
        if (!plan.HasDrift)
        {
            pipeline.Human.MarkupLine(plan.Limit is null
                ? "[green]Nothing to do: every host already matches the playbook.[/]"
                : $"[green]Nothing to do: every host in --limit {Terminal.Escape(plan.Limit)} already matches the playbook.[/]");
            WriteJson(options, plan, new RolloutResult([.. plan.Hosts.Select(NodeReport.Untouched)], null));
            return ExitCodes.Success;
        }

        if (!dryRun && !approval.Yes && !Confirm(pipeline))
        {
            pipeline.Human.MarkupLine("Nothing was changed.");
            return ExitCodes.Error;
        }

        var dryRunExecutor = executor as DryRunExecutor;
        // The progress display shows every rollout event and the report the failure: the log file alone gets them from here.
        var logging = new LoggingObserver(pipeline.Log.ForContext(RunLog.AlreadyPrinted, true), dryRun);
        var nodes = plan.Hosts.Select(h => h.Node).ToList();
        var settings = new RolloutSettings(executor, cluster.Planner, cluster.Model.Artifacts, cluster.Model.Gates, logging, pipeline.Log) { Redact = pipeline.Redactor.Redact };
        pipeline.Human.WriteLine();
        pipeline.Human.MarkupLine(dryRun ? "[bold]Dry run: nothing will be changed[/]" : "[bold]Applying[/]");

        RolloutResult result;
        try
        {
            result = await pipeline.Timings.MeasureAsync(
                "rollout", () => RolloutAsync(pipeline, program, settings, cluster.Model.AgentBatching, nodes, options, dryRun, cancellationToken)).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            pipeline.Error(dryRun
                ? "interrupted: nothing was changed"
                : "interrupted: the node being converged may be mid-change; run rke2c apply again to resume");
            return ExitCodes.Interrupted;
        }

        if (dryRunExecutor is not null) DryRunReport.Write(pipeline.Human, dryRunExecutor.Steps, "the rollout");
        Report(pipeline, result, dryRun);
        WriteJson(options, plan, result, dryRunExecutor?.Steps);
        if (!result.Succeeded) return ExitCodes.Error;
        // A dry run that went through pending changes reports them the way plan reports drift.
        return dryRun ? ExitCodes.Drift : ExitCodes.Success;
    }

    private static async Task<RolloutResult> RolloutAsync(
        Pipeline pipeline, RolloutProgram program, RolloutSettings settings, Model.AgentBatching batching, IReadOnlyList<string> nodes, RunOptions options, bool dryRun,
        CancellationToken cancellationToken)
    {
        var logging = settings.Observer;
        if (pipeline.Interactive)
        {
            var live = new LiveProgress(pipeline.Human, nodes, dryRun);
            var runner = new RolloutRunner(settings with { Observer = new CompositeObserver(logging, live) }, batching, pipeline.ShellFor);
            return await live.RunAsync(() => runner.RunAsync(program, cancellationToken)).ConfigureAwait(false);
        }
        var plain = new PlainProgress(options.Output == OutputFormat.Json ? Console.Error : Console.Out, dryRun);
        var plainRunner = new RolloutRunner(settings with { Observer = new CompositeObserver(logging, plain) }, batching, pipeline.ShellFor);
        return await plainRunner.RunAsync(program, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Asks on the terminal; anything but y or yes declines.</summary>
    internal static bool Confirm(Pipeline pipeline)
    {
        pipeline.Human.WriteLine();
        return pipeline.Confirm("Apply these changes?");
    }

    private static void Report(Pipeline pipeline, RolloutResult result, bool dryRun)
    {
        pipeline.Human.WriteLine();
        if (result.Snapshot is not null) pipeline.Human.MarkupLine($"etcd snapshot before upgrade: {Terminal.Escape(result.Snapshot)}");
        foreach (var node in result.Nodes)
        {
            var outcome = node.Outcome switch
            {
                NodeOutcome.Converged => $"[green]converged[/] in {node.Elapsed.TotalSeconds:0.0}s ({node.GateTime.TotalSeconds:0.0}s in gates)",
                NodeOutcome.WouldChange => "[blue]would change[/]",
                NodeOutcome.Unchanged => "[grey]unchanged[/]",
                NodeOutcome.NotInLimit => "[grey]not in --limit[/]",
                NodeOutcome.AwaitingNodeReady => "[yellow]changed, node Ready not proven yet[/]",
                NodeOutcome.Failed => "[red]failed[/]",
                _ => "[yellow]not reached[/]",
            };
            pipeline.Human.MarkupLine($"  {Terminal.Escape(node.Node)}: {outcome}");
        }
        if (result.Failure is { } failure)
        {
            pipeline.Error($"rollout stopped at {failure.Node}: {failure.Error}");
            // Nodes of the same agent batch can fail together: each error block is printed here, once.
            foreach (var alsoFailed in result.Nodes.Where(node => node.Outcome == NodeOutcome.Failed && node != failure))
            {
                pipeline.Error($"{alsoFailed.Node} failed too: {alsoFailed.Error}");
            }
            var untouched = result.NotReached.ToList();
            if (untouched.Count > 0) Console.Error.WriteLine($"not touched: {string.Join(", ", untouched)}");
            Console.Error.WriteLine(dryRun
                ? "Nothing was changed. Fix the cause and run the dry run again."
                : "Fix the cause and run rke2c apply again: nodes already converged show no changes and are skipped.");
        }
        else if (dryRun)
        {
            var count = result.Nodes.Count(node => node.Outcome == NodeOutcome.WouldChange);
            pipeline.Human.MarkupLine($"[blue]Dry run complete: {count} node(s) would change; nothing was changed.[/] Run rke2c apply without --dry-run to make these changes.");
        }
        else
        {
            pipeline.Human.MarkupLine("[green]Apply complete.[/]");
        }
    }

    private static void WriteJson(RunOptions options, ClusterPlan plan, RolloutResult? result, IReadOnlyList<DryRunStep>? dryRunSteps = null)
    {
        if (options.Output != OutputFormat.Json) return;
        var document = new JsonObject
        {
            ["schemaVersion"] = JsonSchemaVersion.Current,
            ["plan"] = JsonNode.Parse(PlanJsonWriter.ToJson(plan)),
            ["result"] = result is null ? null : new JsonObject
            {
                ["succeeded"] = result.Succeeded,
                ["snapshot"] = result.Snapshot,
                ["nodes"] = new JsonArray([.. result.Nodes.Select(n => (JsonNode)new JsonObject
                {
                    ["node"] = n.Node,
                    ["outcome"] = n.Outcome == NodeOutcome.WouldChange ? "would change" : n.Outcome.ToString().ToLowerInvariant(),
                    ["seconds"] = Math.Round(n.Elapsed.TotalSeconds, 3),
                    ["gateSeconds"] = Math.Round(n.GateTime.TotalSeconds, 3),
                    ["error"] = n.Error,
                })]),
                ["dryRun"] = JsonOutput.DryRunSteps(dryRunSteps),
            },
        };
        JsonOutput.Write(document);
    }
}
