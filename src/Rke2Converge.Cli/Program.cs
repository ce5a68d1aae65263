using System.CommandLine;
using Rke2Converge.Cli.Commands;
using Rke2Converge.Cli.Output;

// Before anything is written: every character to stdout and stderr is escaped for the terminal from here on.
TerminalSafeWriter.Install();

var root = new RootCommand("rke2c: converge RKE2 clusters from C# playbooks, one node at a time behind readiness gates");
root.Subcommands.Add(PlanCommand.Create());
root.Subcommands.Add(ApplyCommand.Create());
root.Subcommands.Add(ValidateCommand.Create());
root.Subcommands.Add(KubeconfigCommand.Create());
root.Subcommands.Add(TokenRotateCommand.Create());
root.Subcommands.Add(RemoveCommand.Create());
root.Subcommands.Add(ResetCommand.Create());
root.Subcommands.Add(SecretsEncryptCommand.Create());
root.Subcommands.Add(InitCommand.Create());
root.Subcommands.Add(CompletionCommand.Create());
var parsed = root.Parse(args);
// A mistyped option or value gets its error line, not the whole help screen after it.
if (parsed.Action is System.CommandLine.Invocation.ParseErrorAction parseError) parseError.ShowHelp = false;
// Ctrl-C cancels the run; it then needs a moment to release the cluster lock on every host (one bounded round trip each).
return await parsed.InvokeAsync(new InvocationConfiguration { ProcessTerminationTimeout = TimeSpan.FromSeconds(15) }).ConfigureAwait(false);
