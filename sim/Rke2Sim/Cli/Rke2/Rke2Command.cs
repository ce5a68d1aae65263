using Rke2Sim.Daemon;
using Rke2Sim.Versions;

namespace Rke2Sim.Cli.Rke2;

/// <summary>The <c>rke2</c> command line: <c>--version</c>, <c>server</c>, <c>agent</c>, <c>etcd-snapshot</c>, <c>secrets-encrypt</c>.</summary>
public static class Rke2Command
{
    public static async Task<int> RunAsync(string[] args)
    {
        if (args.Length < 2 || args[0] != "--sim-version")
        {
            Console.Error.WriteLine("rke2sim rke2: missing --sim-version <version> (the tarball's bin/rke2 passes it)");
            return 1;
        }
        ReleaseInfo release;
        try
        {
            release = ReleaseInfo.Parse(args[1]);
        }
        catch (FormatException e)
        {
            Console.Error.WriteLine(e.Message);
            return 1;
        }
        var rest = args[2..];
        var command = rest.FirstOrDefault(a => !a.StartsWith('-'));
        if (rest.Contains("--version") || rest.Contains("-v"))
        {
            if (command is null)
            {
                Console.Out.Write(release.VersionOutput);
                return 0;
            }
        }
        return command switch
        {
            null => Usage(release),
            "server" => await DaemonHost.RunAsync(server: true, release),
            "agent" => await DaemonHost.RunAsync(server: false, release),
            "etcd-snapshot" => await EtcdSnapshotCommand.RunAsync(rest.SkipWhile(a => a != command).Skip(1).ToArray()),
            "secrets-encrypt" => await SecretsEncryptCommand.RunAsync(rest.SkipWhile(a => a != command).Skip(1).ToArray()),
            "token" => await TokenCommand.RunAsync(rest.SkipWhile(a => a != command).Skip(1).ToArray()),
            "certificate" => CertificateCommand.Run(rest.SkipWhile(a => a != command).Skip(1).ToArray()),
            _ => Unknown(command),
        };
    }

    private static int Usage(ReleaseInfo release)
    {
        Console.Out.Write($"""
            NAME:
               rke2 - Rancher Kubernetes Engine 2

            USAGE:
               rke2 [global options] command [command options]

            VERSION:
               {release.Version} ({release.Commit})

            COMMANDS:
               server           Run management server
               agent            Run node agent
               etcd-snapshot    Manage etcd snapshots
               secrets-encrypt  Control secrets encryption and keys rotation
               token            Manage tokens
               certificate      Manage RKE2 certificates
               help, h          Shows a list of commands or help for one command

            GLOBAL OPTIONS:
               --help, -h     show help
               --version, -v  print the version

            """);
        return 0;
    }

    private static int Unknown(string command)
    {
        Console.Error.WriteLine($"No help topic for '{command}'");
        return 3;
    }
}
