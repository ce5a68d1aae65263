using Rke2Sim.Cluster;
using Rke2Sim.Logging;

namespace Rke2Sim.Cli.Rke2;

/// <summary><c>rke2 etcd-snapshot save [--name N]</c>: asks the local server to snapshot etcd; logs like upstream (stderr, logrus).</summary>
public static class EtcdSnapshotCommand
{
    public static async Task<int> RunAsync(string[] args)
    {
        var sub = args.FirstOrDefault(a => !a.StartsWith('-')) ?? "save";
        if (sub != "save")
        {
            LogrusLog.Fatal($"etcd-snapshot {sub} is not supported by the simulator");
            return 1;
        }
        var name = OptionValue(args, "--name") ?? "on-demand";
        var client = LocalServer.Client(out var error);
        if (client is null)
        {
            LogrusLog.Fatal($"etcd-snapshot error: {error}");
            return 1;
        }
        try
        {
            var fileName = await client.PostTextAsync(Protocol.Prefix + "/local/etcd-snapshot", new SnapshotRequest(name), CancellationToken.None);
            LogrusLog.Info($"Snapshot {fileName.Trim()} saved.");
            return 0;
        }
        catch (SupervisorRefusedException e)
        {
            LogrusLog.Fatal($"see server log for details: {e.Body}");
            return 1;
        }
        catch (HttpRequestException e)
        {
            LogrusLog.Fatal($"see server log for details: {e.Message}");
            return 1;
        }
    }

    public static string? OptionValue(string[] args, string option)
    {
        for (var i = 0; i < args.Length; i++)
        {
            if (args[i] == option && i + 1 < args.Length) return args[i + 1];
            if (args[i].StartsWith(option + "=", StringComparison.Ordinal)) return args[i][(option.Length + 1)..];
        }
        return null;
    }
}
