using System.CommandLine;

namespace Rke2Converge.Cli.Commands;

/// <summary>The whole command tree, built once: the program parses with it and the man page is written from it.</summary>
internal static class Rke2cCommands
{
    public static RootCommand Create()
    {
        var root = new RootCommand("rke2c: converge RKE2 clusters from C# playbooks, one node at a time behind readiness gates");
        root.Subcommands.Add(PlanCommand.Create());
        root.Subcommands.Add(ApplyCommand.Create());
        root.Subcommands.Add(ValidateCommand.Create());
        root.Subcommands.Add(KubeconfigCommand.Create());
        root.Subcommands.Add(TokenRotateCommand.Create());
        root.Subcommands.Add(RemoveCommand.Create());
        root.Subcommands.Add(ResetCommand.Create());
        root.Subcommands.Add(SecretsEncryptCommand.Create());
        root.Subcommands.Add(ExecCommand.Create());
        root.Subcommands.Add(CheckCommand.Create());
        root.Subcommands.Add(RestartCommand.Create());
        root.Subcommands.Add(RestartCommand.CreateReboot());
        root.Subcommands.Add(CertificateCommand.Create());
        root.Subcommands.Add(EtcdSnapshotCommand.Create());
        root.Subcommands.Add(RestoreCommand.Create());
        root.Subcommands.Add(InitCommand.Create());
        root.Subcommands.Add(ImportCommand.Create());
        root.Subcommands.Add(CompletionCommand.Create());
        root.Subcommands.Add(ManCommand.Create(root));
        return root;
    }
}
