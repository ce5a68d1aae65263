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
        var global = UrfaveArguments.Parse(args[2..], GlobalFlags);
        if (global.Error is not null) return UrfaveArguments.Refuse(global.Error, UsageText(release));
        if (global.Has("version") && global.Positional.Count == 0)
        {
            Console.Out.Write(release.VersionOutput);
            return 0;
        }
        var command = global.Positional.FirstOrDefault();
        var rest = global.Positional.Skip(1).ToArray();
        if (global.HelpRequested || command is null or "help" or "h")
        {
            if (command is "help" or "h" && rest.Length > 0 && rest[0] is not ("server" or "agent" or "etcd-snapshot" or "secrets-encrypt" or "token" or "certificate"))
            {
                Console.Error.WriteLine($"No help topic for '{rest[0]}'");
                return 3;
            }
            Console.Out.Write(UsageText(release));
            return 0;
        }
        // The daemons take their settings from config.yaml (as the units start them); their help changes nothing.
        if (command is "server" or "agent" && rest.Any(a => a is "--help" or "-h"))
        {
            Console.Out.Write($"NAME:\n   rke2 {command} - Run {(command == "server" ? "management server" : "node agent")}\n\nUSAGE:\n   rke2 {command} [OPTIONS]\n");
            return 0;
        }
        if (command == "server" && rest.Length > 0) return await ServerWithFlagsAsync(rest, release);
        return command switch
        {
            "server" => await DaemonHost.RunAsync(server: true, release),
            "agent" => await DaemonHost.RunAsync(server: false, release),
            "etcd-snapshot" => await EtcdSnapshotCommand.RunAsync(rest),
            "secrets-encrypt" => await SecretsEncryptCommand.RunAsync(rest),
            "token" => await TokenCommand.RunAsync(rest),
            "certificate" => CertificateCommand.Run(rest),
            _ => Unknown(command),
        };
    }

    /// <summary>rke2's global options (rancher/rke2 main.go: --debug, plus urfave's --help and --version).</summary>
    private static readonly (string[] Names, bool TakesValue)[] GlobalFlags = [(["debug"], false), (["version", "v"], false)];

    private static string UsageText(ReleaseInfo release) => $"""
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
               --debug        (logging) Turn on debug logs
               --help, -h     show help
               --version, -v  print the version

            """;

    /// <summary>
    /// The <c>rke2 server</c> flags the simulator models: the one-shot <c>--cluster-reset</c> and
    /// <c>--cluster-reset-restore-path</c> (k3s pkg/cli/cmds/server.go); every other setting comes from config.yaml.
    /// </summary>
    private static readonly (string[] Names, bool TakesValue)[] ServerFlags = [(["cluster-reset"], false), (["cluster-reset-restore-path"], true)];

    private static async Task<int> ServerWithFlagsAsync(string[] rest, ReleaseInfo release)
    {
        const string help = "NAME:\n   rke2 server - Run management server\n\nUSAGE:\n   rke2 server [OPTIONS]\n";
        var flags = UrfaveArguments.Parse(rest, ServerFlags);
        if (flags.Error is not null) return UrfaveArguments.Refuse(flags.Error, help);
        if (flags.Positional.Count > 0)
        {
            Console.Error.WriteLine($"simulator: rke2 server takes no arguments (got '{flags.Positional[0]}')");
            return 1;
        }
        var path = flags.Value("cluster-reset-restore-path");
        // k3s pkg/cli/server/server.go run: the restore path needs the reset flag.
        if (path is { Length: > 0 } && !flags.Has("cluster-reset"))
        {
            Logging.LogrusLog.Fatal("invalid flag use; --cluster-reset required with --cluster-reset-restore-path");
            return 1;
        }
        return await DaemonHost.RunAsync(server: true, release, flags.Has("cluster-reset") ? new ClusterResetRequest(path is { Length: > 0 } ? path : null) : null);
    }

    private static int Unknown(string command)
    {
        Console.Error.WriteLine($"No help topic for '{command}'");
        return 3;
    }
}
