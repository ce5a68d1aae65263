using System.CommandLine;
using Rke2Converge.Cli.Manual;
using Rke2Converge.Cli.Output;

namespace Rke2Converge.Cli.Commands;

/// <summary><c>rke2c man</c> (hidden): rke2c(1) in roff, from the command definitions; the Debian package ships it.</summary>
internal static class ManCommand
{
    public static Command Create(RootCommand root)
    {
        var command = new Command("man", "Print the rke2c(1) manual page (roff), written from the command definitions") { Hidden = true };
        command.SetAction(_ =>
        {
            Console.Out.Write(ManPage.Write(root));
            return ExitCodes.Success;
        });
        return command;
    }
}
