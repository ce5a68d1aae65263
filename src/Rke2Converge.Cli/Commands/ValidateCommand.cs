using System.CommandLine;
using Rke2Converge.Cli.Output;
using Spectre.Console;

namespace Rke2Converge.Cli.Commands;

/// <summary><c>rke2c validate</c>: compiles and checks a playbook without contacting any host.</summary>
public static class ValidateCommand
{
    public static Command Create()
    {
        var options = new CommonOptions();
        var command = new Command("validate", "Compile and check a playbook without contacting any host");
        options.AddTo(command);
        command.SetAction(async (result, token) =>
        {
            var run = options.Read(result);
            await using var pipeline = Pipeline.Start("validate", run);
            var cluster = await pipeline.LoadAsync(token).ConfigureAwait(false);
            if (cluster is null) return ExitCodes.Error;
            pipeline.Human.MarkupLine($"[green]{Markup.Escape(run.PlaybookAsGiven)}: cluster {Markup.Escape(cluster.Model.Name)}, {cluster.Model.Nodes.Count} node(s), valid[/]");
            return ExitCodes.Success;
        });
        return command;
    }
}
