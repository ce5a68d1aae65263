using System.CommandLine;
using Rke2Converge.Cli.Output;
using Rke2Converge.Model;
using Rke2Converge.Remote;
using Rke2Converge.Removal;
using Rke2Converge.Rollout;
using Spectre.Console;

namespace Rke2Converge.Cli.Commands;

/// <summary>
/// <c>rke2c remove site.csx [NODE...]</c>: takes nodes out of the cluster, one at a time: cordon, drain,
/// <c>kubectl delete node</c> (RKE2 removes an etcd member's membership with it; refused up front when etcd would lose
/// quorum), then rke2-uninstall.sh on the host. Without NODE, the playbook's <c>Remove(...)</c> nodes.
/// </summary>
internal static class RemoveCommand
{
    public static Command Create()
    {
        var options = new CommonOptions();
        var nodes = new Argument<string[]>("node") { Description = "Nodes to remove (default: those the playbook marks with Remove(...))", Arity = ArgumentArity.ZeroOrMore };
        var yes = new Option<bool>("--yes", "-y") { Description = "Remove without asking; needed when stdin is not a terminal" };
        var dryRun = new Option<bool>("--dry-run")
        {
            Description = "Change nothing: read the cluster, then show each command line the removal would run; exit 2 when a node would be removed (reads the cluster lock, never takes it)",
        };
        var command = new Command("remove", "Remove nodes from the cluster: cordon, drain, kubectl delete node (and its etcd member, keeping quorum), "
            + "then rke2-uninstall.sh on the host. Shows the steps and asks first; locks every host like apply");
        options.AddTo(command);
        command.Arguments.Add(nodes);
        command.Options.Add(dryRun);
        command.Options.Add(yes);
        command.SetAction((result, token) => RunAsync(options.Read(result), result.GetValue(nodes) ?? [], result.GetValue(dryRun), result.GetValue(yes), token));
        return command;
    }

    private static async Task<int> RunAsync(RunOptions options, string[] requested, bool dryRun, bool yes, CancellationToken cancellationToken)
    {
        await using var pipeline = Pipeline.Start("remove", options);
        var cluster = await pipeline.LoadAsync(cancellationToken).ConfigureAwait(false);
        if (cluster is null) return ExitCodes.Error;
        var model = cluster.Model;
        var names = requested.Length > 0 ? requested.Distinct(StringComparer.Ordinal).ToList() : [.. model.Removals.Select(r => r.Name)];
        if (names.Count == 0)
        {
            pipeline.Error($"{options.PlaybookAsGiven}: nothing to remove: name the node (rke2c remove {options.PlaybookAsGiven} NODE) or mark it with Remove(\"NODE\", \"ADDRESS\")");
            return ExitCodes.Error;
        }
        foreach (var declared in names.Select(name => model.Nodes.FirstOrDefault(n => n.Name == name)).OfType<NodeSpec>())
        {
            pipeline.Error($"{declared.Name} is declared in the playbook{(declared.DeclaredAt is { } at ? $" ({at})" : "")}: the next apply would install it again. "
                + $"Replace its declaration with Remove(\"{declared.Name}\", \"{declared.Address}\") first. Nothing was changed.");
            return ExitCodes.Error;
        }
        if (!dryRun && pipeline.CannotAsk("remove", yes)) return ExitCodes.Error;

        var targets = names.Select(name => model.Removals.FirstOrDefault(r => r.Name == name)?.AsHost(model.SshDefaults)).OfType<NodeSpec>().ToList();
        pipeline.OpenShells(model with { Nodes = [.. model.Nodes, .. targets] });
        IChangeExecutor executor = dryRun ? new DryRunExecutor(pipeline.Redactor) : new LiveExecutor();
        return await pipeline.UnderClusterLockAsync(
            executor, $"rke2c remove {options.PlaybookAsGiven} {string.Join(' ', names)}", [.. model.Nodes.Select(n => n.Name), .. targets.Select(t => t.Name)],
            forceUnlock: false, dryRun ? "interrupted: nothing was changed" : "interrupted", _ => RemoveAsync(pipeline, model, names, targets, executor, yes, cancellationToken), cancellationToken).ConfigureAwait(false);
    }

