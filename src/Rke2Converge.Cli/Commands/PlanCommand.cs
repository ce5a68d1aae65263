using System.CommandLine;
using Rke2Converge.Cli.Output;
using Rke2Converge.Plan.Rendering;

namespace Rke2Converge.Cli.Commands;

/// <summary>
/// <c>rke2c plan</c>: shows what apply would change. Exit 0 no drift, 2 drift (including drift apply needs a playbook
/// decision on, such as drop-ins under ConfigDropIns.Fail()), 1 error or a problem apply refuses.
/// </summary>
public static class PlanCommand
{
    public static Command Create()
    {
        var options = new CommonOptions();
        var command = new Command("plan", "Read every host and show what apply would change (exit 2 when anything would)");
        options.AddTo(command);
        command.SetAction((result, token) => RunAsync(options.Read(result), token));
        return command;
    }

    private static async Task<int> RunAsync(RunOptions options, CancellationToken cancellationToken)
    {
        await using var pipeline = Pipeline.Start("plan", options);
        var cluster = await pipeline.LoadAsync(cancellationToken).ConfigureAwait(false);
        if (cluster is null) return ExitCodes.Error;
        var plan = await pipeline.PlanAsync(cluster, cancellationToken).ConfigureAwait(false);
        if (options.Output == OutputFormat.Json) Console.Out.WriteLine(PlanJsonWriter.ToJson(plan));
        else new PlanTextRenderer(pipeline.Human).Render(plan);
        return plan.HasProblems ? ExitCodes.Error : plan.HasDrift ? ExitCodes.Drift : ExitCodes.Success;
    }
}
