using System.CommandLine;
using Rke2Converge.Cli.Output;
using Rke2Converge.Plan.Rendering;
using Rke2Converge.Rollout;
using Rke2Converge.Plan.Saved;

namespace Rke2Converge.Cli.Commands;

/// <summary>
/// <c>rke2c plan</c>: shows what apply would change. Exit 0 no drift, 2 drift (including drift apply needs a playbook
/// decision on, such as drop-ins under ConfigDropIns.Fail()), 1 error or a problem apply refuses.
/// </summary>
internal static class PlanCommand
{
    public static Command Create()
    {
        var options = new CommonOptions();
        var command = new Command("plan", "Read every host and show what apply would change (exit 2 when anything would)");
        var output = new Option<FileInfo?>("--out")
        {
            Description = "Also save the plan to this file: rke2c apply FILE runs exactly its steps, and refuses, touching nothing, "
                + "when a host or a playbook file changed since",
        };
        var limit = new LimitOption();
        options.AddTo(command);
        limit.AddTo(command);
        command.Options.Add(output);
        command.SetAction((result, token) => RunAsync(options.Read(result) with { Limit = limit.Read(result) }, result.GetValue(output)?.FullName, token));
        return command;
    }

    private static async Task<int> RunAsync(RunOptions options, string? savedPlanFile, CancellationToken cancellationToken)
    {
        await using var pipeline = Pipeline.Start("plan", options);
        var cluster = await pipeline.LoadAsync(cancellationToken).ConfigureAwait(false);
        if (cluster is null) return ExitCodes.Error;
        var plan = await pipeline.PlanAsync(cluster, cancellationToken).ConfigureAwait(false);
        // apply reads facts under its own lock; only plan reports another run's.
        var locked = ClusterLock.PlanNotes(plan.Hosts.Select(h => h.Facts));
        if (locked.Count > 0) plan = plan with { Notes = [.. plan.Notes, .. locked] };
        if (options.Output == OutputFormat.Json) Console.Out.WriteLine(PlanJsonWriter.ToJson(plan));
        else new PlanTextRenderer(pipeline.Human).Render(plan);
        if (savedPlanFile is not null)
        {
            if (plan.HasProblems || plan.HasUnresolved) pipeline.Error($"the plan has problems; {savedPlanFile} was not written");
            else await SaveAsync(pipeline, plan, savedPlanFile, cancellationToken).ConfigureAwait(false);
        }
        return plan.HasProblems ? ExitCodes.Error : plan.HasDrift ? ExitCodes.Drift : ExitCodes.Success;
    }

    private static async Task SaveAsync(Pipeline pipeline, Plan.ClusterPlan plan, string file, CancellationToken cancellationToken)
    {
        var sources = await SavedPlan.HashSourcesAsync(pipeline.Options.PlaybookPath, cancellationToken).ConfigureAwait(false);
        await File.WriteAllTextAsync(file, pipeline.Redactor.RedactDocument(SavedPlan.From(pipeline.Options.PlaybookPath, sources, plan).ToJson()) + "\n", cancellationToken).ConfigureAwait(false);
        pipeline.Log.Information("Plan saved to {File}", file);
        Console.Error.WriteLine($"plan saved to {file}: rke2c apply {file} runs exactly these steps");
    }
}
