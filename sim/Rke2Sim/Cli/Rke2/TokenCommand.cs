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
    public static async Task<int> RunAsync(string[] args)
    {
        var command = args.FirstOrDefault(a => !a.StartsWith('-'));
        if (command != "rotate")
        {
            Console.Error.WriteLine(command is null ? "Incorrect Usage: token needs a subcommand" : $"No help topic for '{command}'");
            return command is null ? 1 : 3;
        }
        var options = args.SkipWhile(a => a != command).Skip(1).ToArray();
        var token = Flag(options, "--token", "-t") ?? Environment.GetEnvironmentVariable("RKE2_TOKEN");
        var newToken = Flag(options, "--new-token", null);
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

    private static string? Flag(string[] args, string name, string? alias)
    {
        for (var i = 0; i < args.Length; i++)
        {
            if ((args[i] == name || args[i] == alias) && i + 1 < args.Length) return args[i + 1];
            if (args[i].StartsWith(name + "=", StringComparison.Ordinal)) return args[i][(name.Length + 1)..];
        }
        return null;
    }
}
