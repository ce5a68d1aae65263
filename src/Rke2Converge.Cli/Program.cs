using Rke2Converge.Cli.Commands;
using Rke2Converge.Cli.Output;

// Before anything is written: every character to stdout and stderr is escaped for the terminal from here on.
TerminalSafeWriter.Install();

var parsed = Rke2cCommands.Create().Parse(args);
// A mistyped option or value gets its error line, not the whole help screen after it.
if (parsed.Action is System.CommandLine.Invocation.ParseErrorAction parseError) parseError.ShowHelp = false;
// Ctrl-C cancels the run; it then needs a moment to release the cluster lock on every host (one bounded round trip each).
return await parsed.InvokeAsync(new System.CommandLine.InvocationConfiguration { ProcessTerminationTimeout = TimeSpan.FromSeconds(15) }).ConfigureAwait(false);