    private static async Task<int> RemoveAsync(
        Pipeline pipeline, ClusterModel model, IReadOnlyList<string> names, IReadOnlyList<NodeSpec> targets, IChangeExecutor executor, bool yes, CancellationToken cancellationToken)
    {
        var (kubectlHost, clusterNodes) = await ReadClusterAsync(pipeline, model, cancellationToken).ConfigureAwait(false);
        var plans = new List<(RemovalPlan Plan, DrainPolicy Drain)>();
        var remaining = clusterNodes?.ToList();
        foreach (var name in names)
        {
            var known = remaining?.FirstOrDefault(n => n.Name == name);
            var drain = model.Upgrade.For(known is { Etcd: false, ControlPlane: false } ? NodeRole.Agent : NodeRole.Server) with { Mode = DrainMode.Drain };
            var etcdHost = model.RolloutOrder().FirstOrDefault(n => n.Role.CarriesEtcd() && n.Name != name)?.Name;
            var plan = RemovalPlan.For(name, kubectlHost, remaining, etcdHost, targets.Any(t => t.Name == name), drain);
            plans.Add((plan, drain));
            remaining?.RemoveAll(n => n.Name == name);
        }

        foreach (var (plan, _) in plans)
        {
            pipeline.Human.MarkupLine($"[bold]Remove {Terminal.Escape(plan.Node)}[/]");
            foreach (var note in plan.Notes) pipeline.Human.MarkupLine($"  note: {Terminal.Escape(note)}");
            foreach (var (step, index) in plan.Steps.Select((step, index) => (step, index))) pipeline.Human.MarkupLine($"  {index + 1,3}. {Terminal.Escape(step.Planned.ToString())}");
        }
        void WriteJson(IReadOnlyList<Day2NodeResult>? result) =>
            pipeline.WriteJson(Day2Json.Remove(model.Name, kubectlHost, [.. plans.Select(p => p.Plan)], result, (executor as DryRunExecutor)?.Steps));
        var refusals = plans.Where(p => p.Plan.Refusal is not null).ToList();
        foreach (var (plan, _) in refusals) pipeline.Error($"{plan.Node}: refused: {plan.Refusal}. Nothing was changed.");
        if (refusals.Count > 0)
        {
            WriteJson(null);
            return ExitCodes.Error;
        }

        var dryRun = executor.IsDryRun;
        if (!dryRun && !yes)
        {
            pipeline.Human.WriteLine();
            if (!pipeline.Confirm($"Remove {Terminal.Escape(string.Join(", ", names))} from the cluster?"))
            {
                pipeline.Human.MarkupLine("Nothing was changed.");
                return ExitCodes.Error;
            }
        }
        // A dry run's steps are listed once, in the report below, not as progress.
        Action<string> progress = dryRun ? line => pipeline.Log.Information("{Step}", line) : line => pipeline.Human.MarkupLine(Terminal.Escape(line));
        var runner = new RemovalRunner(executor, pipeline.ShellFor, progress);
        var results = new List<Day2NodeResult>();
        foreach (var (plan, drain) in plans)
        {
            if (await runner.RunAsync(plan, drain, cancellationToken).ConfigureAwait(false) is { } failure)
            {
                pipeline.Error(failure);
                results.Add(new Day2NodeResult(plan.Node, Day2NodeResult.Failed, null, pipeline.Redactor.Redact(failure)));
                results.AddRange(plans.Skip(results.Count).Select(p => new Day2NodeResult(p.Plan.Node, Day2NodeResult.NotReached, null, null)));
                WriteJson(results);
                return ExitCodes.Error;
            }
            results.Add(new Day2NodeResult(plan.Node, dryRun ? Day2NodeResult.WouldRemove : Day2NodeResult.Removed, null, null));
            pipeline.Human.MarkupLine(dryRun ? $"[blue]{Terminal.Escape(plan.Node)}: would be removed[/]" : $"[green]{Terminal.Escape(plan.Node)}: removed[/]");
        }
        if (executor is DryRunExecutor dry)
        {
            DryRunReport.Write(pipeline.Human, dry.Steps, "the removal");
            pipeline.Human.MarkupLine($"[blue]Dry run complete: {plans.Count} node(s) would be removed; nothing was changed.[/] Run rke2c remove without --dry-run to remove them.");
        }
        WriteJson(results);
        return dryRun ? (plans.Any(p => p.Plan.Steps.Count > 0) ? ExitCodes.Drift : ExitCodes.Success) : ExitCodes.Success;
    }

    /// <summary>The first server of the playbook whose API answers <c>kubectl get nodes</c>, and what it answered.</summary>
    private static async Task<(string? Host, IReadOnlyList<ClusterNode>? Nodes)> ReadClusterAsync(Pipeline pipeline, ClusterModel model, CancellationToken cancellationToken)
    {
        foreach (var server in model.RolloutOrder().Where(n => n.Role.CarriesControlPlane()))
        {
            try
            {
                var result = await pipeline.ShellFor(server.Name).RunAsync(RemovalOperations.Nodes(), cancellationToken).ConfigureAwait(false);
                if (result.Succeeded) return (server.Name, ClusterNode.ParseList(result.Stdout));
                pipeline.Log.Warning("{Node}: kubectl get nodes failed: {Error}", server.Name, result.Stderr.Trim());
            }
            catch (Exception error) when (error is RemoteException or System.Text.Json.JsonException)
            {
                pipeline.Log.Warning("{Node}: kubectl get nodes failed: {Error}", server.Name, error.Message);
            }
        }
        return (null, null);
    }
}
