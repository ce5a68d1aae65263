using Rke2Sim.Cluster;
using Rke2Sim.Logging;

namespace Rke2Sim.Cli.Rke2;

/// <summary><c>rke2 secrets-encrypt status|prepare|rotate|reencrypt|rotate-keys</c> against the local server.</summary>
public static class SecretsEncryptCommand
{
    private static readonly HashSet<string> Commands = ["status", "prepare", "rotate", "reencrypt", "rotate-keys"];

    public static async Task<int> RunAsync(string[] args)
    {
        var command = args.FirstOrDefault(a => !a.StartsWith('-'));
        if (command is null || !Commands.Contains(command))
        {
            Console.Error.WriteLine("Incorrect Usage: secrets-encrypt needs one of: status, prepare, rotate, reencrypt, rotate-keys");
            return 1;
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
