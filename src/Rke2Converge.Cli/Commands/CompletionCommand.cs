using System.CommandLine;
using Rke2Converge.Cli.Completion;
using Rke2Converge.Cli.Output;

namespace Rke2Converge.Cli.Commands;

/// <summary><c>rke2c completion bash|zsh|fish</c>: prints the shell's completion script.</summary>
internal static class CompletionCommand
{
    public static Command Create()
    {
        var shell = new Argument<string>("shell") { Description = "bash, zsh or fish", HelpName = "bash|zsh|fish" };
        shell.CompletionSources.Add([.. CompletionScripts.Shells]);
        shell.Validators.Add(result =>
        {
            var value = result.GetValueOrDefault<string>();
            if (!CompletionScripts.Shells.Contains(value)) result.AddError($"the shell must be bash, zsh or fish, not '{value}'");
        });
        var command = new Command("completion", "Print a shell completion script for rke2c (bash, zsh or fish); the first line says how to load it");
        command.Arguments.Add(shell);
        command.SetAction(result =>
        {
            Console.Out.Write(CompletionScripts.For(result.GetRequiredValue(shell)));
            return ExitCodes.Success;
        });
        return command;
    }
}
