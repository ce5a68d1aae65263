using System.CommandLine;
using Rke2Converge.Cli.Commands;

var root = new RootCommand("rke2c: converge RKE2 clusters from C# playbooks, one node at a time behind readiness gates");
root.Subcommands.Add(PlanCommand.Create());
root.Subcommands.Add(ApplyCommand.Create());
root.Subcommands.Add(ValidateCommand.Create());
// Ctrl-C cancels the run; it then needs a moment to release the cluster lock on every host (one bounded round trip each).
return await root.Parse(args).InvokeAsync(new InvocationConfiguration { ProcessTerminationTimeout = TimeSpan.FromSeconds(15) }).ConfigureAwait(false);
