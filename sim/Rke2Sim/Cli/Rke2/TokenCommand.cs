using Rke2Sim.Cluster;
using Rke2Sim.Hosting;
using Rke2Sim.Logging;
using Rke2Sim.Tls;

namespace Rke2Sim.Cli.Rke2;

/// <summary>
/// <c>rke2 token rotate [--token OLD] [--new-token NEW]</c> (k3s pkg/cli/token/token.go Rotate): the current token comes
/// from <c>--token</c>, else <c>$RKE2_TOKEN</c>, else the server's own <c>server/token</c> file; it must be the server
/// token. Without <c>--new-token</c> the server picks a random one.
/// </summary>
public static class TokenCommand
{
    /// <summary>The flags of <c>rke2 token rotate</c> (k3s pkg/cli/cmds/token.go).</summary>
    private static readonly (string[] Names, bool TakesValue)[] RotateFlags =
    [
        (["data-dir", "d"], true), (["server", "s"], true), (["token", "t"], true), (["new-token"], true), (["debug"], false), (["config", "c"], true),
    ];

    private const string TokenHelp = """
        NAME:
           rke2 token - Manage tokens

        USAGE:
           rke2 token command [command options] [arguments...]

        COMMANDS:
           rotate  Rotate original server token with a new server token

        OPTIONS:
           --help, -h  show help

        """;

    private const string RotateHelp = """
        NAME:
           rke2 token rotate - Rotate original server token with a new server token

        USAGE:
           rke2 token rotate [command options] [arguments...]

        OPTIONS:
           --data-dir value, -d value  (data) Folder to hold state (default: "/var/lib/rancher/rke2")
           --server value, -s value    (cluster) Server to connect to (default: "https://127.0.0.1:9345") [$RKE2_URL]
           --token value, -t value     (cluster) Existing token used to join a server or agent to a cluster [$RKE2_TOKEN]
           --new-token value           (cluster) New token that replaces existing token
           --help, -h                  show help

        """;

    public static async Task<int> RunAsync(string[] args)
    {
        var top = UrfaveArguments.Parse(args, []);
        if (top.Error is not null) return UrfaveArguments.Refuse(top.Error, TokenHelp);
        if (top.HelpRequested || top.Positional.Count == 0 || top.Positional[0] is "help" or "h")
        {
            Console.Out.Write(TokenHelp);
            return 0;
        }
        if (top.Positional[0] != "rotate")
        {
            Console.Error.WriteLine($"No help topic for '{top.Positional[0]}'");
            return 3;
        }
        var options = UrfaveArguments.Parse(top.Positional.Skip(1).ToList(), RotateFlags);
        if (options.Error is not null) return UrfaveArguments.Refuse(options.Error, RotateHelp);
        if (options.HelpRequested)
        {
            Console.Out.Write(RotateHelp);
            return 0;
        }
        var token = options.Value("token") ?? Environment.GetEnvironmentVariable("RKE2_TOKEN");
        var newToken = options.Value("new-token");
        Console.Out.WriteLine("\u001b[33mWARNING\u001b[0m: Recommended to keep a record of the old token. If restoring from a snapshot, you must use the token associated with that snapshot.");
        if (string.IsNullOrEmpty(token))
        {
            token = SimPaths.ReadIfExists(SimPaths.TokenFile)?.TrimEnd('\n');
            if (token is null)
            {
                LogrusLog.Fatal($"open {SimPaths.TokenFile}: no such file or directory");
                return 1;
            }
        }
        var host = HostEnvironment.Load();
        var client = new SupervisorClient($"https://{host.Loopback}:9345", ParsedToken.Parse(token).Secret);
        try
        {
            await client.PostAsync<TokenRotateResponse>(Protocol.Prefix + "/token", new TokenRotateRequest(newToken), CancellationToken.None);
        }
        catch (SupervisorRefusedException e)
        {
            LogrusLog.Fatal($"https://127.0.0.1:9345/v1-rke2/token: {e.Status} {(e.Status == 401 ? "Unauthorized" : e.Body)}");
            return 1;
        }
        catch (HttpRequestException e)
        {
            LogrusLog.Fatal($"Put \"https://127.0.0.1:9345/v1-rke2/token\": {e.Message}");
            return 1;
        }
        // Upstream waits for the etcd propagation delay before it reports.
        await Task.Delay(TimeSpan.FromSeconds(1));
        Console.Out.WriteLine("Token rotated, restart rke2 nodes with new token");
        return 0;
    }
}
