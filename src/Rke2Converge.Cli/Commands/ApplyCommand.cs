using System.CommandLine;
using System.Text.Json;
using System.Text.Json.Nodes;
using Rke2Converge.Cli.Output;
using Rke2Converge.Plan;
using Rke2Converge.Plan.Rendering;
using Rke2Converge.Rollout;
using Rke2Converge.Rollout.Observers;
using Spectre.Console;

namespace Rke2Converge.Cli.Commands;

/// <summary><c>rke2c apply</c>: plans, then converges node by node behind readiness gates, stopping at the first failure.</summary>
public static class ApplyCommand
{
    public static Command Create()
    {
        var options = new CommonOptions();
        var dryRun = new Option<bool>("--dry-run") { Description = "Show the commands that would run without changing anything" };
        var command = new Command("apply", "Converge every host to the playbook, one node at a time behind readiness gates");
        options.AddTo(command);
        command.Options.Add(dryRun);
        command.SetAction((result, token) => RunAsync(options.Read(result), result.GetValue(dryRun), token));
        return command;
    }

    private static async Task<int> RunAsync(RunOptions options, bool dryRun, CancellationToken cancellationToken)
    {
        await using var pipeline = Pipeline.Start("apply", options);
        var cluster = await pipeline.LoadAsync(cancellationToken).ConfigureAwait(false);
        if (cluster is null) return ExitCodes.Error;
        var plan = await pipeline.PlanAsync(cluster, cancellationToken).ConfigureAwait(false);
        new PlanTextRenderer(pipeline.Human).Render(plan);
        if (plan.HasProblems)
        {
            pipeline.Error("the plan has problems (above); nothing was changed");
            WriteJson(options, plan, null);
            return ExitCodes.Error;
        }
        if (!plan.HasDrift)
        {
            pipeline.Human.MarkupLine("[green]Nothing to do: every host already matches the playbook.[/]");
            WriteJson(options, plan, new RolloutResult([.. plan.Hosts.Select(h => new NodeReport(h.Node, NodeOutcome.Unchanged, TimeSpan.Zero, TimeSpan.Zero, null))], null));
            return ExitCodes.Success;
        }

        IChangeExecutor executor = dryRun ? new DryRunExecutor() : new LiveExecutor();
        var logging = new LoggingObserver(pipeline.Log);
        var nodes = plan.Hosts.Select(h => h.Node).ToList();
        var settings = new RolloutSettings(executor, cluster.Planner, cluster.Model.Artifacts, cluster.Model.Gates, logging, pipeline.Log);
        pipeline.Human.WriteLine();
        pipeline.Human.MarkupLine(dryRun ? "[bold]Dry run: nothing will be changed[/]" : "[bold]Applying[/]");

        RolloutResult result;
        try
        {
            result = await RolloutAsync(pipeline, plan, settings, cluster.Model.AgentBatching, nodes, options, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            pipeline.Error("interrupted: the node being converged may be mid-change; run rke2c apply again to resume");
            return ExitCodes.Interrupted;
        }

        if (executor is DryRunExecutor dry)
        {
            foreach (var (node, description) in dry.Skipped) pipeline.Human.MarkupLine($"  would run on {Markup.Escape(node)}: {Markup.Escape(description)}");
        }
        Report(pipeline, result);
        WriteJson(options, plan, result);
        return result.Succeeded ? ExitCodes.Success : ExitCodes.Error;
    }

    private static async Task<RolloutResult> RolloutAsync(
        Pipeline pipeline, ClusterPlan plan, RolloutSettings settings, Model.AgentBatching batching, IReadOnlyList<string> nodes, RunOptions options, CancellationToken cancellationToken)
    {
        var logging = settings.Observer;
        if (pipeline.Interactive)
        {
            var live = new LiveProgress(pipeline.Human, nodes);
            var runner = new RolloutRunner(settings with { Observer = new CompositeObserver(logging, live) }, batching, pipeline.ShellFor);
            return await live.RunAsync(() => runner.RunAsync(plan, cancellationToken)).ConfigureAwait(false);
        }
        var plain = new PlainProgress(options.Output == OutputFormat.Json ? Console.Error : Console.Out);
        var plainRunner = new RolloutRunner(settings with { Observer = new CompositeObserver(logging, plain) }, batching, pipeline.ShellFor);
        return await plainRunner.RunAsync(plan, cancellationToken).ConfigureAwait(false);
    }

    private static void Report(Pipeline pipeline, RolloutResult result)
    {
        pipeline.Human.WriteLine();
        if (result.Snapshot is not null) pipeline.Human.MarkupLine($"etcd snapshot before upgrade: {Markup.Escape(result.Snapshot)}");
        foreach (var node in result.Nodes)
        {
            var outcome = node.Outcome switch
            {
                NodeOutcome.Converged => $"[green]converged[/] in {node.Elapsed.TotalSeconds:0.0}s ({node.GateTime.TotalSeconds:0.0}s in gates)",
                NodeOutcome.Unchanged => "[grey]unchanged[/]",
                NodeOutcome.AwaitingNodeReady => "[yellow]changed, node Ready not proven yet[/]",
                NodeOutcome.Failed => "[red]failed[/]",
                _ => "[yellow]not reached[/]",
            };
            pipeline.Human.MarkupLine($"  {Markup.Escape(node.Node)}: {outcome}");
        }
        if (result.Failure is { } failure)
        {
            pipeline.Error($"rollout stopped at {failure.Node}: {failure.Error}");
            var untouched = result.NotReached.ToList();
            if (untouched.Count > 0) Console.Error.WriteLine($"not touched: {string.Join(", ", untouched)}");
            Console.Error.WriteLine("Fix the cause and run rke2c apply again: nodes already converged show no changes and are skipped.");
        }
        else
        {
            pipeline.Human.MarkupLine("[green]Apply complete.[/]");
        }
    }

    private static void WriteJson(RunOptions options, ClusterPlan plan, RolloutResult? result)
    {
        if (options.Output != OutputFormat.Json) return;
        var document = new JsonObject
        {
            ["plan"] = JsonNode.Parse(PlanJsonWriter.ToJson(plan)),
            ["result"] = result is null ? null : new JsonObject
            {
                ["succeeded"] = result.Succeeded,
                ["snapshot"] = result.Snapshot,
                ["nodes"] = new JsonArray([.. result.Nodes.Select(n => (JsonNode)new JsonObject
                {
                    ["node"] = n.Node,
                    ["outcome"] = n.Outcome.ToString().ToLowerInvariant(),
                    ["seconds"] = Math.Round(n.Elapsed.TotalSeconds, 3),
                    ["gateSeconds"] = Math.Round(n.GateTime.TotalSeconds, 3),
                    ["error"] = n.Error,
                })]),
            },
        };
        Console.Out.WriteLine(document.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
    }
}
