using Rke2Sim.Cluster;
using Rke2Sim.Logging;

namespace Rke2Sim.Cli.Rke2;

/// <summary><c>rke2 secrets-encrypt status|prepare|rotate|reencrypt|rotate-keys</c> against the local server.</summary>
public static class SecretsEncryptCommand
{
    private static readonly HashSet<string> Commands = ["status", "prepare", "rotate", "reencrypt", "rotate-keys"];

    /// <summary>The flags the subcommands share (k3s pkg/cli/cmds/secrets_encrypt.go), plus each one's own.</summary>
    private static (string[] Names, bool TakesValue)[] FlagsOf(string command) =>
    [
        (["data-dir", "d"], true), (["token", "t"], true), (["server", "s"], true), (["debug"], false), (["config", "c"], true),
        .. command switch
        {
            "status" => new (string[], bool)[] { (["output", "o"], true) },
            "reencrypt" => [(["force", "f"], false), (["skip"], false)],
            "prepare" or "rotate" => [(["force", "f"], false)],
            _ => [],
        },
    ];

    private const string Help = """
        NAME:
           rke2 secrets-encrypt - Control secrets encryption and keys rotation

        USAGE:
           rke2 secrets-encrypt command [command options] [arguments...]

        COMMANDS:
           status       Print current status of secrets encryption
           prepare      Prepare for encryption keys rotation
           rotate       Rotate secrets encryption keys
           reencrypt    Reencrypt all data with new encryption key
           rotate-keys  Dynamically rotates secrets encryption keys and re-encrypt secrets

        OPTIONS:
           --help, -h  show help

        """;

    public static async Task<int> RunAsync(string[] args)
    {
        var top = UrfaveArguments.Parse(args, []);
        if (top.Error is not null) return UrfaveArguments.Refuse(top.Error, Help);
        if (top.HelpRequested || top.Positional.Count == 0 || top.Positional[0] is "help" or "h")
        {
            Console.Out.Write(Help);
            return 0;
        }
        var command = top.Positional[0];
        if (!Commands.Contains(command))
        {
            Console.Error.WriteLine($"No help topic for '{command}'");
            return 3;
        }
        var subHelp = $"NAME:\n   rke2 secrets-encrypt {command}\n\nUSAGE:\n   rke2 secrets-encrypt {command} [command options] [arguments...]\n\nOPTIONS:\n"
            + string.Concat(FlagsOf(command).Select(f => $"   {string.Join(", ", f.Names.Select(n => (n.Length == 1 ? "-" : "--") + n + (f.TakesValue ? " value" : "")))}\n"))
            + "   --help, -h  show help\n";
        var options = UrfaveArguments.Parse(top.Positional.Skip(1).ToList(), FlagsOf(command));
        if (options.Error is not null) return UrfaveArguments.Refuse(options.Error, subHelp);
        if (options.HelpRequested)
        {
            Console.Out.Write(subHelp);
            return 0;
        }
        var client = LocalServer.Client(out var error);
        if (client is null)
        {
            LogrusLog.Fatal(error!);
            return 1;
        }
        try
        {
            var response = await client.PostAsync(Protocol.Prefix + "/secrets-encrypt", new SecretsEncryptRequest(command),
                ClientProtocolJson.Default.SecretsEncryptRequest, ClientProtocolJson.Default.SecretsEncryptResponse, CancellationToken.None);
            if (response.Error is not null)
            {
                LogrusLog.Fatal(response.Error);
                return 1;
            }
            Console.Out.Write(response.Output);
            return 0;
        }
        catch (SupervisorRefusedException e)
        {
            LogrusLog.Fatal($"see server log for details: {e.Message}");
            return 1;
        }
        catch (HttpRequestException e)
        {
            LogrusLog.Fatal($"see server log for details: {e.Message}");
            return 1;
        }
    }
}
