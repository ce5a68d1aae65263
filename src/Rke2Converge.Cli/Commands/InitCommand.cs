using System.CommandLine;
using Rke2Converge.Cli.Output;
using Rke2Converge.Cli.Scaffold;

namespace Rke2Converge.Cli.Commands;

/// <summary><c>rke2c init [DIR]</c>: a starting playbook that validates as is. Existing files are never overwritten.</summary>
internal static class InitCommand
{
    public static Command Create()
    {
        var directory = new Argument<DirectoryInfo>("dir")
        {
            Description = "Where to write the playbook (default: the current directory; created if missing)",
            DefaultValueFactory = _ => new DirectoryInfo("."),
        };
        var command = new Command("init", "Scaffold a playbook: site.csx, common.csx, templates/, .gitignore, a known_hosts to fill and editor support. Never overwrites your files; run it again to refresh the editor's copy of the engine");
        command.Arguments.Add(directory);
        command.SetAction(result =>
        {
            var target = result.GetRequiredValue(directory);
            try
            {
                foreach (var (path, created) in PlaybookScaffold.WriteTo(target.FullName))
                {
                    Console.Out.WriteLine(created ? $"created {Path.Combine(target.ToString(), path)}" : $"kept    {Path.Combine(target.ToString(), path)} (exists)");
                }
                Console.Out.WriteLine($"wrote   {Path.Combine(target.ToString(), EditorEngineCopy.WriteTo(target.FullName))} (for editors; replaced by each init)");
            }
            catch (Exception error) when (error is IOException or UnauthorizedAccessException)
            {
                Console.Error.WriteLine($"error: {target}: {error.Message}");
                return ExitCodes.Error;
            }
            var site = Path.Combine(target.ToString(), "site.csx");
            Console.Out.WriteLine();
            Console.Out.WriteLine("Next: put your nodes in site.csx, their host keys in known_hosts, then");
            Console.Out.WriteLine($"  rke2c validate {site}");
            Console.Out.WriteLine($"  RKE2_TOKEN=... rke2c plan {site}");
            return ExitCodes.Success;
        });
        return command;
    }
}
