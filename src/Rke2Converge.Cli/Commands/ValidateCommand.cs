using System.CommandLine;
using System.Text.Json;
using Rke2Converge.Cli.Output;
using Spectre.Console;

namespace Rke2Converge.Cli.Commands;

/// <summary>
/// <c>rke2c validate</c>: compiles, runs and checks a playbook without contacting any host or reading any secret.
/// Problems go to stderr; with <c>--output json</c> stdout carries the verdict and every problem.
/// </summary>
internal static class ValidateCommand
{
    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true };

    public static Command Create()
    {
        var options = new CommonOptions(contactsHosts: false);
        var command = new Command("validate", "Compile and check a playbook without contacting any host or reading any secret");
        options.AddTo(command);
        command.SetAction(async (result, token) =>
        {
            var run = options.Read(result);
            await using var pipeline = Pipeline.Start("validate", run);
            var check = await pipeline.CheckAsync(token).ConfigureAwait(false);
            if (run.Output == OutputFormat.Json)
            {
                Console.Out.WriteLine(JsonSerializer.Serialize(new
                {
                    schemaVersion = JsonSchemaVersion.Current,
                    playbook = run.PlaybookAsGiven,
                    valid = check.Model is not null,
                    cluster = check.Model?.Name,
                    nodes = check.Model?.Nodes.Count,
                    errors = check.Errors.Select(pipeline.Redactor.Redact),
                    warnings = check.Warnings.Select(pipeline.Redactor.Redact),
                }, Json));
            }
            if (check.Model is null) return ExitCodes.Error;
            var verdict = check.Warnings.Count == 0 ? "valid" : $"valid with {check.Warnings.Count} warning(s)";
            pipeline.Human.MarkupLine(
                $"[green]{Terminal.Escape(run.PlaybookAsGiven)}: cluster {Terminal.Escape(check.Model.Name)}, {check.Model.Nodes.Count} node(s), {verdict}[/]");
            return ExitCodes.Success;
        });
        return command;
    }
}
